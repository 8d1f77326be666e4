// Regenerates README.md's rule table and docs/rules/README.md's fix column from the rule metadata (`npm run docs:readme`, which compiles first).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { allRules } = require('../out/server/src/rules/index.js');
const { renderRuleTable, replaceFixColumn, replaceRuleTable } = require('../out/test/docs/ruleTable.js');

const file = new URL('../README.md', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = replaceRuleTable(before, renderRuleTable(allRules));
if (after === before) {
	console.log('README.md rule table is up to date.');
} else {
	writeFileSync(file, after);
	console.log(`README.md rule table rewritten (${allRules.length} rules).`);
}

const index = new URL('../docs/rules/README.md', import.meta.url);
const indexBefore = readFileSync(index, 'utf8');
const indexAfter = replaceFixColumn(indexBefore, allRules);
if (indexAfter === indexBefore) {
	console.log('docs/rules/README.md fix column is up to date.');
} else {
	writeFileSync(index, indexAfter);
	console.log('docs/rules/README.md fix column rewritten.');
}
