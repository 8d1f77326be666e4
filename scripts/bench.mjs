// Every speed and memory figure of docs/performance.md, measured in one run: medians over repeated passes after a
// warm-up. `npm run bench` prints a table; `npm run bench -- --json` prints the same figures as JSON.
//
//   --json            machine-readable output
//   --quick           fewer passes (a smoke run; the figures in docs/performance.md come from a full run)
//   --only=a,b        run only some sections: corpus, scaling, server, cli, package
//
// The sections:
//   corpus   per-file analysis over ../shared/corpus: dockerfile-ast's parse (the floor), our lint with a cold shell
//            cache (cleared before every file: no file profits from another) and warm (re-analysing a file whose
//            RUN parses are memoised, as on a keystroke), dockerfile-utils validation and dockerfilelint, as ratios
//            to the floor. All measured in the same passes, interleaved, so machine load hits them alike.
//   scaling  generated 100 / 1,000 / 10,000-line Dockerfiles; the exponent k of time ∝ lines^k (1 = linear)
//   server   the bundled language server over stdio: edit-to-diagnostics latency while typing into a 500-line file
//            (p50, p95), and its memory after opening 200 files
//   cli      whole-process time of dist/cli.js over the corpus
//   package  .vsix size, and extension activation time when the end-to-end suite has recorded one
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const out = (p) => require(join(root, 'out', p));

const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const only = args
	.find((a) => a.startsWith('--only='))
	?.slice('--only='.length)
	.split(',');
const want = (section) => !only || only.includes(section);

const PASSES = quick ? 3 : 9;
const WARMUP = quick ? 1 : 3;

/** The targets of issue 7. */
const TARGETS = {
	lintVsParse: 1.5,
	scalingExponent: 1.15,
	editP95Ms: 15,
	memoryMB: 100,
};

const corpusDir = process.env.DOCKERFILE_HARDEN_CORPUS ?? resolve(root, '../shared/corpus');
/** @type {{ path: string, text: string }[]} */
const corpus = [];
if (existsSync(corpusDir)) {
	for (const dir of readdirSync(corpusDir).sort()) {
		const path = join(corpusDir, dir);
		if (statSync(path).isDirectory()) {
			for (const file of readdirSync(path).sort()) {
				corpus.push({ path: join(path, file), text: readFileSync(join(path, file), 'utf8') });
			}
		}
	}
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Nearest-rank percentile. */
const percentile = (xs, p) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const log = (message) => {
	if (!json) {
		process.stderr.write(`${message}\n`);
	}
};

const results = {
	node: process.version,
	platform: `${process.platform} ${process.arch}`,
	cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
	// Other processes share the machine: the 1-minute load average says how much (medians and interleaving help).
	loadAverageAtStart: loadavg()[0],
	passes: PASSES,
	warmup: WARMUP,
};

// ---------------------------------------------------------------------------------------------------------------
// Corpus: per-file analysis next to the floor and the peers.

const { DockerfileParser, Instruction } = require('dockerfile-ast');
const { validate } = require('dockerfile-utils');
const dockerfilelint = require('dockerfilelint');
const { lint } = out('server/src/engine/lint.js');
const { forgetLastParse } = out('server/src/engine/ast.js');

// Loading the engine memoised dockerfile-ast's argument lists and its last parse (ast.ts), which also speeds up
// dockerfile-ast's own parse and dockerfile-utils. The floor and the peers are measured as published: `stock` runs a
// function with dockerfile-ast's own methods put back for its duration. Our lint is timed without the last parse
// (`fresh`), as on a keystroke, where the text is new.
const instructionPrototype = Instruction.prototype;
const memoisedArguments = instructionPrototype.getRawArguments;
const stockArguments = memoisedArguments.unmemoised ?? memoisedArguments;
const memoisedParse = DockerfileParser.parse;
const stockParse = memoisedParse.unmemoised ?? memoisedParse;
const stock = (fn) => (t) => {
	instructionPrototype.getRawArguments = stockArguments;
	DockerfileParser.parse = stockParse;
	try {
		return fn(t);
	} finally {
		instructionPrototype.getRawArguments = memoisedArguments;
		DockerfileParser.parse = memoisedParse;
	}
};
const fresh = (fn) => () => {
	forgetLastParse();
	fn?.();
};
/** dockerfile-ast's parse, reading every instruction's arguments (what any analysis starts with). */
const parseAll = (t) =>
	DockerfileParser.parse(t)
		.getInstructions()
		.forEach((i) => i.getArguments());
const { clearShellCache } = out('server/src/engine/shell.js');
const { loadShellParser } = out('server/src/node/shellParser.js');
await loadShellParser();

/** dockerfilelint reads `<dir>/.dockerfilelintrc` on every call; point it at an empty directory. */
const emptyDir = mkdtempSync(join(tmpdir(), 'dh-bench-'));

/**
 * The methods, each a function of one file's text. `each` runs before every file and `beforePass` before every pass,
 * both outside the timing: the cold lint clears the shell cache file by file, the warm one fills it first.
 */
const methods = {
	parse: {
		name: 'dockerfile-ast parse (the floor)',
		run: stock(parseAll),
	},
	lintCold: { name: 'dockerfile-harden lint, all rules, cold', run: (t) => lint(t), each: fresh(clearShellCache) },
	lintWarm: {
		name: 'dockerfile-harden lint, all rules, warm',
		run: (t) => lint(t),
		each: fresh(),
		// The cold pass empties the cache file by file: fill it again (untimed) so every file's RUNs are memoised.
		beforePass: (texts) => texts.forEach((t) => lint(t)),
	},
	dockerfileUtils: { name: 'dockerfile-utils validate', run: stock(validate) },
	dockerfilelint: { name: 'dockerfilelint 1.8 run()', run: stock((t) => dockerfilelint.run(emptyDir, t)) },
};

function corpusSection() {
	const texts = corpus.map((f) => f.text);
	const keys = Object.keys(methods);
	const perFile = Object.fromEntries(keys.map((k) => [k, texts.map(() => [])]));
	const totals = Object.fromEntries(keys.map((k) => [k, []]));
	const throws = Object.fromEntries(keys.map((k) => [k, 0]));
	const pass = (key, record) => {
		const { run, each, beforePass } = methods[key];
		beforePass?.(texts);
		let total = 0;
		texts.forEach((t, i) => {
			each?.();
			const s = performance.now();
			try {
				run(t);
			} catch {
				// dockerfilelint throws on some files; the time until it throws still counts.
				if (record) {
					throws[key]++;
				}
			}
			const ms = performance.now() - s;
			total += ms;
			if (record) {
				perFile[key][i].push(ms);
			}
		});
		if (record) {
			totals[key].push(total);
		}
	};
	for (let p = 0; p < WARMUP + PASSES; p++) {
		// Rotate the order so no method always runs right after another's garbage.
		const order = keys.map((_, i) => keys[(i + p) % keys.length]);
		for (const key of order) {
			pass(key, p >= WARMUP);
		}
	}
	const figures = {};
	for (const key of keys) {
		figures[key] = {
			name: methods[key].name,
			medianPerFileMs: median(perFile[key].map(median)),
			totalMs: median(totals[key]),
			filesThatThrew: throws[key] / PASSES,
		};
	}
	for (const key of keys) {
		figures[key].vsParse = figures[key].totalMs / figures.parse.totalMs;
	}
	return { files: texts.length, bytes: texts.reduce((n, t) => n + t.length, 0), ...figures };
}

// ---------------------------------------------------------------------------------------------------------------
// Scaling: generated Dockerfiles of 100, 1,000 and 10,000 lines.

/** A 25-line block of typical instructions; `i` makes every block's text (and its RUN parses) different. */
function block(i) {
	return [
		`FROM python:3.12-slim AS stage${i}`,
		`ARG VERSION_${i}=1.${i}.0`,
		`ENV APP_HOME=/srv/app${i} \\`,
		`    PYTHONUNBUFFERED=1`,
		`WORKDIR /srv/app${i}`,
		`# install the system packages of block ${i}`,
		`RUN apt-get update \\`,
		`    && apt-get install -y --no-install-recommends \\`,
		`        build-essential libpq-dev curl ca-certificates \\`,
		`    && rm -rf /var/lib/apt/lists/* # ${i}`,
		`COPY requirements-${i}.txt ./`,
		`RUN pip install -r requirements-${i}.txt`,
		`RUN --mount=type=cache,target=/root/.cache/pip pip install --no-cache-dir gunicorn==21.${i}`,
		`COPY --from=stage${Math.max(0, i - 1)} /srv /srv`,
		`RUN set -eux; \\`,
		`    for f in a b c; do echo "$f-${i}" >> /tmp/list; done; \\`,
		`    if [ -f /tmp/list ]; then wc -l /tmp/list; fi`,
		`ENV PATH="/srv/app${i}/bin:$PATH"`,
		`EXPOSE ${8000 + (i % 1000)}`,
		`HEALTHCHECK CMD curl -fsS http://localhost:${8000 + (i % 1000)}/health || exit 1`,
		`RUN useradd --create-home app${i}`,
		`USER app${i}`,
		`LABEL org.opencontainers.image.version="1.${i}"`,
		`CMD ["gunicorn", "app${i}:app"]`,
		'',
	];
}

/** A generated Dockerfile of exactly `lines` lines. */
function generateDockerfile(lines) {
	const out = [];
	for (let i = 0; out.length < lines; i++) {
		out.push(...block(i));
	}
	return out.slice(0, lines).join('\n') + '\n';
}

/** Least-squares slope of log(time) over log(lines). */
function exponent(points) {
	const xs = points.map((p) => Math.log(p.lines));
	const ys = points.map((p) => Math.log(p.lintColdMs));
	const mx = xs.reduce((a, b) => a + b) / xs.length;
	const my = ys.reduce((a, b) => a + b) / ys.length;
	let num = 0;
	let den = 0;
	xs.forEach((x, i) => {
		num += (x - mx) * (ys[i] - my);
		den += (x - mx) ** 2;
	});
	return num / den;
}

function scalingSection() {
	const points = [];
	for (const lines of [100, 1000, 10000]) {
		const text = generateDockerfile(lines);
		// Enough repetitions that the small file is not timer noise.
		const reps = lines <= 100 ? 200 : lines <= 1000 ? 20 : 3;
		const time = (fn, each) => {
			const runs = [];
			for (let p = 0; p < WARMUP + PASSES; p++) {
				let total = 0;
				for (let r = 0; r < reps; r++) {
					each?.();
					const s = performance.now();
					fn();
					total += performance.now() - s;
				}
				if (p >= WARMUP) {
					runs.push(total / reps);
				}
			}
			return median(runs);
		};
		const parseMs = time(() => stock(parseAll)(text));
		const lintColdMs = time(() => lint(text), fresh(clearShellCache));
		const lintWarmMs = time(() => lint(text), fresh());
		const findings = lint(text).diagnostics.length;
		points.push({
			lines,
			bytes: text.length,
			findings,
			parseMs,
			lintColdMs,
			lintWarmMs,
			lintVsParse: lintColdMs / parseMs,
		});
		log(`  scaling: ${lines} lines done`);
	}
	return { points, exponent: exponent(points) };
}

// ---------------------------------------------------------------------------------------------------------------
// The language server over stdio.

const {
	createProtocolConnection,
	StreamMessageReader,
	StreamMessageWriter,
	InitializeRequest,
	InitializedNotification,
	DidOpenTextDocumentNotification,
	DidChangeTextDocumentNotification,
	PublishDiagnosticsNotification,
	ConfigurationRequest,
	RegistrationRequest,
	ShutdownRequest,
	ExitNotification,
} = require('vscode-languageserver-protocol/node');

/** Runs in the server process: on SIGUSR2, a full GC and process.memoryUsage() on stderr (stdout is LSP). */
const PROBE = `process.on('SIGUSR2', () => {
	const before = process.memoryUsage();
	if (global.gc) global.gc();
	const after = process.memoryUsage();
	process.stderr.write('DH-BENCH-MEMORY ' + JSON.stringify({ before, after }) + '\\n');
});
`;

/** Starts dist/server.js --stdio with the memory probe; `settings` answers workspace/configuration. */
async function startServer(settings, nodeFlags = []) {
	const dir = mkdtempSync(join(tmpdir(), 'dh-bench-server-'));
	const probe = join(dir, 'probe.cjs');
	writeFileSync(probe, PROBE);
	const child = spawn(
		process.execPath,
		[...nodeFlags, '--expose-gc', '--require', probe, join(root, 'dist/server.js'), '--stdio'],
		{
			cwd: root,
			stdio: ['pipe', 'pipe', 'pipe'],
		},
	);
	let stderr = '';
	const memoryWaiters = [];
	child.stderr.on('data', (chunk) => {
		stderr += chunk.toString();
		const m = /DH-BENCH-MEMORY (.*)\n/.exec(stderr);
		if (m) {
			stderr = stderr.slice(m.index + m[0].length);
			memoryWaiters.shift()?.(JSON.parse(m[1]));
		}
	});
	const connection = createProtocolConnection(
		new StreamMessageReader(child.stdout),
		new StreamMessageWriter(child.stdin),
	);
	const waiters = new Map();
	connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
		const key = `${params.uri}#${params.version}`;
		const waiter = waiters.get(key);
		if (waiter) {
			waiters.delete(key);
			waiter(params);
		}
	});
	connection.onRequest(ConfigurationRequest.type, (params) =>
		params.items.map((item) => (item.section === 'dockerfileHarden' ? settings : null)),
	);
	connection.onRequest(RegistrationRequest.type, () => undefined);
	connection.listen();
	await connection.sendRequest(InitializeRequest.type, {
		processId: process.pid,
		rootUri: pathToFileURL(root).toString(),
		capabilities: {
			workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
			textDocument: {
				synchronization: { dynamicRegistration: true },
				publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
			},
		},
	});
	await connection.sendNotification(InitializedNotification.type, {});
	return {
		/** Resolves with the diagnostics of `uri` at `version`. */
		diagnostics(uri, version) {
			return new Promise((resolvePromise, reject) => {
				const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}#${version}`)), 60_000);
				waiters.set(`${uri}#${version}`, (params) => {
					clearTimeout(timer);
					resolvePromise(params);
				});
			});
		},
		async open(uri, text) {
			const done = this.diagnostics(uri, 1);
			await connection.sendNotification(DidOpenTextDocumentNotification.type, {
				textDocument: { uri, languageId: 'dockerfile', version: 1, text },
			});
			return done;
		},
		async change(uri, version, contentChanges) {
			const done = this.diagnostics(uri, version);
			await connection.sendNotification(DidChangeTextDocumentNotification.type, {
				textDocument: { uri, version },
				contentChanges,
			});
			return done;
		},
		memory() {
			return new Promise((resolvePromise) => {
				memoryWaiters.push(resolvePromise);
				child.kill('SIGUSR2');
			});
		},
		async stop() {
			try {
				await connection.sendRequest(ShutdownRequest.type);
				await connection.sendNotification(ExitNotification.type);
			} catch {
				// Already gone.
			}
			await new Promise((r) => (child.exitCode === null ? child.on('exit', r) : r()));
			connection.dispose();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** Whole corpus files, largest first, concatenated to at least `lines` lines: a long real-world file. */
function largeRealFile(lines) {
	const byLength = [...corpus].sort((a, b) => b.text.split('\n').length - a.text.split('\n').length);
	const parts = [];
	let count = 0;
	for (const f of byLength) {
		if (count >= lines) {
			break;
		}
		const text = f.text.endsWith('\n') ? f.text : `${f.text}\n`;
		parts.push(text);
		count += text.split('\n').length - 1;
	}
	return parts.join('').split('\n').slice(0, lines).join('\n') + '\n';
}

/**
 * Types into a file: one character per didChange (incremental), waiting for that version's diagnostics before the
 * next keystroke. Keystrokes go to the ends of several lines inside RUN instructions, so each one changes a RUN
 * (whose parse is then cold) as typing a package name does.
 */
async function typingLatency(server, uri, text, keystrokes, warmup) {
	await server.open(uri, text);
	const lines = text.split('\n');
	// Lines that continue a RUN (end with a backslash): type just before the backslash.
	const targets = [];
	lines.forEach((line, i) => {
		if (/\S\s*\\$/.test(line) && targets.length < 200) {
			targets.push({ line: i, character: line.lastIndexOf('\\') });
		}
	});
	const spread = targets.filter((_, i) => i % Math.max(1, Math.floor(targets.length / 8)) === 0).slice(0, 8);
	const word = ' libfoo';
	const latencies = [];
	let version = 1;
	for (let k = 0; k < warmup + keystrokes; k++) {
		const target = spread[Math.floor(k / word.length) % spread.length];
		const ch = word[k % word.length];
		version++;
		const position = { line: target.line, character: target.character };
		const s = performance.now();
		await server.change(uri, version, [{ range: { start: position, end: position }, text: ch }]);
		const ms = performance.now() - s;
		target.character++;
		if (k >= warmup) {
			latencies.push(ms);
		}
	}
	return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies), keystrokes };
}

/** The server's memory after opening 200 corpus files (as `file:` documents), measured inside the server process. */
async function memoryAfter200(nodeFlags) {
	const server = await startServer({}, nodeFlags);
	try {
		const atStart = await server.memory();
		const files = corpus.slice(0, 200);
		await Promise.all(files.map((f) => server.open(pathToFileURL(f.path).toString(), f.text)));
		const after200 = await server.memory();
		const mb = (n) => n / (1024 * 1024);
		return {
			nodeFlags,
			files: files.length,
			atStart: { rssMB: mb(atStart.before.rss), heapUsedMB: mb(atStart.after.heapUsed) },
			after200: {
				rssMB: mb(after200.before.rss),
				rssAfterGcMB: mb(after200.after.rss),
				heapUsedMB: mb(after200.after.heapUsed),
				heapTotalMB: mb(after200.after.heapTotal),
				externalMB: mb(after200.after.external),
			},
		};
	} finally {
		await server.stop();
	}
}

/** The Node flags the VS Code client starts the server with (client/src/languageClient.ts), if any. */
function clientNodeFlags() {
	try {
		const { createServerOptions } = out('client/src/languageClient.js');
		const run = createServerOptions('server.js', 1).run;
		return run.options?.execArgv ?? [];
	} catch {
		return [];
	}
}

async function serverSection() {
	const file500 = largeRealFile(500);
	const largest = [...corpus].sort((a, b) => b.text.length - a.text.length)[0];
	const keystrokes = quick ? 60 : 300;
	const warmup = quick ? 20 : 50;
	const editing = {};
	for (const [label, settings] of [
		['languageFeaturesOn', {}],
		['languageFeaturesOff', { languageFeatures: 'off' }],
	]) {
		const server = await startServer(settings);
		try {
			editing[label] = {
				file500: await typingLatency(server, 'untitled:bench-500', file500, keystrokes, warmup),
				largestRealFile: {
					...(await typingLatency(server, 'untitled:bench-largest', largest.text, keystrokes, warmup)),
					lines: largest.text.split('\n').length,
					file: largest.path.slice(corpusDir.length + 1),
				},
			};
		} finally {
			await server.stop();
		}
		log(`  server: typing with ${label} done`);
	}
	// As other editors start it (`dockerfile-harden-server --stdio`: no Node flags), and as the VS Code client does.
	const memory = { stdio: await memoryAfter200([]) };
	const flags = clientNodeFlags();
	if (flags.length > 0) {
		memory.vscode = await memoryAfter200(flags);
	}
	log('  server: memory done');
	return { file500Lines: 500, editing, memory };
}

// ---------------------------------------------------------------------------------------------------------------
// CLI: the whole process, as CI runs it.

function cliSection() {
	const cli = join(root, 'dist/cli.js');
	const files = corpus.map((f) => f.path);
	const runs = [];
	const nodeOnly = [];
	let exit;
	for (let p = 0; p < (quick ? 2 : 2) + (quick ? 3 : 7); p++) {
		let s = performance.now();
		const r = spawnSync(
			process.execPath,
			[cli, '--format', 'json', '--output', join(emptyDir, 'report.json'), ...files],
			{
				encoding: 'utf8',
				maxBuffer: 64 * 1024 * 1024,
			},
		);
		const ms = performance.now() - s;
		exit = r.status;
		s = performance.now();
		spawnSync(process.execPath, ['-e', '0']);
		const bare = performance.now() - s;
		if (p >= 2) {
			runs.push(ms);
			nodeOnly.push(bare);
		}
	}
	const report = JSON.parse(readFileSync(join(emptyDir, 'report.json'), 'utf8'));
	const findings = report.files.reduce((n, f) => n + f.findings.length, 0);
	return { files: files.length, exitCode: exit, findings, wallMs: median(runs), nodeStartupMs: median(nodeOnly) };
}

// ---------------------------------------------------------------------------------------------------------------
// Packaging and activation.

function packageSection() {
	const vsix = join(root, 'dockerfile-harden.vsix');
	const size = existsSync(vsix) ? statSync(vsix).size : undefined;
	// The end-to-end suite (test/e2e, real VS Code) records what VS Code's Running Extensions view shows as the
	// activation time, and the time from opening a Dockerfile to its first diagnostic; nothing here measures them.
	const metricsFile = join(root, 'test-results', 'e2e', 'metrics.jsonl');
	let activationMs;
	let firstDiagnosticMs;
	let metricsAt;
	if (existsSync(metricsFile)) {
		metricsAt = statSync(metricsFile).mtime.toISOString();
		for (const line of readFileSync(metricsFile, 'utf8').split('\n')) {
			try {
				const { name, value } = JSON.parse(line);
				if (typeof value === 'number' && typeof name === 'string') {
					if (name.startsWith('activation')) {
						activationMs = value;
					} else if (name.startsWith('open Dockerfile to first diagnostic')) {
						firstDiagnosticMs = value;
					}
				}
			} catch {
				// Not a metric line.
			}
		}
	}
	return {
		vsixBytes: size,
		vsixBuiltAt: size === undefined ? undefined : statSync(vsix).mtime.toISOString(),
		activationMs,
		firstDiagnosticMs,
		metricsSource: metricsAt === undefined ? undefined : `test-results/e2e/metrics.jsonl (${metricsAt})`,
	};
}

// ---------------------------------------------------------------------------------------------------------------

if (want('corpus')) {
	if (corpus.length === 0) {
		log(`no corpus at ${corpusDir}: corpus section skipped`);
	} else {
		log('corpus…');
		results.corpus = corpusSection();
	}
}
if (want('scaling')) {
	log('scaling…');
	results.scaling = scalingSection();
}
if (want('server')) {
	if (!existsSync(join(root, 'dist/server.js')) || corpus.length < 200) {
		log('server section needs dist/server.js (npm run bundle) and the corpus: skipped');
	} else {
		log('server…');
		results.server = await serverSection();
	}
}
if (want('cli')) {
	if (!existsSync(join(root, 'dist/cli.js')) || corpus.length === 0) {
		log('cli section needs dist/cli.js (npm run bundle) and the corpus: skipped');
	} else {
		log('cli…');
		results.cli = cliSection();
	}
}
if (want('package')) {
	results.package = packageSection();
}
rmSync(emptyDir, { recursive: true, force: true });

results.loadAverageAtEnd = loadavg()[0];
results.targets = {};
if (results.corpus) {
	results.targets.coldVsParse = {
		target: `≤ ${TARGETS.lintVsParse}×`,
		value: results.corpus.lintCold.vsParse,
		met: results.corpus.lintCold.vsParse <= TARGETS.lintVsParse,
	};
	results.targets.warmVsParse = {
		target: `≤ ${TARGETS.lintVsParse}×`,
		value: results.corpus.lintWarm.vsParse,
		met: results.corpus.lintWarm.vsParse <= TARGETS.lintVsParse,
	};
	// Ratios to dockerfile-utils' time: below 1 is faster.
	results.targets.coldVsDockerfileUtils = {
		target: '< 1× dockerfile-utils',
		value: results.corpus.lintCold.totalMs / results.corpus.dockerfileUtils.totalMs,
		met: results.corpus.lintCold.totalMs < results.corpus.dockerfileUtils.totalMs,
	};
	results.targets.warmVsDockerfileUtils = {
		target: '< 1× dockerfile-utils',
		value: results.corpus.lintWarm.totalMs / results.corpus.dockerfileUtils.totalMs,
		met: results.corpus.lintWarm.totalMs < results.corpus.dockerfileUtils.totalMs,
	};
}
if (results.scaling) {
	results.targets.linear = {
		target: `exponent ≤ ${TARGETS.scalingExponent}`,
		value: results.scaling.exponent,
		met: results.scaling.exponent <= TARGETS.scalingExponent,
	};
}
if (results.server) {
	const p95 = results.server.editing.languageFeaturesOn.file500.p95;
	results.targets.editP95 = { target: `< ${TARGETS.editP95Ms} ms`, value: p95, met: p95 < TARGETS.editP95Ms };
	const memory = results.server.memory.vscode ?? results.server.memory.stdio;
	const rss = memory.after200.rssMB;
	results.targets.memoryRss = { target: `RSS < ${TARGETS.memoryMB} MB`, value: rss, met: rss < TARGETS.memoryMB };
	const heap = memory.after200.heapUsedMB;
	results.targets.memoryHeap = {
		target: `heap used < ${TARGETS.memoryMB} MB`,
		value: heap,
		met: heap < TARGETS.memoryMB,
	};
}

if (json) {
	console.log(JSON.stringify(results, null, 2));
} else {
	printTables(results);
}

function printTables(r) {
	const f = (n, d = 2) => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(d));
	const lines = [];
	lines.push(
		`Node ${r.node} on ${r.platform}, ${r.cpus}; load average ${f(r.loadAverageAtStart)} at the start, ${f(r.loadAverageAtEnd)} at the end; medians of ${r.passes} passes after ${r.warmup} warm-up passes.`,
	);
	if (r.corpus) {
		const c = r.corpus;
		lines.push('', `Per-file analysis, ${c.files} corpus files (${(c.bytes / 1024).toFixed(0)} KiB):`, '');
		lines.push('| what | ms/file (median) | corpus total ms | vs parse |');
		lines.push('|---|---:|---:|---:|');
		for (const key of Object.keys(methods)) {
			const m = c[key];
			const threw = m.filesThatThrew > 0 ? ` (throws on ${m.filesThatThrew} files)` : '';
			lines.push(`| ${m.name}${threw} | ${f(m.medianPerFileMs, 3)} | ${f(m.totalMs, 1)} | ${f(m.vsParse)}× |`);
		}
	}
	if (r.scaling) {
		lines.push('', 'Scaling (generated Dockerfiles):', '');
		lines.push('| lines | KiB | findings | parse ms | lint cold ms | lint warm ms | cold vs parse |');
		lines.push('|---:|---:|---:|---:|---:|---:|---:|');
		for (const p of r.scaling.points) {
			lines.push(
				`| ${p.lines} | ${f(p.bytes / 1024, 0)} | ${p.findings} | ${f(p.parseMs)} | ${f(p.lintColdMs)} | ${f(p.lintWarmMs)} | ${f(p.lintVsParse)}× |`,
			);
		}
		lines.push('', `Fitted exponent (time ∝ lines^k, lint cold): k = ${f(r.scaling.exponent, 3)}`);
	}
	if (r.server) {
		const s = r.server;
		lines.push('', 'Language server over stdio (dist/server.js --stdio), edit-to-diagnostics while typing:', '');
		lines.push('| file | language features | keystrokes | p50 ms | p95 ms | max ms |');
		lines.push('|---|---|---:|---:|---:|---:|');
		for (const [label, e] of Object.entries(s.editing)) {
			const lf = label === 'languageFeaturesOn' ? 'on (default)' : 'off';
			lines.push(
				`| ${s.file500Lines} lines (real files concatenated) | ${lf} | ${e.file500.keystrokes} | ${f(e.file500.p50)} | ${f(e.file500.p95)} | ${f(e.file500.max)} |`,
			);
			lines.push(
				`| ${e.largestRealFile.file} (${e.largestRealFile.lines} lines) | ${lf} | ${e.largestRealFile.keystrokes} | ${f(e.largestRealFile.p50)} | ${f(e.largestRealFile.p95)} | ${f(e.largestRealFile.max)} |`,
			);
		}
		lines.push('', `Server memory after opening ${s.memory.stdio.files} corpus files:`, '');
		lines.push(
			'| started | Node flags | RSS at start | RSS after | RSS after full GC | heap used | heap total | external |',
		);
		lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
		for (const [label, m] of Object.entries(s.memory)) {
			const how = label === 'stdio' ? '`dockerfile-harden-server --stdio`' : 'by the VS Code client';
			lines.push(
				`| ${how} | ${m.nodeFlags.join(' ') || '—'} | ${f(m.atStart.rssMB, 1)} MB | ${f(m.after200.rssMB, 1)} MB | ${f(m.after200.rssAfterGcMB, 1)} MB | ${f(m.after200.heapUsedMB, 1)} MB | ${f(m.after200.heapTotalMB, 1)} MB | ${f(m.after200.externalMB, 1)} MB |`,
			);
		}
	}
	if (r.cli) {
		lines.push(
			'',
			`CLI: \`node dist/cli.js --format json <${r.cli.files} files>\`: ${f(r.cli.wallMs, 0)} ms whole process (exit ${r.cli.exitCode}, ${r.cli.findings} findings); a bare \`node -e 0\` takes ${f(r.cli.nodeStartupMs, 0)} ms`,
		);
	}
	if (r.package) {
		const p = r.package;
		lines.push(
			'',
			`Package: dockerfile-harden.vsix ${p.vsixBytes === undefined ? 'not built (npm run package)' : `${f(p.vsixBytes / 1024, 0)} KiB (built ${p.vsixBuiltAt})`}; extension activation ${p.activationMs === undefined ? 'not measured (run the end-to-end suite: npm run test:e2e)' : `${f(p.activationMs, 0)} ms, open to first diagnostic ${f(p.firstDiagnosticMs, 0)} ms (${p.metricsSource})`}`,
		);
	}
	if (Object.keys(r.targets).length > 0) {
		lines.push('', '| target | wanted | measured | met |', '|---|---|---:|---|');
		for (const [name, t] of Object.entries(r.targets)) {
			lines.push(`| ${name} | ${t.target} | ${f(t.value)} | ${t.met ? 'yes' : 'no'} |`);
		}
	}
	console.log(lines.join('\n'));
}
