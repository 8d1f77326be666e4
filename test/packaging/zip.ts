/**
 * Lists the entries of a zip file (a `.vsix` is one) from its central directory. Enough for tests that check what a
 * package holds; it reads no file contents, so it needs no inflate and no dependency.
 */
import { readFileSync } from 'node:fs';

/** One file in a zip archive. */
export interface ZipEntry {
	readonly name: string;
	readonly compressedSize: number;
	readonly size: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;

/** The entries of the zip file at `file`, in archive order. Throws on anything that is not a plain zip. */
export function listZipEntries(file: string): ZipEntry[] {
	const zip = readFileSync(file);
	// The end record is the last 22 bytes unless a comment follows it; search backwards over the longest comment.
	let end = -1;
	for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
		if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
			end = i;
			break;
		}
	}
	if (end < 0) {
		throw new Error(`${file} is not a zip file (no end of central directory record)`);
	}
	const count = zip.readUInt16LE(end + 10);
	let offset = zip.readUInt32LE(end + 16);
	const entries: ZipEntry[] = [];
	for (let i = 0; i < count; i++) {
		if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER) {
			throw new Error(`${file}: bad central directory header at ${offset}`);
		}
		const compressedSize = zip.readUInt32LE(offset + 20);
		const size = zip.readUInt32LE(offset + 24);
		const nameLength = zip.readUInt16LE(offset + 28);
		const extraLength = zip.readUInt16LE(offset + 30);
		const commentLength = zip.readUInt16LE(offset + 32);
		const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
		entries.push({ name, compressedSize, size });
		offset += 46 + nameLength + extraLength + commentLength;
	}
	return entries;
}
