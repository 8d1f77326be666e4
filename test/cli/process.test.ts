/**
 * The CLI as users run it: `node dist/cli.js …` in a child process (build it first with `npm run bundle`). Exact
 * expectations run on a frozen copy of the insecure example (helpers' INSECURE_FIXTURE); the live
 * examples/insecure-python is checked for invariants in temporary copies.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
	CLEAN_DOCKERFILE,
	CLI,
	cleanup,
	copyInsecureExample,
	INSECURE_FIXTURE,
	runCli,
	sarifValidator,
	tempDir,
	writeInsecureFixture,
	writeTree,
	type CliRun,
} from './helpers';

interface JsonOut {
	files: { path: string; findings: { ruleId: string; severity: string; line: number }[]; fixed: number }[];
	summary: { problems: number; errors: number; fixable: number; fixed: number };
}

function parseJson(run: CliRun): JsonOut {
	return JSON.parse(run.stdout) as JsonOut;
}

function ruleIds(run: CliRun): string[] {
	return parseJson(run).files.flatMap((f) => f.findings.map((x) => `${x.ruleId}:${x.line}`));
}

const PIP_LINE = INSECURE_FIXTURE.Dockerfile.split('\n')[5];
const FIXED = INSECURE_FIXTURE.Dockerfile.replace('RUN pip install ', 'RUN pip install --no-cache-dir ');

void describe('dockerfile-harden process', () => {
	before(() => {
		assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run bundle\` before the CLI tests`);
	});
	after(cleanup);

	void it('exits 0 on a clean Dockerfile and prints nothing', () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: CLEAN_DOCKERFILE });
		const run = runCli(['Dockerfile'], { cwd: dir });
		assert.equal(run.stderr, '');
		assert.equal(run.stdout, '');
		assert.equal(run.code, 0);
	});

	void it('exits 1 on the insecure example and reports it in stylish format', () => {
		const dir = writeInsecureFixture();
		const run = runCli([], { cwd: dir });
		assert.equal(run.code, 1, run.stderr);
		assert.equal(run.stderr, '');
		const rows = run.stdout.split('\n').map((l) => l.replace(/^( {2}\S+ +\S+ +)\S.* {2}(DH\d+)$/, '$1…  $2'));
		assert.deepEqual(rows, [
			'Dockerfile',
			'  1:1   warning  …  DH101',
			'  1:6   warning  …  DH201',
			'  2:5   error    …  DH301',
			'  4:23  info     …  DH501',
			'  6:5   warning  …  DH401',
			'  6:5   warning  …  DH402',
			'  6:35  error    …  DH302',
			'',
			'\u2716 7 problems (2 errors, 4 warnings, 1 info)',
			'  1 fixable with --fix (4 more with --fix-unsafe)',
			'',
		]);
	});

	void it('--fail-on: default fails on info, error fails only on errors, none never', () => {
		const dir = writeInsecureFixture();
		assert.equal(runCli(['--fail-on', 'error', '.'], { cwd: dir }).code, 1);
		assert.equal(runCli(['--fail-on=none', '.'], { cwd: dir }).code, 0);
		// Without the two error rules, warnings and one info are left: below `error`, at or above the default.
		const noErrors = ['--rule', 'DH301=off', '--rule', 'no-url-credentials=off'];
		assert.equal(runCli([...noErrors, '--fail-on', 'error', '.'], { cwd: dir }).code, 0);
		assert.equal(runCli([...noErrors, '--max-severity', 'error', '.'], { cwd: dir }).code, 0);
		assert.equal(runCli([...noErrors, '.'], { cwd: dir }).code, 1);
		// Only DH501 (info) left: the default threshold fails, `warning` does not.
		const onlyInfo = [
			...noErrors,
			'--rule',
			'DH101=off',
			'--rule',
			'DH201=off',
			'--rule',
			'DH401=off',
			'--rule',
			'DH402=off',
		];
		assert.equal(runCli([...onlyInfo, '.'], { cwd: dir }).code, 1);
		assert.equal(runCli([...onlyInfo, '--fail-on', 'warning', '.'], { cwd: dir }).code, 0);
	});

	void it('exits 2 on a bad option, a bad --rule, a missing --config, and a missing path (naming it)', () => {
		const dir = writeInsecureFixture();
		const bad = runCli(['--frobnicate'], { cwd: dir });
		assert.equal(bad.code, 2);
		assert.equal(
			bad.stderr,
			"dockerfile-harden: unknown option --frobnicate.\nRun 'dockerfile-harden --help' for usage.\n",
		);
		assert.equal(bad.stdout, '');
		const badLevel = runCli(['--rule', 'DH101=loud', '.'], { cwd: dir });
		assert.equal(badLevel.code, 2);
		assert.match(badLevel.stderr, /unknown level "loud"/);
		const config = runCli(['--config', 'x.yaml', '.'], { cwd: dir });
		assert.equal(config.code, 2);
		assert.match(config.stderr, /^dockerfile-harden: config: x\.yaml:1:1: cannot be read$/m);
		const missing = runCli(['Dockerfile', 'no/such/Dockerfile'], { cwd: dir });
		assert.equal(missing.code, 2);
		assert.equal(missing.stderr, 'dockerfile-harden: no such file or directory: no/such/Dockerfile\n');
		// The file that exists is still checked and reported.
		assert.match(missing.stdout, /^Dockerfile$/m);
	});

	void it('reads stdin for - and finds what the file gives', () => {
		const dir = writeInsecureFixture();
		const fromFile = runCli(['--format', 'json', 'Dockerfile'], { cwd: dir });
		const fromStdin = runCli(['--format', 'json', '-'], { cwd: dir, input: INSECURE_FIXTURE.Dockerfile });
		assert.equal(fromStdin.code, 1, fromStdin.stderr);
		assert.equal(parseJson(fromStdin).files[0].path, '<stdin>');
		assert.deepEqual(ruleIds(fromStdin), ruleIds(fromFile));
		assert.ok(ruleIds(fromStdin).includes('DH402:6'));
	});

	void it('with - and --fix prints the fixed text to stdout and the report to stderr', () => {
		const dir = writeInsecureFixture();
		const run = runCli(['--fix', '-'], { cwd: dir, input: INSECURE_FIXTURE.Dockerfile });
		assert.equal(run.code, 1);
		assert.equal(run.stdout, FIXED);
		assert.match(run.stderr, /^<stdin>$/m);
		assert.doesNotMatch(run.stderr, /DH402/);
		assert.match(run.stderr, /^Fixed 1 problem in 1 file$/m);
	});

	void it('--fix rewrites the file exactly, and a second --fix changes nothing', () => {
		const dir = writeInsecureFixture();
		const file = join(dir, 'Dockerfile');
		const first = runCli(['--fix', 'Dockerfile'], { cwd: dir });
		assert.equal(first.code, 1, first.stderr);
		assert.equal(readFileSync(file, 'utf8'), FIXED);
		// What remains is reported; the fixed finding is not.
		assert.match(first.stdout, /^\u2716 6 problems \(2 errors, 3 warnings, 1 info\)$/m);
		assert.doesNotMatch(first.stdout, /DH402/);
		assert.match(first.stdout, /^Fixed 1 problem in 1 file$/m);
		const second = runCli(['--fix', 'Dockerfile'], { cwd: dir });
		assert.equal(second.code, 1);
		assert.match(second.stdout, /^Fixed 0 problems in 0 files$/m);
		assert.equal(readFileSync(file, 'utf8'), FIXED);
	});

	void it('--fix applies every safe fix of a file in one run (exact output)', () => {
		const dir = tempDir();
		writeTree(dir, {
			Dockerfile: [
				`FROM python:3.12-slim@sha256:${'b'.repeat(64)}`,
				'RUN --mount=type=secret,id=tok,env=TOKEN pip install flask==3.0.3',
				'USER 65532:65532',
				'',
			].join('\n'),
		});
		const run = runCli(['--fix', '--format', 'json', '.'], { cwd: dir });
		assert.equal(run.code, 0, run.stdout + run.stderr);
		assert.equal(
			readFileSync(join(dir, 'Dockerfile'), 'utf8'),
			[
				'# syntax=docker/dockerfile:1',
				`FROM python:3.12-slim@sha256:${'b'.repeat(64)}`,
				'RUN --mount=type=secret,id=tok,env=TOKEN pip install --no-cache-dir flask==3.0.3',
				'USER 65532:65532',
				'',
			].join('\n'),
		);
		assert.equal(parseJson(run).summary.fixed, 2);
		assert.equal(run.stderr, 'Fixed 2 problems in 1 file\n');
	});

	void it('--fix --diff prints the exact unified diff and leaves the file untouched', () => {
		const dir = writeInsecureFixture();
		const file = join(dir, 'Dockerfile');
		const run = runCli(['--fix', '--diff', 'Dockerfile'], { cwd: dir });
		assert.equal(readFileSync(file, 'utf8'), INSECURE_FIXTURE.Dockerfile);
		assert.equal(run.code, 1);
		assert.equal(
			run.stdout,
			[
				'--- a/Dockerfile',
				'+++ b/Dockerfile',
				'@@ -3,6 +3,6 @@',
				' WORKDIR /app',
				' RUN apt-get update && apt-get install -y gcc libpq-dev',
				' COPY requirements.txt .',
				`-${PIP_LINE}`,
				`+${PIP_LINE.replace('pip install ', 'pip install --no-cache-dir ')}`,
				' COPY . .',
				' CMD ["python", "app.py"]',
				'',
			].join('\n'),
		);
		// The report goes to stderr so the diff can be piped to `git apply`.
		assert.match(run.stderr, /^Would fix 1 problem in 1 file$/m);
		// Nothing was written, so the findings are the file's own, at its own lines.
		const plain = runCli(['--format', 'json', 'Dockerfile'], { cwd: dir });
		const asJson = runCli(['--fix', '--diff', '--format', 'json', 'Dockerfile'], { cwd: dir });
		// The JSON report goes to stderr, before the "Would fix" line.
		const json = asJson.stderr.slice(0, asJson.stderr.lastIndexOf('}') + 1);
		assert.deepEqual(ruleIds({ ...asJson, stdout: json }), ruleIds(plain));
	});

	void it('--rule DH402=off removes those findings (by id and by name), and only those', () => {
		const dir = writeInsecureFixture();
		const all = ruleIds(runCli(['--format', 'json', '.'], { cwd: dir }));
		assert.ok(all.includes('DH402:6'));
		for (const rule of ['DH402=off', 'pip-no-cache-dir=off']) {
			const run = runCli(['--format', 'json', '--rule', rule, '.'], { cwd: dir });
			assert.deepEqual(
				ruleIds(run),
				all.filter((id) => !id.startsWith('DH402:')),
			);
		}
	});

	void it('--rule changes a level', () => {
		const dir = writeInsecureFixture();
		const out = parseJson(runCli(['--format', 'json', '--rule', 'DH501=error', '.'], { cwd: dir }));
		assert.equal(out.files[0].findings.find((f) => f.ruleId === 'DH501')?.severity, 'error');
	});

	void it('discovers Dockerfile.prod, api.Dockerfile and Containerfile in a directory and skips node_modules', () => {
		const dir = tempDir();
		const insecure = 'FROM python:3.11\nRUN pip install -r requirements.txt\n';
		writeTree(dir, {
			'Dockerfile.prod': insecure,
			'services/api.Dockerfile': insecure,
			'podman/Containerfile': insecure,
			'node_modules/pkg/Dockerfile': insecure,
			'.git/Dockerfile': insecure,
			'Dockerfile.dockerignore': '.git\n',
			'README.md': '# not a Dockerfile\n',
		});
		const run = runCli(['--format', 'json'], { cwd: dir });
		assert.equal(run.code, 1, run.stderr);
		assert.deepEqual(
			parseJson(run).files.map((f) => f.path),
			['Dockerfile.prod', 'podman/Containerfile', 'services/api.Dockerfile'],
		);
	});

	void it('an empty directory is exit 2 with a message', () => {
		const dir = tempDir();
		const run = runCli(['.'], { cwd: dir });
		assert.equal(run.code, 2);
		assert.match(run.stderr, /no Dockerfile found in \. \(looked for Dockerfile, \*\.Dockerfile/);
	});

	void it('expands a quoted glob', () => {
		const dir = tempDir();
		writeTree(dir, { 'a/Dockerfile': CLEAN_DOCKERFILE, 'b/c/Dockerfile.dev': CLEAN_DOCKERFILE, 'b/x.txt': 'x' });
		const run = runCli(['--format', 'json', '**/Dockerfile*'], { cwd: dir });
		assert.equal(run.code, 0, run.stderr);
		assert.deepEqual(
			parseJson(run).files.map((f) => f.path),
			['a/Dockerfile', 'b/c/Dockerfile.dev'],
		);
		const none = runCli(['nothing/**/Dockerfile'], { cwd: dir });
		assert.equal(none.code, 2);
		assert.equal(none.stderr, 'dockerfile-harden: no files match the pattern "nothing/**/Dockerfile".\n');
	});

	void it('-o writes the report to a file', () => {
		const dir = writeInsecureFixture();
		const run = runCli(['--format', 'sarif', '-o', 'out.sarif', 'Dockerfile'], { cwd: dir });
		assert.equal(run.code, 1);
		assert.equal(run.stdout, '');
		const log = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as { version: string };
		assert.equal(log.version, '2.1.0');
	});

	void it('--version prints the package version and --help the usage', () => {
		const dir = tempDir();
		const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
		const version = runCli(['--version'], { cwd: dir });
		assert.equal(version.code, 0);
		assert.equal(version.stdout, `${pkg.version}\n`);
		const help = runCli(['--help'], { cwd: dir });
		assert.equal(help.code, 0);
		assert.match(help.stdout, /^Usage: dockerfile-harden \[lint\] \[options\] \[PATH\.\.\.\]/);
	});

	void it('accepts the `lint` command word', () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: CLEAN_DOCKERFILE });
		assert.equal(runCli(['lint', 'Dockerfile'], { cwd: dir }).code, 0);
	});
});

void describe('dockerfile-harden on the live examples/insecure-python', () => {
	after(cleanup);

	void it('finds problems (exit 1), --fix is idempotent, --diff writes nothing, SARIF validates', () => {
		const dir = copyInsecureExample();
		const file = join(dir, 'Dockerfile');
		const original = readFileSync(file, 'utf8');
		const lint = runCli(['--format', 'json', '.'], { cwd: dir });
		assert.equal(lint.code, 1, lint.stderr);
		assert.ok(parseJson(lint).summary.problems > 0);

		const sarif = runCli(['--format', 'sarif', '.'], { cwd: dir });
		const validate = sarifValidator();
		assert.equal(validate(JSON.parse(sarif.stdout)), true, JSON.stringify(validate.errors));

		const diff = runCli(['--fix', '--diff', '.'], { cwd: dir });
		assert.equal(readFileSync(file, 'utf8'), original);
		const fixable = parseJson(lint).summary.fixable;
		assert.equal(diff.stdout.startsWith('--- a/Dockerfile\n'), fixable > 0);

		const first = runCli(['--fix', '--format', 'json', '.'], { cwd: dir });
		assert.equal(parseJson(first).summary.fixable, 0, 'no safe fix is left after --fix');
		const fixed = readFileSync(file, 'utf8');
		assert.equal(fixed !== original, fixable > 0);
		const second = runCli(['--fix', '--format', 'json', '.'], { cwd: dir });
		assert.equal(parseJson(second).summary.fixed, 0);
		assert.equal(readFileSync(file, 'utf8'), fixed);
	});
});
