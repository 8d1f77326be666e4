// Runs the end-to-end suite: the packaged extension in real VS Code (code-server) driven through Debian's Chromium.
// `npm run test:e2e` builds the .vsix and compiles the tests, then runs this. Needs Debian's chromium, ripgrep and
// libkrb5-dev (see .ci/run); everything else comes from the npm registry through the lockfile.
//
// code-server is a devDependency whose install scripts `npm ci` must not run (package.json `allowScripts` denies
// them): as root they stop at "Please pass --unsafe-perm", they download ripgrep from GitHub, and they build native
// modules nobody but this suite needs. This script runs them once, with what they need, and marks the result.
import { execFileSync, spawnSync } from 'node:child_process';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const codeServer = join(root, 'node_modules/code-server');
const vscode = join(codeServer, 'lib/vscode');
const resultsDir = join(root, 'test-results/e2e');
const chromium = process.env.DOCKERFILE_HARDEN_CHROMIUM ?? '/usr/bin/chromium';

/** @vscode/ripgrep's postinstall downloads this release unless its cache already holds it. */
const RIPGREP = { packageVersion: '1.15.11', release: 'v13.0.0-10', target: 'x86_64-unknown-linux-musl' };

/** Screenshots the README shows: test-results/e2e name → docs/images name. */
const DOCS_SCREENSHOTS = [
	['problems-panel-problems.png', 'problems.png'],
	['quick-fix-menu.png', 'quick-fix.png'],
	['pin-all-images-progress.png', 'pin-progress.png'],
];

/** Files that exist only when code-server's install scripts ran to the end. */
const READY_PROBES = [
	'lib/vscode/node_modules.asar',
	'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
	'lib/vscode/node_modules/node-pty/build/Release/pty.node',
	'lib/vscode/node_modules/@vscode/ripgrep/bin/rg',
	'lib/vscode/extensions/node_modules/typescript/package.json',
	'../argon2/lib/binding/napi-v3/argon2.node',
];

function fail(message) {
	console.error(`test:e2e: ${message}`);
	process.exit(1);
}

function which(command) {
	for (const dir of (process.env.PATH ?? '').split(delimiter)) {
		const candidate = join(dir, command);
		if (dir && existsSync(candidate)) {
			return candidate;
		}
	}
	return undefined;
}

function checkPrerequisites() {
	if (process.versions.node.split('.')[0] !== '20') {
		fail(`code-server 4.100.3 runs on Node.js 20; this is ${process.version}.`);
	}
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		fail('the suite seeds ripgrep for linux-x64 only.');
	}
	if (!existsSync(chromium)) {
		fail(`no Chromium at ${chromium}: apt-get install -y chromium (or set DOCKERFILE_HARDEN_CHROMIUM).`);
	}
	if (!which('docker-registry')) {
		fail('no docker-registry on PATH (the pin scenarios need a real registry): apt-get install -y docker-registry.');
	}
	if (!existsSync(join(codeServer, 'package.json'))) {
		fail('node_modules/code-server is missing: run npm ci.');
	}
	if (!existsSync(join(root, 'dockerfile-harden.vsix'))) {
		fail('dockerfile-harden.vsix is missing: run npm run package (npm run test:e2e does).');
	}
}

/** Puts Debian's ripgrep where @vscode/ripgrep's postinstall looks before it downloads. */
function seedRipgrep() {
	const shrinkwrap = JSON.parse(readFileSync(join(vscode, 'npm-shrinkwrap.json'), 'utf8'));
	const version = shrinkwrap.packages?.['node_modules/@vscode/ripgrep']?.version;
	if (version !== RIPGREP.packageVersion) {
		fail(`code-server wants @vscode/ripgrep ${version}; update RIPGREP in test/e2e/run.mjs from its postinstall.js.`);
	}
	const rg = which('rg');
	if (!rg) {
		fail('no rg on PATH: apt-get install -y ripgrep.');
	}
	const cache = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP.packageVersion}`);
	const asset = join(cache, `ripgrep-${RIPGREP.release}-${RIPGREP.target}.tar.gz`);
	if (existsSync(asset)) {
		return;
	}
	mkdirSync(cache, { recursive: true });
	const stage = mkdtempSync(join(tmpdir(), 'dockerfile-harden-rg-'));
	try {
		copyFileSync(rg, join(stage, 'rg'));
		execFileSync('tar', ['-czf', asset, '-C', stage, 'rg']);
	} finally {
		rmSync(stage, { recursive: true, force: true });
	}
}

function codeServerReady(stamp) {
	const expected = `${JSON.parse(readFileSync(join(codeServer, 'package.json'), 'utf8')).version} ${process.version}`;
	const ready =
		existsSync(stamp) &&
		readFileSync(stamp, 'utf8') === expected &&
		READY_PROBES.every((probe) => existsSync(join(codeServer, probe)));
	return { ready, expected };
}

/** Runs code-server's and argon2's install scripts (skipped by `npm ci`) once per install. */
function prepareCodeServer() {
	const stamp = join(codeServer, '.dockerfile-harden-e2e-ready');
	const { ready, expected } = codeServerReady(stamp);
	if (ready) {
		return;
	}
	seedRipgrep();
	mkdirSync(resultsDir, { recursive: true });
	const log = join(resultsDir, 'code-server-install.log');
	console.log(`test:e2e: building code-server's native modules (about a minute; log in ${log})`);
	const started = Date.now();
	// `--dangerously-allow-all-scripts` is scoped by the package names: it lets exactly the two scripts that
	// allowScripts denies during `npm ci` run here. code-server's postinstall refuses to run as root without
	// npm_config_unsafe_perm, and its node-pty step calls `npx node-gyp`, which must not stop to ask.
	const result = spawnSync(
		'npm',
		['rebuild', 'code-server', 'argon2', '--dangerously-allow-all-scripts', '--foreground-scripts'],
		{
			cwd: root,
			env: { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' },
			encoding: 'utf8',
			maxBuffer: 256 * 1024 * 1024,
		},
	);
	writeFileSync(log, `${result.stdout ?? ''}\n${result.stderr ?? ''}`);
	const missing = READY_PROBES.filter((probe) => !existsSync(join(codeServer, probe)));
	if (result.status !== 0 || missing.length > 0) {
		const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.split('\n').slice(-40).join('\n');
		fail(
			`building code-server failed (exit ${result.status}; missing: ${missing.join(', ') || 'none'}).\n` +
				`It needs g++, make, python3 and Debian's libkrb5-dev. Last lines of ${log}:\n${tail}`,
		);
	}
	writeFileSync(stamp, expected);
	console.log(`test:e2e: code-server ready in ${Math.round((Date.now() - started) / 1000)} s`);
}

function testFiles() {
	const dir = join(root, 'out/test/e2e');
	if (!existsSync(dir)) {
		fail('out/test/e2e is missing: run npm run build-tests (npm run test:e2e does).');
	}
	return readdirSync(dir)
		.filter((name) => name.endsWith('.test.js'))
		.sort()
		.map((name) => join(dir, name));
}

checkPrerequisites();
prepareCodeServer();
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
// One file at a time: each scenario runs its own code-server and Chromium on a 2-core machine.
const result = spawnSync(
	process.execPath,
	['--test', '--test-concurrency=1', '--test-reporter=spec', ...process.argv.slice(2), ...testFiles()],
	{ cwd: root, stdio: 'inherit', env: { ...process.env, DOCKERFILE_HARDEN_CHROMIUM: chromium } },
);
// The README's screenshots come from a passing run: `UPDATE_DOCS_SCREENSHOTS=1 npm run test:e2e`, then review them.
if (result.status === 0 && process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
	for (const [from, to] of DOCS_SCREENSHOTS) {
		copyFileSync(join(resultsDir, from), join(root, 'docs/images', to));
		console.log(`test:e2e: docs/images/${to} updated from test-results/e2e/${from}`);
	}
}
process.exit(result.status ?? 1);
