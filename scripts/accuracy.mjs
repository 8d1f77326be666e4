// Per-rule finding counts over ../shared/corpus, through the CLI as a user runs it (JSON format).
// `npm run accuracy` (builds the bundle first). The table goes into docs/accuracy.md.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const corpus = process.env.DOCKERFILE_HARDEN_CORPUS ?? resolve(root, '../shared/corpus');
const files = [];
for (const dir of readdirSync(corpus)) {
	const path = join(corpus, dir);
	if (statSync(path).isDirectory()) {
		for (const file of readdirSync(path)) {
			files.push(join(path, file));
		}
	}
}
const started = performance.now();
const run = spawnSync(
	process.execPath,
	[join(root, 'dist/cli.js'), '--format', 'json', '--fail-on', 'none', ...files],
	{
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
	},
);
const seconds = (performance.now() - started) / 1000;
if (run.status !== 0) {
	console.error(run.stderr);
	process.exit(2);
}
const report = JSON.parse(run.stdout);
const { allRules } = await import(join(root, 'out/server/src/rules/index.js'));
const counts = new Map(
	allRules.map((r) => [r.meta.id, { name: r.meta.name, findings: 0, files: new Set(), fixable: 0 }]),
);
for (const file of report.files) {
	for (const f of file.findings) {
		const c = counts.get(f.ruleId);
		c.findings++;
		c.files.add(file.path);
		if (f.fix) {
			c.fixable++;
		}
	}
}
console.log(`Corpus: ${files.length} files, ${report.summary.problems} findings, CLI run ${seconds.toFixed(1)} s\n`);
console.log('| rule | name | findings | files | with a fix |');
console.log('|---|---|---:|---:|---:|');
for (const [id, c] of counts) {
	console.log(`| ${id} | ${c.name} | ${c.findings} | ${c.files.size} | ${c.fixable} |`);
}
