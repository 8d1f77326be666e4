// Long fuzz runs: `npm run fuzz -- --runs 1000000 [--seed N] [--kind all|grammar|mutation] [--workers N]`.
// Runs the properties of test/fuzz/invariants.ts over generated Dockerfiles and mutated corpus files, in chunks of
// 5,000 cases (seed, seed+1, … so any chunk can be replayed alone with --seed and --runs 5000), printing progress.
// On a failure it prints the minimal reproduction (fast-check's shrinking, then line and character cuts) and exits 1.
// With --workers N the chunks are shared among N worker threads (use one per idle core).
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const CHUNK = 5000;

function option(name, fallback) {
	const args = process.argv.slice(2);
	const i = args.indexOf(`--${name}`);
	if (i >= 0 && i + 1 < args.length) {
		return args[i + 1];
	}
	const eq = args.find((a) => a.startsWith(`--${name}=`));
	return eq ? eq.slice(name.length + 3) : fallback;
}

async function runChunks(chunks, kind) {
	// The dependencies as the bundles run them (scripts/dependency-patches.cjs), before anything loads them.
	require(join(root, 'scripts/dependency-patches.cjs')).register();
	const { loadShellParser } = require(join(root, 'out/server/src/node/shellParser.js'));
	const { fuzz, loadSeeds, formatFailure } = require(join(root, 'out/test/fuzz/runner.js'));
	await loadShellParser();
	const seeds = loadSeeds();
	for (const { seed, runs } of chunks) {
		const result = fuzz({ runs, seed, kind, seeds });
		if (result.failure) {
			return { done: result.runs, failure: formatFailure(result.failure), seed };
		}
		parentPort.postMessage({ progress: result.runs });
	}
	return { done: chunks.reduce((n, c) => n + c.runs, 0) };
}

if (!isMainThread) {
	const result = await runChunks(workerData.chunks, workerData.kind);
	parentPort.postMessage({ result });
} else {
	const runs = Number(option('runs', '10000'));
	const seed = Number(option('seed', String(Date.now() % 1_000_000_000)));
	const kind = option('kind', 'all');
	const workers = Math.max(1, Math.min(Number(option('workers', '1')), availableParallelism()));
	if (
		!Number.isInteger(runs) ||
		runs <= 0 ||
		!Number.isInteger(seed) ||
		!['all', 'grammar', 'mutation'].includes(kind)
	) {
		console.error('usage: npm run fuzz -- --runs N [--seed N] [--kind all|grammar|mutation] [--workers N]');
		process.exit(2);
	}
	const chunks = [];
	for (let done = 0, i = 0; done < runs; done += CHUNK, i++) {
		chunks.push({ seed: seed + i, runs: Math.min(CHUNK, runs - done) });
	}
	console.log(
		`fuzzing ${runs} cases (${kind}), seeds ${seed}…${seed + chunks.length - 1} in chunks of ${CHUNK}, ${workers} worker(s)`,
	);
	const start = performance.now();
	let completed = 0;
	let lastReport = 0;
	const report = (n) => {
		completed += n;
		const now = performance.now();
		if (now - lastReport > 30_000 || completed === runs) {
			lastReport = now;
			const s = (now - start) / 1000;
			console.log(`  ${completed} / ${runs} cases, ${s.toFixed(0)} s, ${(completed / s).toFixed(0)} cases/s`);
		}
	};
	const shares = Array.from({ length: workers }, (_, w) => chunks.filter((_, i) => i % workers === w));
	const results = await Promise.all(
		shares.map(
			(share) =>
				new Promise((resolvePromise, reject) => {
					const worker = new Worker(new URL(import.meta.url), { workerData: { chunks: share, kind } });
					worker.on('message', (message) => {
						if (message.progress) {
							report(message.progress);
						} else if (message.result) {
							resolvePromise(message.result);
						}
					});
					worker.on('error', reject);
					worker.on('exit', (code) => {
						if (code !== 0) {
							reject(new Error(`worker exited with ${code}`));
						}
					});
				}),
		),
	);
	const seconds = (performance.now() - start) / 1000;
	const failures = results.filter((r) => r.failure);
	if (failures.length > 0) {
		for (const f of failures) {
			console.log(
				`\nFAILED in the chunk with seed ${f.seed} (replay: npm run fuzz -- --runs ${CHUNK} --seed ${f.seed} --kind ${kind}):\n${f.failure}`,
			);
		}
		console.log(`\n${completed} cases before the failure, ${seconds.toFixed(0)} s`);
		process.exit(1);
	}
	console.log(
		`\nno failure in ${runs} cases (${kind}, seeds ${seed}…${seed + chunks.length - 1}), ${seconds.toFixed(0)} s (${(seconds / 60).toFixed(1)} min), ${workers} worker(s)`,
	);
}
