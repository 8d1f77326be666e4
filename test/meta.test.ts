/**
 * Keeps the rule catalogue, its tests and its docs in step (ESLint's checkRuleFiles, typescript-eslint's docs test).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { docsUrl } from '../server/src/protocol';
import { allRules } from '../server/src/rules';

const root = resolve(__dirname, '../..');
const HEADINGS = [
	'## What it finds',
	'## Why it matters',
	'## Bad',
	'## Good',
	'## Fix',
	'## Options',
	'## Not reported',
	'## Suppress',
	'## Equivalents',
];

describe('rule catalogue', () => {
	it('has unique, well-formed ids in sorted order', () => {
		const ids = allRules.map((r) => r.meta.id);
		assert.equal(new Set(ids).size, ids.length);
		assert.deepEqual([...ids].sort(), ids);
		for (const id of ids) {
			assert.match(id, /^DH\d{3}$/);
		}
	});

	for (const rule of allRules) {
		const { id, name } = rule.meta;
		describe(`${id} ${name}`, () => {
			it('lives in a file named after it', () => {
				assert.match(name, /^[a-z]+(?:-[a-z0-9]+)*$/);
				const file = join(root, 'server/src/rules', `${name}.ts`);
				assert.ok(existsSync(file), file);
				// eslint-disable-next-line @typescript-eslint/no-require-imports
				const mod = require(join(root, 'out/server/src/rules', `${name}.js`)) as { default: unknown };
				assert.equal(mod.default, rule);
			});
			it('has tests that use every message', () => {
				const file = join(root, 'test/rules', `${name}.test.ts`);
				assert.ok(existsSync(file), file);
				const text = readFileSync(file, 'utf8');
				for (const messageId of Object.keys(rule.meta.messages)) {
					assert.ok(text.includes(`messageId: '${messageId}'`), `no test for message ${messageId}`);
				}
				assert.ok(/valid: \[/.test(text) && /invalid: \[/.test(text));
			});
			it('has a docs page with every section, linked from the diagnostic', () => {
				const file = join(root, 'docs/rules', `${id}-${name}.md`);
				assert.ok(existsSync(file), file);
				const text = readFileSync(file, 'utf8');
				assert.ok(text.startsWith(`# ${id}: ${name}\n`), 'title line');
				for (const heading of HEADINGS) {
					assert.ok(text.includes(`\n${heading}\n`), `missing "${heading}"`);
				}
				assert.ok(docsUrl(id, name).endsWith(`/docs/rules/${id}-${name}.md`));
			});
			it('is listed in the rules index and the changelog', () => {
				assert.ok(readFileSync(join(root, 'docs/rules/README.md'), 'utf8').includes(`(${id}-${name}.md)`));
				assert.ok(readFileSync(join(root, 'CHANGELOG.md'), 'utf8').includes(id));
			});
			it('messages end with a remedy and never show placeholders without data', () => {
				for (const message of Object.values<string>(rule.meta.messages)) {
					assert.ok(message.split('. ').length >= 2, `one sentence of problem, one of remedy: ${message}`);
				}
			});
		});
	}
});
