import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { lint } from '../server/src/engine/lint';
import { fsContext } from '../server/src/node/fsContext';
import { loadShellParser } from '../server/src/node/shellParser';
import { assertSnapshot, renderSnapshot } from './harness/golden';

const root = resolve(__dirname, '../..');
const fixtures = join(root, 'test/fixtures/golden');

describe('golden files', () => {
	before(() => loadShellParser());

	it("the seed's 'putting it all together' Dockerfile (full digests) is clean of every rule", () => {
		const path = join(root, 'examples/hardened-python/Dockerfile');
		const result = lint(readFileSync(path, 'utf8'), { buildContext: fsContext(dirname(path)) });
		assert.deepEqual(
			result.diagnostics.map((d) => `${d.range.start.line + 1}:${d.code} ${d.message}`),
			[],
		);
	});

	for (const example of ['insecure-python', 'hardened-python']) {
		it(`examples/${example}`, () => {
			const dir = join(root, 'examples', example);
			const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
			assertSnapshot(join(fixtures, `example-${example}.snap`), renderSnapshot(text, fsContext(dir)));
		});
	}

	for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.Dockerfile'))) {
		it(file, () => {
			const text = readFileSync(join(fixtures, file), 'utf8');
			assertSnapshot(join(fixtures, file.replace(/\.Dockerfile$/, '.snap')), renderSnapshot(text, undefined));
		});
	}
});
