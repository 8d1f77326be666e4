// Speed figures over ../shared/corpus, medians over repeated passes after a warm-up, all measured in this run.
// `npm run bench` (add `-- --json` for machine-readable output). Targets and history: docs/performance.md.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const out = (p) => require(join(root, 'out', p));
const { DockerfileParser } = require('dockerfile-ast');
const { validate } = require('dockerfile-utils');
const { lint } = out('server/src/engine/lint.js');
const { clearShellCache } = out('server/src/engine/shell.js');
const { loadShellParser } = out('server/src/node/shellParser.js');

const json = process.argv.includes('--json');
const PASSES = 7;
const WARMUP = 3;
const corpus = process.env.DOCKERFILE_HARDEN_CORPUS ?? resolve(root, '../shared/corpus');
const texts = [];
for (const dir of readdirSync(corpus)) {
	const path = join(corpus, dir);
	if (statSync(path).isDirectory()) {
		for (const file of readdirSync(path)) {
			texts.push(readFileSync(join(path, file), 'utf8'));
		}
	}
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Per-file medians over passes, then the median and the total over files. */
function measure(fn, before = () => {}) {
	for (let w = 0; w < WARMUP; w++) {
		before();
		texts.forEach(fn);
	}
	const perFile = texts.map(() => []);
	const totals = [];
	for (let p = 0; p < PASSES; p++) {
		before();
		const start = performance.now();
		texts.forEach((t, i) => {
			const s = performance.now();
			fn(t);
			perFile[i].push(performance.now() - s);
		});
		totals.push(performance.now() - start);
	}
	return { medianPerFileMs: median(perFile.map(median)), totalMs: median(totals) };
}

await loadShellParser();
const results = {
	files: texts.length,
	parse: measure((t) => DockerfileParser.parse(t).getInstructions().forEach((i) => i.getArguments())),
	lintCold: measure((t) => lint(t), clearShellCache),
	lintWarm: measure((t) => lint(t)),
	dockerfileUtils: measure((t) => validate(t)),
};
const ratio = (a) => a.totalMs / results.parse.totalMs;
if (json) {
	console.log(JSON.stringify({ ...results, ratios: { lintCold: ratio(results.lintCold), lintWarm: ratio(results.lintWarm), dockerfileUtils: ratio(results.dockerfileUtils) } }, null, 2));
} else {
	const row = (name, r) =>
		`| ${name.padEnd(46)} | ${r.medianPerFileMs.toFixed(3).padStart(8)} | ${r.totalMs.toFixed(1).padStart(8)} | ${ratio(r).toFixed(2).padStart(5)}× |`;
	console.log(`Corpus: ${texts.length} files, medians of ${PASSES} passes after ${WARMUP} warm-up passes (Node ${process.version})\n`);
	console.log('| what                                           | ms/file  | total ms | vs parse |');
	console.log('|------------------------------------------------|----------|----------|----------|');
	console.log(row('dockerfile-ast parse (the floor)', results.parse));
	console.log(row('dockerfile-harden lint, all rules (cold)', results.lintCold));
	console.log(row('dockerfile-harden lint, all rules (warm cache)', results.lintWarm));
	console.log(row('dockerfile-utils validate (VS Code today)', results.dockerfileUtils));
}
