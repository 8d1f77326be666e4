/**
 * The json, github and stylish formats: the exact shape of one finding, colours, --quiet, and the rule that no
 * output of any format ever contains a secret from the Dockerfile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { loadShellParser } from '../../server/src/node/shellParser';
import { FORMATS } from '../../server/src/cli/args';
import { escapeData, escapeProperty } from '../../server/src/cli/formatters/github';
import { cleanup, PLANTED_TOKEN, runInProcess, tempDir, writeTree } from './helpers';

const DIGEST = `sha256:${'a'.repeat(64)}`;
/** One finding: DH402 on line 3, with a safe fix. */
const ONE_FINDING = `FROM python:3.12-slim@${DIGEST}\nUSER 65532\nRUN pip install flask==3.0.3\n`;

void describe('json and github formats', () => {
	let dir: string;
	let message: string;
	before(async () => {
		await loadShellParser();
		dir = tempDir();
		writeTree(dir, { 'app/Dockerfile': ONE_FINDING });
		message = lint(ONE_FINDING).diagnostics[0].message as string;
	});
	after(cleanup);

	void it('json: the exact report for one finding', async () => {
		const run = await runInProcess(['--format', 'json', 'app'], { cwd: dir });
		assert.equal(run.code, 1);
		assert.equal(run.stderr, '');
		const version = (JSON.parse(run.stdout) as { tool: { version: string } }).tool.version;
		assert.deepEqual(JSON.parse(run.stdout), {
			tool: { name: 'dockerfile-harden', version },
			files: [
				{
					path: 'app/Dockerfile',
					findings: [
						{
							ruleId: 'DH402',
							ruleName: 'pip-no-cache-dir',
							severity: 'warning',
							message,
							line: 3,
							column: 5,
							endLine: 3,
							endColumn: 29,
							range: { start: { line: 2, character: 4 }, end: { line: 2, character: 28 } },
							docsUrl:
								'https://github.com/dockerfile-harden/dockerfile-harden/blob/main/docs/rules/DH402-pip-no-cache-dir.md',
							fix: {
								title: 'Add --no-cache-dir to pip install',
								safety: 'safe',
								edits: [
									{
										range: { start: { line: 2, character: 15 }, end: { line: 2, character: 15 } },
										newText: ' --no-cache-dir',
									},
								],
							},
						},
					],
					fixed: 0,
				},
			],
			summary: {
				files: 1,
				problems: 1,
				errors: 0,
				warnings: 1,
				infos: 0,
				hints: 0,
				fixable: 1,
				fixableUnsafe: 0,
				fixed: 0,
				fixedFiles: 0,
			},
		});
	});

	void it('json: a clean file is listed with no findings', async () => {
		const clean = tempDir();
		writeTree(clean, { Dockerfile: `FROM python:3.12-slim@${DIGEST}\nUSER 65532\n` });
		const run = await runInProcess(['--format', 'json'], { cwd: clean });
		assert.equal(run.code, 0);
		const out = JSON.parse(run.stdout) as { files: unknown[]; summary: { problems: number } };
		assert.deepEqual(out.files, [{ path: 'Dockerfile', findings: [], fixed: 0 }]);
		assert.equal(out.summary.problems, 0);
	});

	void it('github: the exact workflow command for one finding', async () => {
		const run = await runInProcess(['--format', 'github', 'app'], { cwd: dir });
		assert.equal(run.code, 1);
		assert.equal(
			run.stdout,
			`::warning file=app/Dockerfile,line=3,col=5,endLine=3,endColumn=29,title=DH402 pip-no-cache-dir::${message}\n`,
		);
	});

	void it('github: info and hint become notice, errors stay errors', async () => {
		const run = await runInProcess(
			['--format', 'github', '--rule', 'DH402=info', '--rule', 'DH201=hint', '--rule', 'DH101=error', '-'],
			{ cwd: dir, stdin: 'FROM alpine:3.20\nRUN pip install flask==3.0.3\n' },
		);
		const commands = run.stdout
			.trim()
			.split('\n')
			.map((l) => /^::(\w+) .*title=(DH\d+) /.exec(l)!.slice(1, 3).join(' '));
		assert.deepEqual(commands, ['error DH101', 'notice DH201', 'notice DH402']);
	});

	void it('github: escapes data and properties', () => {
		assert.equal(escapeData('50% done\r\nnext: a,b'), '50%25 done%0D%0Anext: a,b');
		assert.equal(escapeProperty('dir:x/a,b%.Dockerfile'), 'dir%3Ax/a%2Cb%25.Dockerfile');
	});
});

void describe('stylish format', () => {
	before(loadShellParser);
	after(cleanup);

	void it('prints the rows and summary without colour when not a terminal', async () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: ONE_FINDING });
		const run = await runInProcess([], { cwd: dir });
		const message = lint(ONE_FINDING).diagnostics[0].message as string;
		assert.equal(
			run.stdout,
			[
				'Dockerfile',
				`  3:5  warning  ${message}  DH402`,
				'',
				'\u2716 1 problem (0 errors, 1 warning, 0 infos)',
				'  1 fixable with --fix',
				'',
			].join('\n'),
		);
	});

	void it('colours only on a terminal, and never with NO_COLOR or --no-color', async () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: ONE_FINDING });
		const escape = '\u001b[';
		assert.ok((await runInProcess([], { cwd: dir, tty: true })).stdout.includes(escape));
		assert.ok(!(await runInProcess([], { cwd: dir, tty: true, env: { NO_COLOR: '1' } })).stdout.includes(escape));
		assert.ok(!(await runInProcess(['--no-color'], { cwd: dir, tty: true })).stdout.includes(escape));
		assert.ok(!(await runInProcess([], { cwd: dir, tty: false })).stdout.includes(escape));
	});

	void it('--quiet shows only errors, and only errors decide the exit code', async () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: ONE_FINDING });
		const quiet = await runInProcess(['--quiet'], { cwd: dir });
		assert.equal(quiet.stdout, '');
		assert.equal(quiet.code, 0);
		const error = await runInProcess(['--quiet', '--rule', 'DH402=error'], { cwd: dir });
		assert.equal(error.code, 1);
		assert.match(error.stdout, /\u2716 1 problem \(1 error, 0 warnings, 0 infos\)/);
	});
});

void describe('secrets never reach the output', () => {
	before(loadShellParser);
	after(cleanup);

	const secretFile = [
		'FROM python:3.11-slim',
		`ENV GITHUB_TOKEN=${PLANTED_TOKEN}`,
		'ARG DB_PASSWORD=hunter2hunter2',
		`RUN pip install --index-url https://deploy:${PLANTED_TOKEN}@pypi.example.com/simple flask`,
		'',
	].join('\n');

	for (const format of FORMATS) {
		void it(`--format ${format}`, async () => {
			const dir = tempDir();
			writeTree(dir, { Dockerfile: secretFile });
			const run = await runInProcess(['--format', format], { cwd: dir, tty: true });
			assert.equal(run.code, 1, run.stderr);
			assert.match(run.stdout, /DH303/, 'the secret is reported');
			for (const output of [run.stdout, run.stderr]) {
				assert.ok(!output.includes(PLANTED_TOKEN), `${format} printed the token`);
				assert.ok(!output.includes(PLANTED_TOKEN.slice(4)), `${format} printed the token's body`);
				assert.ok(!output.includes('hunter2'), `${format} printed the password`);
			}
		});
	}

	void it('--fix --diff redacts the secrets in context lines', async () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: secretFile });
		const run = await runInProcess(['--fix', '--diff', '--format', 'json'], { cwd: dir });
		assert.match(run.stdout, /^\+RUN pip install --no-cache-dir --index-url/m);
		assert.match(run.stdout, /^ ENV GITHUB_TOKEN=<redacted GitHub token>$/m);
		assert.match(run.stdout, /^ ARG DB_PASSWORD=<redacted>$/m);
		for (const output of [run.stdout, run.stderr]) {
			assert.ok(!output.includes(PLANTED_TOKEN.slice(4)));
			assert.ok(!output.includes('hunter2'));
		}
	});
});
