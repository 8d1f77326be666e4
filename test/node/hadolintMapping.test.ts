import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { allRules } from '../../server/src/rules';

describe('docs/configuration.md', () => {
	it('lists exactly the hadolint codes the rules declare', () => {
		const text = readFileSync(join(resolve(__dirname, '../../..'), 'docs/configuration.md'), 'utf8');
		const documented = [...text.matchAll(/^\| (DL\d{4}(?:, DL\d{4})*) \| \[(DH\d{3})/gm)].map(
			(m) => `${m[1]} -> ${m[2]}`,
		);
		const declared = allRules
			.filter((r) => r.meta.equivalents?.hadolint?.length)
			.map((r) => `${r.meta.equivalents!.hadolint!.join(', ')} -> ${r.meta.id}`);
		assert.deepEqual(documented.sort(), declared.sort());
	});
});
