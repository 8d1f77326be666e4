import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { EditComposer, type LabelledEdit } from '../../server/src/engine/compose';
import { applyEdits } from '../../server/src/engine/fixer';

/** Non-overlapping edits of `text` from random cut points. */
function editsOf(text: string, cuts: number[], texts: string[], label: string): LabelledEdit[] {
	const document = TextDocument.create('file:///x', 'dockerfile', 0, text);
	const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
	const edits: LabelledEdit[] = [];
	for (let i = 0; i + 1 < points.length; i += 2) {
		edits.push({
			range: { start: document.positionAt(points[i]), end: document.positionAt(points[i + 1]) },
			newText: texts[i % texts.length] ?? '',
			label,
		});
	}
	return edits;
}

describe('EditComposer', () => {
	it('turns passes into edits of the original text, labelled by pass', () => {
		const original = 'FROM a\nRUN pip install x\n';
		const composer = new EditComposer(original);
		composer.apply([
			{
				range: { start: { line: 1, character: 15 }, end: { line: 1, character: 15 } },
				newText: ' --no-cache-dir',
				label: 'DH402',
			},
			{
				range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
				newText: '# syntax=docker/dockerfile:1\n',
				label: 'DH502',
			},
		]);
		// The second pass edits text the first inserted and text it did not.
		composer.apply([
			{
				range: { start: { line: 2, character: 16 }, end: { line: 2, character: 30 } },
				newText: '--no-cache-dir --require-hashes',
				label: 'DH401',
			},
			{ range: { start: { line: 1, character: 5 }, end: { line: 1, character: 6 } }, newText: 'b', label: 'DH201' },
		]);
		const edits = composer.edits();
		assert.equal(applyEdits(original, edits), composer.text);
		assert.equal(
			composer.text,
			'# syntax=docker/dockerfile:1\nFROM b\nRUN pip install --no-cache-dir --require-hashes x\n',
		);
		assert.deepEqual(
			edits.map((e) => [e.label, e.newText]),
			[
				['DH502', '# syntax=docker/dockerfile:1\n'],
				['DH201', 'b'],
				['DH402', ' '],
				['DH401', '--no-cache-dir --require-hashes'],
			],
		);
	});

	it('equals applying the passes one after the other, for any passes', () => {
		fc.assert(
			fc.property(
				fc.string({ maxLength: 40 }),
				fc.array(
					fc.record({
						cuts: fc.array(fc.nat(60), { maxLength: 8 }),
						texts: fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }),
					}),
					{ maxLength: 5 },
				),
				(original, passes) => {
					const composer = new EditComposer(original);
					let sequential = original;
					passes.forEach((pass, i) => {
						const edits = editsOf(sequential, pass.cuts, pass.texts, `pass${i}`);
						sequential = applyEdits(sequential, edits);
						composer.apply(edits);
						assert.equal(composer.text, sequential);
					});
					assert.equal(applyEdits(original, composer.edits()), sequential);
				},
			),
			{ numRuns: 2000, seed: 42 },
		);
	});
});
