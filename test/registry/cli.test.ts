/**
 * `dockerfile-harden --pin` and `--check-pins` against a real registry with htpasswd Basic auth over HTTPS, the
 * credentials in a Docker config file (the done-when); failures that leave the file unchanged; and a planted
 * credential that must appear in no output of any format.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadShellParser } from '../../server/src/node/shellParser';
import { CLI, runInProcess, sarifValidator } from '../cli/helpers';
import {
	HTPASSWD_MISSING,
	OPENSSL_MISSING,
	REGISTRY_MISSING,
	basicAuth,
	cleanupAll,
	dockerConfig,
	freePort,
	makeCerts,
	pushMultiPlatform,
	pushSinglePlatform,
	startRegistry,
	tempDir,
	trustCa,
	type PushedImage,
	type RunningRegistry,
	type TestCerts,
} from './harness';

/** The password of the test registry; planted in Docker configs and looked for in every output. */
const PASSWORD = 'Pl4nted-Secret-7f3a9c';
const USER = 'ci-bot';
const SKIP = REGISTRY_MISSING ?? HTPASSWD_MISSING ?? OPENSSL_MISSING;

if (SKIP) {
	process.stdout.write(`# registry CLI tests skipped: ${SKIP}\n`);
}

/** Every form the secret could leak in. */
function secrets(password: string): string[] {
	return [password, basicAuth(USER, password), Buffer.from(password).toString('base64')];
}

function assertNoSecret(where: string, text: string, password = PASSWORD): void {
	for (const secret of secrets(password)) {
		assert.ok(!text.includes(secret), `${where} contains the planted credential`);
	}
}

void describe('CLI --pin and --check-pins against docker-registry', { skip: SKIP }, () => {
	let certs: TestCerts;
	let registry: RunningRegistry;
	let python: PushedImage;
	let uv: PushedImage;
	let frontend: PushedImage;
	/** A DOCKER_CONFIG with the right credentials and the registry's CA in certs.d. */
	let goodConfig: string;

	const push = (): { origin: string; ca: string; authorization: string } => ({
		origin: registry.origin,
		ca: certs.caCert,
		authorization: `Basic ${basicAuth(USER, PASSWORD)}`,
	});
	const configWith = (password: string): string => {
		const dir = dockerConfig({ auths: { [registry.host]: { auth: basicAuth(USER, password) } } });
		trustCa(dir, registry.host, certs.caCert);
		return dir;
	};
	/** A multi-stage Dockerfile with every kind of reference, in a fresh directory. */
	const multiStage = (): { dir: string; file: string; text: string } => {
		const r = registry.host;
		const text = [
			`# syntax=${r}/frontends/dockerfile:1`,
			`ARG PY=${r}/library/python:3.11-slim`,
			'FROM ${PY} AS builder',
			'RUN pip install --no-cache-dir --prefix=/install flask==3.0.3',
			'',
			`FROM ${r}/library/python:3.11-slim`,
			'COPY --from=builder /install /usr/local',
			`COPY --from=${r}/tools/uv:0.4 /uv /usr/local/bin/uv`,
			'USER 10001',
			'',
		].join('\n');
		const dir = tempDir('dh-cli-pin-');
		const file = join(dir, 'Dockerfile');
		writeFileSync(file, text);
		return { dir, file, text };
	};

	before(async () => {
		await loadShellParser();
		certs = await makeCerts();
		registry = await startRegistry({ tls: certs, htpasswd: { user: USER, password: PASSWORD } });
		python = await pushMultiPlatform(push(), 'library/python', '3.11-slim');
		uv = await pushSinglePlatform(push(), 'tools/uv', '0.4');
		frontend = await pushSinglePlatform(push(), 'frontends/dockerfile', '1');
		goodConfig = configWith(PASSWORD);
	});
	after(cleanupAll);

	it('--pin pins every reference of a multi-stage file with the credentials of a Docker config file', async () => {
		const { dir, file } = multiStage();
		const run = await runInProcess(['--pin', '--fail-on', 'none', 'Dockerfile'], {
			cwd: dir,
			env: { DOCKER_CONFIG: goodConfig, NO_COLOR: '1' },
		});
		assert.equal(run.code, 0, run.stderr);
		const r = registry.host;
		assert.equal(
			readFileSync(file, 'utf8'),
			[
				`# syntax=${r}/frontends/dockerfile:1@${frontend.digest}`,
				`ARG PY=${r}/library/python:3.11-slim@${python.digest}`,
				'FROM ${PY} AS builder',
				'RUN pip install --no-cache-dir --prefix=/install flask==3.0.3',
				'',
				`FROM ${r}/library/python:3.11-slim@${python.digest}`,
				'COPY --from=builder /install /usr/local',
				`COPY --from=${r}/tools/uv:0.4@${uv.digest} /uv /usr/local/bin/uv`,
				'USER 10001',
				'',
			].join('\n'),
		);
		assert.ok(!run.stdout.includes('DH201'), 'no DH201 finding is left');
		assert.equal(run.stderr, '');
		// A second run finds nothing to pin and changes nothing.
		const again = readFileSync(file, 'utf8');
		assert.equal(
			(
				await runInProcess(['--pin', '--fail-on', 'none', 'Dockerfile'], {
					cwd: dir,
					env: { DOCKER_CONFIG: goodConfig },
				})
			).code,
			0,
		);
		assert.equal(readFileSync(file, 'utf8'), again);
	});

	it('the bundled CLI does the same as a process', () => {
		const { dir, file } = multiStage();
		const result = spawnSync(process.execPath, [CLI, '--pin', '--fail-on', 'none', 'Dockerfile'], {
			cwd: dir,
			encoding: 'utf8',
			env: { PATH: process.env.PATH, DOCKER_CONFIG: goodConfig, NO_COLOR: '1' },
			timeout: 60_000,
		});
		assert.equal(result.status, 0, result.stderr);
		assert.ok(readFileSync(file, 'utf8').includes(`${registry.host}/library/python:3.11-slim@${python.digest}`));
	});

	it('--pin --diff prints the digests it would write and changes nothing', async () => {
		const { dir, file, text } = multiStage();
		const run = await runInProcess(['--pin', '--diff', '--fail-on', 'none', 'Dockerfile'], {
			cwd: dir,
			env: { DOCKER_CONFIG: goodConfig },
		});
		assert.equal(run.code, 0, run.stderr);
		assert.ok(run.stdout.includes(`+FROM ${registry.host}/library/python:3.11-slim@${python.digest}`));
		assert.equal(readFileSync(file, 'utf8'), text);
	});

	it('a wrong password: one clear sentence, exit 2, and the file unchanged', async () => {
		const { dir, file, text } = multiStage();
		const wrong = configWith('not-the-password');
		const run = await runInProcess(['--pin', 'Dockerfile'], { cwd: dir, env: { DOCKER_CONFIG: wrong } });
		assert.equal(run.code, 2);
		assert.equal(readFileSync(file, 'utf8'), text);
		assert.equal(
			run.stderr,
			`dockerfile-harden: Dockerfile was not changed: ${registry.host} rejected the credentials from ${join(wrong, 'config.json')} (HTTP 401); run \`docker login ${registry.host}\` again.\n`,
		);
		assertNoSecret('stderr', run.stderr, 'not-the-password');
	});

	it('offline: one clear sentence, exit 2, and the file unchanged', async () => {
		const port = await freePort();
		const dir = tempDir('dh-cli-offline-');
		const text = `FROM 127.0.0.1:${port}/library/python:3.11-slim AS builder\nFROM 127.0.0.1:${port}/library/python:3.11-slim\n`;
		writeFileSync(join(dir, 'Dockerfile'), text);
		const run = await runInProcess(['--pin', 'Dockerfile'], { cwd: dir, env: { DOCKER_CONFIG: dockerConfig({}) } });
		assert.equal(run.code, 2);
		assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), text);
		assert.equal(
			run.stderr,
			`dockerfile-harden: Dockerfile was not changed: Could not connect to 127.0.0.1:${port}: the connection was refused.\n`,
		);
	});

	it('--check-pins reports a pin whose tag moved (exit 1) and is quiet about current ones', async () => {
		const moving = await pushMultiPlatform(push(), 'team/moving', '1.0', 'before');
		const dir = tempDir('dh-cli-check-');
		const text = [
			`FROM ${registry.host}/team/moving:1.0@${moving.digest} AS old`,
			`FROM ${registry.host}/library/python:3.11-slim@${python.digest}`,
			'USER 10001',
			'',
		].join('\n');
		writeFileSync(join(dir, 'Dockerfile'), text);
		const env = { DOCKER_CONFIG: goodConfig };
		const current = await runInProcess(['--check-pins', '--format', 'json', 'Dockerfile'], { cwd: dir, env });
		assert.ok(!current.stdout.includes('has moved'), current.stdout);
		assert.equal(current.stderr, '');
		const moved = await pushMultiPlatform(push(), 'team/moving', '1.0', 'after');
		const stale = await runInProcess(['--check-pins', '--fail-on', 'error', 'Dockerfile'], {
			cwd: dir,
			env: { ...env, NO_COLOR: '1' },
		});
		assert.equal(stale.code, 1, 'a moved pin fails the run whatever --fail-on says');
		assert.ok(
			stale.stdout.includes(
				`The tag "${registry.host}/team/moving:1.0" has moved to ${moved.digest}, so the pinned ${moving.digest} is no longer what the tag names.`,
			),
			stale.stdout,
		);
		assert.equal((await runInProcess(['--check-pins', '--fail-on', 'none', 'Dockerfile'], { cwd: dir, env })).code, 0);
		assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), text, '--check-pins never edits');
	});

	it('the planted credential appears in no output: any format, success or failure, report file or SARIF', async () => {
		const validate = sarifValidator();
		const wrong = configWith(`${PASSWORD}-wrong`);
		for (const format of ['stylish', 'json', 'sarif', 'github']) {
			for (const [config, password] of [
				[goodConfig, PASSWORD],
				[wrong, `${PASSWORD}-wrong`],
			] as const) {
				for (const mode of [['--pin'], ['--check-pins'], ['--pin', '--diff']]) {
					const { dir } = multiStage();
					const run = await runInProcess([...mode, '--format', format, '-o', 'report.out', 'Dockerfile'], {
						cwd: dir,
						env: { DOCKER_CONFIG: config },
					});
					const report = readFileSync(join(dir, 'report.out'), 'utf8');
					const label = `${format} ${mode.join(' ')} ${config === wrong ? 'wrong' : 'good'}`;
					assertNoSecret(`${label} stdout`, run.stdout, password);
					assertNoSecret(`${label} stderr`, run.stderr, password);
					assertNoSecret(`${label} report`, report, password);
					assertNoSecret(`${label} file`, readFileSync(join(dir, 'Dockerfile'), 'utf8'), password);
					if (format === 'sarif') {
						assert.ok(validate(JSON.parse(report)), `${label}: ${JSON.stringify(validate.errors)}`);
					}
				}
			}
		}
	});
});
