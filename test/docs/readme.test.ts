/**
 * README.md is what users read first: its rule table must match the rule metadata, and the commands at its top must
 * be the ones CI runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { allRules } from '../../server/src/rules';
import { REPO_ROOT } from '../harness/lsp';
import { fixCell, renderRuleTable, replaceFixColumn, replaceRuleTable } from './ruleTable';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

/** The lines of the README's first `sh` block: the set-up commands, with their comments. */
function setUpCommands(): string[] {
	const block = /```sh\n([\s\S]*?)```/.exec(readme);
	assert.ok(block, 'README.md starts with a sh block of set-up commands');
	return block[1]
		.split('\n')
		.map((line) => line.replace(/\s+#.*$/, '').trim())
		.filter((line) => line !== '');
}

void describe('README.md', () => {
	it('has the rule table the rule metadata generates (run `npm run docs:readme` after changing a rule)', () => {
		const expected = replaceRuleTable(readme, renderRuleTable(allRules));
		assert.equal(readme, expected, 'README.md is out of date: run `npm run docs:readme`');
	});

	it('docs/rules/README.md says what each rule fixes, as the metadata does', () => {
		const index = readFileSync(path.join(REPO_ROOT, 'docs/rules/README.md'), 'utf8');
		assert.equal(index, replaceFixColumn(index, allRules), 'docs/rules/README.md is out of date: run `npm run docs:readme`');
		for (const rule of allRules) {
			assert.ok(index.includes(`| ${fixCell(rule)} |`), rule.meta.id);
		}
	});

	it('links every rule to its docs page', () => {
		for (const { meta } of allRules) {
			assert.ok(readme.includes(`(docs/rules/${meta.id}-${meta.name}.md)`), meta.id);
		}
	});

	it('starts with the demo and test commands, and CI runs exactly its test commands', () => {
		const commands = setUpCommands();
		assert.deepEqual(commands.slice(0, 2), ['npm ci && npm run demo', 'npm ci && npm test']);
		const ci = readFileSync(path.join(REPO_ROOT, '.ci/run'), 'utf8')
			.split('\n')
			.map((line) => line.trim())
			.filter((line) => /^npm (ci|test|run)\b/.test(line));
		assert.deepEqual(
			ci,
			commands.filter((c) => c !== 'npm ci && npm run demo'),
			'.ci/run runs the README test commands',
		);
	});

	it('shows screenshots that exist', () => {
		const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
		assert.ok(images.length > 0, 'the README shows the extension at work');
		for (const image of images) {
			assert.doesNotThrow(() => readFileSync(path.join(REPO_ROOT, image)), image);
		}
	});
});
