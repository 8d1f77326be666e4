/**
 * run() in-process: bad input (binary, invalid UTF-8, BOM and CRLF, unreadable files), --fix-unsafe, --output,
 * stdin names, and that one bad file never stops the others.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadShellParser } from '../../server/src/node/shellParser';
import { cleanup, CLEAN_DOCKERFILE, runInProcess, tempDir, writeTree } from './helpers';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const PIP = `FROM python:3.12-slim@${DIGEST}\nUSER 65532\nRUN pip install flask==3.0.3\n`;

interface JsonOut {
	files: { path: string; findings: { ruleId: string }[] }[];
}

void describe('run (in-process)', () => {
	before(loadShellParser);
	after(cleanup);

	void it('lints binary data and invalid UTF-8 without failing', async () => {
		const dir = tempDir();
		writeTree(dir, {
			'bin/Dockerfile': new Uint8Array([0, 1, 2, 255, 254, 0, 10, 70, 82, 79, 77, 10]),
			'latin1/Dockerfile': Buffer.from('FROM alpine:3.20\nLABEL author="Jos\xe9"\n', 'latin1'),
			'long/Dockerfile': `FROM alpine:3.20\nRUN echo ${'x'.repeat(5000)}\n`,
		});
		const run = await runInProcess(['--format', 'json', '.'], { cwd: dir });
		assert.equal(run.stderr, '');
		assert.equal(run.code, 1);
		const out = JSON.parse(run.stdout) as JsonOut;
		assert.deepEqual(
			out.files.map((f) => f.path),
			['bin/Dockerfile', 'latin1/Dockerfile', 'long/Dockerfile'],
		);
	});

	void it('--fix never rewrites a file that is not valid UTF-8 (exit 2, the file intact)', async () => {
		const dir = tempDir();
		const bytes = Buffer.concat([Buffer.from(PIP), Buffer.from([0xff, 0x0a])]);
		writeTree(dir, { Dockerfile: bytes, 'ok/Dockerfile': PIP });
		const run = await runInProcess(['--fix', '.'], { cwd: dir });
		assert.equal(run.code, 2);
		assert.equal(run.stderr, 'dockerfile-harden: Dockerfile is not valid UTF-8; its fixes were not applied.\n');
		assert.deepEqual(readFileSync(join(dir, 'Dockerfile')), bytes);
		// The other file was fixed.
		assert.match(readFileSync(join(dir, 'ok/Dockerfile'), 'utf8'), /pip install --no-cache-dir flask/);
	});

	void it('--fix keeps a BOM and CRLF line endings', async () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: '\uFEFF' + PIP.replace(/\n/g, '\r\n') });
		const run = await runInProcess(['--fix', 'Dockerfile'], { cwd: dir });
		assert.equal(run.code, 0, run.stdout + run.stderr);
		assert.equal(
			readFileSync(join(dir, 'Dockerfile'), 'utf8'),
			'\uFEFF' + PIP.replace('pip install', 'pip install --no-cache-dir').replace(/\n/g, '\r\n'),
		);
	});

	void it('passes invalid UTF-8 from stdin through --fix unchanged', async () => {
		const dir = tempDir();
		const bytes = Buffer.concat([Buffer.from(PIP), Buffer.from([0xc3, 0x28, 0x0a])]);
		const run = await runInProcess(['--fix', '-'], { cwd: dir, stdin: bytes });
		assert.equal(run.code, 2);
		assert.deepEqual(run.stdoutBytes, bytes);
	});

	void it('an unreadable file is one error line naming it; the others are still reported', async (t) => {
		if (process.getuid?.() === 0) {
			t.skip('root can read any file');
			return;
		}
		const dir = tempDir();
		writeTree(dir, { 'a/Dockerfile': PIP, 'b/Dockerfile': PIP });
		chmodSync(join(dir, 'a/Dockerfile'), 0);
		const run = await runInProcess(['--format', 'json', '.'], { cwd: dir });
		assert.equal(run.code, 2);
		assert.equal(run.stderr, 'dockerfile-harden: cannot read a/Dockerfile (permission denied).\n');
		assert.deepEqual(
			(JSON.parse(run.stdout) as JsonOut).files.map((f) => f.path),
			['b/Dockerfile'],
		);
	});

	void it('--fix-unsafe applies review fixes too, --fix only safe ones', async () => {
		const dir = tempDir();
		// DH101's fix (add a non-root user) is `review`; DH402's is `safe`.
		const text = `FROM python:3.12-slim@${DIGEST}\nRUN pip install flask==3.0.3\nCMD ["python"]\n`;
		writeTree(dir, { 'safe/Dockerfile': text, 'unsafe/Dockerfile': text });
		await runInProcess(['--fix', 'safe'], { cwd: dir });
		await runInProcess(['--fix-unsafe', 'unsafe'], { cwd: dir });
		const safe = readFileSync(join(dir, 'safe/Dockerfile'), 'utf8');
		const unsafe = readFileSync(join(dir, 'unsafe/Dockerfile'), 'utf8');
		assert.equal(safe, text.replace('pip install', 'pip install --no-cache-dir'));
		// The review fix (DH101's non-root user) is only in the --fix-unsafe output, on top of the safe one.
		assert.match(unsafe, /^USER appuser$/m);
		assert.doesNotMatch(safe, /^USER /m);
		assert.match(unsafe, /pip install --no-cache-dir flask==3\.0\.3/);
	});

	void it('--fix-unsafe writes the .dockerignore a broad COPY needs; --diff shows it; --fix leaves it', async () => {
		const dir = tempDir();
		const text = `FROM python:3.12-slim@${DIGEST}\nCOPY . /app\nUSER 1000\nCMD ["python"]\n`;
		writeTree(dir, {
			'a/Dockerfile': text,
			'b/Dockerfile': text,
			'c/Dockerfile': text,
			'c/.dockerignore': 'node_modules',
		});
		await runInProcess(['--fix', 'a'], { cwd: dir });
		assert.equal(existsSync(join(dir, 'a/.dockerignore')), false, '--fix applies no review fix');

		const diff = await runInProcess(['--fix-unsafe', '--diff', 'b'], { cwd: dir });
		assert.equal(existsSync(join(dir, 'b/.dockerignore')), false, '--diff writes nothing');
		assert.match(diff.stdout, /^\+\+\+ b\/b\/\.dockerignore$/m);
		assert.match(diff.stdout, /^\+\.git$/m);

		await runInProcess(['--fix-unsafe', 'b', 'c'], { cwd: dir });
		const created = readFileSync(join(dir, 'b/.dockerignore'), 'utf8');
		assert.match(created, /^\.git$/m);
		assert.equal(readFileSync(join(dir, 'b/Dockerfile'), 'utf8'), text, 'the Dockerfile itself needed nothing');
		const extended = readFileSync(join(dir, 'c/.dockerignore'), 'utf8');
		assert.match(extended, /^node_modules\n/);
		assert.match(extended, /^\.git$/m);

		// A second run finds nothing left to write.
		const again = await runInProcess(['--fix-unsafe', '--format', 'json', 'b', 'c'], { cwd: dir });
		assert.equal(readFileSync(join(dir, 'c/.dockerignore'), 'utf8'), extended);
		assert.deepEqual(
			(JSON.parse(again.stdout) as JsonOut).files
				.flatMap((f) => f.findings.map((d) => d.ruleId))
				.filter((r) => r === 'DH305'),
			[],
		);
	});

	void it('--stdin-filename names stdin and uses its directory as the build context', async () => {
		const dir = tempDir();
		writeTree(dir, {
			'svc/requirements.txt': 'flask==3.0.3 --hash=sha256:' + 'd'.repeat(64) + '\n',
		});
		const text = [
			`FROM python:3.12-slim@${DIGEST}`,
			'WORKDIR /app',
			'COPY requirements.txt .',
			'RUN pip install --no-cache-dir -r requirements.txt',
			'USER 65532',
			'',
		].join('\n');
		const run = await runInProcess(['--format', 'json', '--stdin-filename', 'svc/Dockerfile', '-'], {
			cwd: dir,
			stdin: text,
		});
		const out = JSON.parse(run.stdout) as {
			files: { path: string; findings: { ruleId: string; fix?: { safety: string } }[] }[];
		};
		assert.equal(out.files[0].path, 'svc/Dockerfile');
		// With hashes in the context's requirements file, DH401's fix is safe.
		assert.equal(out.files[0].findings.find((f) => f.ruleId === 'DH401')?.fix?.safety, 'safe');
		const without = await runInProcess(['--format', 'json', '-'], { cwd: dir, stdin: text });
		const plain = JSON.parse(without.stdout) as typeof out;
		assert.equal(plain.files[0].path, '<stdin>');
		assert.equal(plain.files[0].findings.find((f) => f.ruleId === 'DH401')?.fix, undefined);
	});

	void it('-o writes the report, not stdout; a report that cannot be written is exit 2', async () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: CLEAN_DOCKERFILE });
		const run = await runInProcess(['--format', 'json', '-o', 'report.json'], { cwd: dir });
		assert.equal(run.code, 0);
		assert.equal(run.stdout, '');
		assert.equal((JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as JsonOut).files.length, 1);
		const bad = await runInProcess(['-o', 'no/such/dir/report.txt'], { cwd: dir });
		assert.equal(bad.code, 2);
		assert.equal(
			bad.stderr,
			'dockerfile-harden: cannot write the report to no/such/dir/report.txt (no such file or directory).\n',
		);
	});

	void it('a missing path does not stop the files that exist (exit 2, the report still printed)', async () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: PIP });
		const run = await runInProcess(['--format', 'json', 'gone', 'Dockerfile'], { cwd: dir });
		assert.equal(run.code, 2);
		assert.equal(run.stderr, 'dockerfile-harden: no such file or directory: gone\n');
		assert.deepEqual(
			(JSON.parse(run.stdout) as JsonOut).files[0].findings.map((f) => f.ruleId),
			['DH402'],
		);
	});
});
