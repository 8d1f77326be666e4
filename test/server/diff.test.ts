import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimalEdits } from '../../server/src/features/diff';
import { applyEdits } from '../../server/src/engine/fixer';

void describe('minimalEdits', () => {
	it('no edit for equal texts', () => {
		assert.deepEqual(minimalEdits('FROM a\n', 'FROM a\n'), []);
	});

	it('an insertion inside a line is just the inserted text', () => {
		assert.deepEqual(
			minimalEdits('FROM a\nRUN pip install x\n', 'FROM a\nRUN pip install --no-cache-dir x\n'),
			// The longest common prefix ends after the space, so the space moves to the end of the insertion.
			[{ range: { start: { line: 1, character: 16 }, end: { line: 1, character: 16 } }, newText: '--no-cache-dir ' }],
		);
	});

	it('changes far apart stay separate edits; untouched lines are not in any edit', () => {
		const before = '# a\nFROM a\nRUN pip install x\nCOPY . .\nADD b /b\n';
		const after = '# syntax=docker/dockerfile:1\n# a\nFROM a\nRUN pip install --no-cache-dir x\nCOPY . .\nCOPY b /b\n';
		const edits = minimalEdits(before, after);
		assert.deepEqual(edits, [
			{
				range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
				newText: '# syntax=docker/dockerfile:1\n',
			},
			{ range: { start: { line: 2, character: 16 }, end: { line: 2, character: 16 } }, newText: '--no-cache-dir ' },
			{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 3 } }, newText: 'COPY' },
		]);
		assert.equal(applyEdits(before, edits), after);
	});

	it('never cuts a CRLF or a surrogate pair', () => {
		const crlf = minimalEdits('a\r\nb\r\n', 'a\r\n\r\nb\r\n');
		for (const e of crlf) {
			assert.ok(!(e.range.start.character === 2 || e.range.end.character === 2), JSON.stringify(e));
		}
		assert.equal(applyEdits('a\r\nb\r\n', crlf), 'a\r\n\r\nb\r\n');
		const emoji = minimalEdits('x \u{1F600}\n', 'x \u{1F601}\n');
		assert.deepEqual(emoji, [
			{ range: { start: { line: 0, character: 2 }, end: { line: 0, character: 4 } }, newText: '\u{1F601}' },
		]);
	});

	it('applied to the old text, always gives the new text (random edits)', () => {
		let seed = 7;
		const random = (n: number): number => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed % n;
		};
		const pieces = ['FROM a', 'RUN x', '', '# c', 'RUN y \\', '  && z', 'é', '\u{1F600}'];
		const eols = ['\n', '\r\n', '\r'];
		for (let round = 0; round < 300; round++) {
			const eol = eols[random(eols.length)];
			const lines = Array.from({ length: random(8) }, () => pieces[random(pieces.length)]);
			const before = lines.join(eol) + (random(2) ? eol : '');
			const changed = [...lines];
			for (let k = random(4); k > 0; k--) {
				const at = random(changed.length + 1);
				const op = random(3);
				if (op === 0) {
					changed.splice(at, 0, pieces[random(pieces.length)]);
				} else if (op === 1) {
					changed.splice(at, 1);
				} else if (at < changed.length) {
					changed[at] = `${changed[at]} --flag`;
				}
			}
			const after = changed.join(eol) + (random(2) ? eol : '');
			assert.equal(applyEdits(before, minimalEdits(before, after)), after, JSON.stringify({ before, after }));
		}
	});

	it('falls back to one edit for huge differences, still exact', () => {
		const before = Array.from({ length: 3000 }, (_, i) => `RUN a${i}`).join('\n');
		const after = Array.from({ length: 3000 }, (_, i) => `RUN b${i}`).join('\n');
		const edits = minimalEdits(before, after);
		assert.equal(applyEdits(before, edits), after);
	});
});
