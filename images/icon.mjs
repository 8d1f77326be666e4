// Draws images/icon.png (128×128): a white shield with a check mark on a rounded blue square. Kept as code so the
// icon can be redrawn without an image editor: `node images/icon.mjs`. Only the PNG ships in the .vsix.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
/** Samples per pixel edge: 4×4 supersampling gives smooth edges without a real rasteriser. */
const SS = 4;
const BLUE = [29, 99, 237];
const WHITE = [255, 255, 255];

/** Inside a square of side SIZE with rounded corners of radius r. */
function inRoundedSquare(x, y, r) {
	const cx = Math.min(Math.max(x, r), SIZE - r);
	const cy = Math.min(Math.max(y, r), SIZE - r);
	return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Inside the shield: straight sides from the top, then an elliptical taper to the point. */
function inShield(x, y) {
	const top = 22;
	const shoulder = 64;
	const tip = 110;
	const half = 34;
	if (y < top || y > tip) {
		return false;
	}
	// The top edge dips a little towards the middle, like a heraldic shield.
	const dip = 5 * Math.cos(((x - 64) / half) * (Math.PI / 2));
	if (y < top + Math.max(dip, 0)) {
		return false;
	}
	const t = y <= shoulder ? 0 : (y - shoulder) / (tip - shoulder);
	return Math.abs(x - 64) <= half * Math.sqrt(1 - t * t);
}

/** Distance from point p to segment ab. */
function segmentDistance(px, py, ax, ay, bx, by) {
	const dx = bx - ax;
	const dy = by - ay;
	const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
	return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inCheck(x, y) {
	const width = 5.5;
	return segmentDistance(x, y, 47, 64, 59, 77) <= width || segmentDistance(x, y, 59, 77, 83, 50) <= width;
}

/** The colour and coverage of one sample. */
function sample(x, y) {
	if (!inRoundedSquare(x, y, 24)) {
		return null;
	}
	if (inShield(x, y) && !inCheck(x, y)) {
		return WHITE;
	}
	return BLUE;
}

const rgba = Buffer.alloc(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
	for (let px = 0; px < SIZE; px++) {
		let r = 0;
		let g = 0;
		let b = 0;
		let covered = 0;
		for (let sy = 0; sy < SS; sy++) {
			for (let sx = 0; sx < SS; sx++) {
				const colour = sample(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
				if (colour) {
					r += colour[0];
					g += colour[1];
					b += colour[2];
					covered++;
				}
			}
		}
		const i = (py * SIZE + px) * 4;
		if (covered > 0) {
			rgba[i] = Math.round(r / covered);
			rgba[i + 1] = Math.round(g / covered);
			rgba[i + 2] = Math.round(b / covered);
			rgba[i + 3] = Math.round((255 * covered) / (SS * SS));
		}
	}
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) {
		c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	}
	return c >>> 0;
});

function crc32(buffer) {
	let c = 0xffffffff;
	for (const byte of buffer) {
		c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
	}
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
// Each scan line starts with filter type 0 (none).
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
	rgba.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
}
const png = Buffer.concat([
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
	chunk('IHDR', header),
	chunk('IDAT', deflateSync(raw, { level: 9 })),
	chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
