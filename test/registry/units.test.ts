/**
 * The offline parts of pinning: where each reference is and where its digest goes, the edits and their report,
 * `WWW-Authenticate` parsing, `NO_PROXY`, the Docker credential lookup (with a real helper script), and the messages.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyEdits } from '../../server/src/engine/fixer';
import { DockerfileParser } from 'dockerfile-ast';
import { checksumDataFor, imageSitesOf } from '../../server/src/engine/imageSites';
import { lint } from '../../server/src/engine/lint';
import { loadShellParser } from '../../server/src/node/shellParser';
import { normalizeClientEnvironment, pinSummary, type PinResult } from '../../server/src/protocol';
import { parseChallenges } from '../../server/src/registry/challenge';
import { cacheKey, type Resolution } from '../../server/src/registry/client';
import { credentialKey, DockerCredentials } from '../../server/src/registry/credentials';
import { RegistryError, retryAfterSeconds, statusError } from '../../server/src/registry/errors';
import { outcomeOf, relocate, unpinnedSites } from '../../server/src/registry/pin';
import { isLoopbackHost, noProxyMatches } from '../../server/src/registry/transport';
import { basicAuth, cleanupAll, credentialHelper, dockerConfig } from './harness';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

/** Every reference resolves to `digest`. */
function resolvedAll(text: string, digest: string): Map<string, Resolution> {
	const map = new Map<string, Resolution>();
	for (const site of imageSitesOf(text)) {
		map.set(cacheKey(site.ref), {
			image: site.ref.raw,
			registry: 'r',
			repository: 'x',
			tag: site.ref.tag ?? 'latest',
			digest,
			mediaType: undefined,
			checkedAt: 0,
		});
	}
	return map;
}

/** The text after Pin All with every reference resolving to `digest`. */
function pinAll(text: string, digest: string): string {
	const sites = unpinnedSites(imageSitesOf(text));
	return applyEdits(text, outcomeOf(sites, resolvedAll(text, digest), false).edits);
}

const MULTI_SITE = [
	'# syntax=docker/dockerfile:1',
	'# a comment that stays',
	'ARG BASE=python:3.11-slim',
	'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
	'RUN --mount=type=bind,from=busybox:1.36,target=/bb ls /bb',
	'FROM node:20-alpine AS web   # trailing words stay',
	'COPY --from=nginx:1.27 /etc/nginx /etc/nginx',
	'COPY --from=build /out /out',
	'FROM build',
	'',
].join('\n');

void describe('image sites', () => {
	before(() => loadShellParser());

	it('finds every external reference: the syntax image (even docker/dockerfile), an ARG default, FROM, COPY --from, RUN --mount=from', () => {
		const sites = imageSitesOf(MULTI_SITE);
		assert.deepEqual(
			sites.map((s) => [s.kind, s.ref.raw, s.pin.range.start.line]),
			[
				['syntax', 'docker/dockerfile:1', 0],
				['argDefault', 'python:3.11-slim', 2],
				['mountFrom', 'busybox:1.36', 4],
				['from', 'node:20-alpine', 5],
				['copyFrom', 'nginx:1.27', 6],
			],
		);
	});

	it('Pin All keeps tag, --platform, AS, comments and every other byte', () => {
		assert.equal(
			pinAll(MULTI_SITE, A),
			[
				`# syntax=docker/dockerfile:1@${A}`,
				'# a comment that stays',
				`ARG BASE=python:3.11-slim@${A}`,
				'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
				`RUN --mount=type=bind,from=busybox:1.36@${A},target=/bb ls /bb`,
				`FROM node:20-alpine@${A} AS web   # trailing words stay`,
				`COPY --from=nginx:1.27@${A} /etc/nginx /etc/nginx`,
				'COPY --from=build /out /out',
				'FROM build',
				'',
			].join('\n'),
		);
	});

	it('keeps CRLF line endings, and a second Pin All changes nothing', () => {
		const crlf = MULTI_SITE.replace(/\n/g, '\r\n');
		const once = pinAll(crlf, A);
		assert.equal(once, pinAll(MULTI_SITE, A).replace(/\n/g, '\r\n'));
		assert.equal(unpinnedSites(imageSitesOf(once)).length, 0);
		assert.equal(pinAll(once, B), once);
	});

	it('writes inside the quotes of a quoted ARG default, and replaces a malformed digest', () => {
		assert.equal(pinAll('ARG BASE="python:3.11"\nFROM ${BASE}\n', A), `ARG BASE="python:3.11@${A}"\nFROM \${BASE}\n`);
		assert.equal(
			pinAll('FROM python:3.11-slim@sha256:d3af7985a5a... AS builder\n', A),
			`FROM python:3.11-slim@${A} AS builder\n`,
		);
		assert.equal(
			pinAll('FROM python:${PY}-slim\n', A),
			'FROM python:${PY}-slim\n',
			'an unresolved variable is not pinned',
		);
		assert.equal(pinAll('ARG PY=3.12\nFROM python:${PY}-slim\n', A), `ARG PY=3.12\nFROM python:\${PY}-slim@${A}\n`);
	});

	it('leaves stages, scratch and valid pins alone; Update digest replaces a pin only when asked', () => {
		const text = `FROM scratch AS s\nFROM python:3.12@${A} AS p\nFROM p\nCOPY --from=s / /\n`;
		assert.deepEqual(unpinnedSites(imageSitesOf(text)), []);
		const sites = imageSitesOf(text);
		assert.deepEqual(outcomeOf(sites, resolvedAll(text, B), false).edits, []);
		const update = outcomeOf(sites, resolvedAll(text, B), true);
		assert.equal(
			applyEdits(text, update.edits),
			`FROM scratch AS s\nFROM python:3.12@${B} AS p\nFROM p\nCOPY --from=s / /\n`,
		);
		assert.deepEqual(
			update.reports.map((r) => r.status),
			['updated'],
		);
		assert.deepEqual(
			outcomeOf(sites, resolvedAll(text, A), true).reports.map((r) => r.status),
			['upToDate'],
		);
	});

	it('DH201 diagnostics carry the same pin data as the sites (the quick fix and Pin All agree)', () => {
		const text = MULTI_SITE.replace('docker/dockerfile:1', 'example.com/frontend:1');
		const dh201 = lint(text).diagnostics.filter((d) => d.code === 'DH201');
		assert.equal(dh201.length, 5);
		const pins = new Map(imageSitesOf(text).map((s) => [JSON.stringify(s.pin.range), s.pin]));
		for (const d of dh201) {
			assert.deepEqual(d.data.pin, pins.get(JSON.stringify(d.range)));
		}
		// The official frontend is not reported by DH201, so it carries no pin data, but Pin All still pins it.
		assert.ok(!lint(MULTI_SITE).diagnostics.some((d) => d.data.pin?.site === 'syntax'));
	});

	it('finds a reference again after lines were added above it, and not once it changed', () => {
		const pin = imageSitesOf('FROM python:3.11-slim AS b\n')[0].pin;
		const moved = relocate(pin, '# new\n# lines\nFROM python:3.11-slim AS b\n');
		assert.equal(moved?.pin.range.start.line, 2);
		assert.equal(relocate(pin, 'FROM python:3.12-slim AS b\n'), undefined);
	});
});

void describe('checksum data for DH202', () => {
	it('puts --checksum right after ADD, before other flags, and only for a single source', () => {
		const text =
			'FROM alpine\nADD --chown=10001 https://example.com/tool.tgz /opt/\nADD https://a/x https://b/y /opt/\n';
		const [single, several] = DockerfileParser.parse(text).getInstructions().slice(1);
		const data = checksumDataFor(single, 'https://example.com/tool.tgz', 1);
		assert.deepEqual(data?.insertAt, { line: 1, character: 4 });
		assert.equal(
			applyEdits(text, [{ range: { start: data!.insertAt, end: data!.insertAt }, newText: `--checksum=${A} ` }]).split(
				'\n',
			)[1],
			`ADD --checksum=${A} --chown=10001 https://example.com/tool.tgz /opt/`,
		);
		assert.equal(checksumDataFor(several, 'https://a/x', 2), undefined);
	});
});

void describe('WWW-Authenticate', () => {
	it('parses Bearer with quoted parameters, Basic, and several challenges in one header', () => {
		assert.deepEqual(
			parseChallenges(
				'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull"',
			),
			[
				{
					scheme: 'bearer',
					params: {
						realm: 'https://auth.docker.io/token',
						service: 'registry.docker.io',
						scope: 'repository:library/python:pull',
					},
				},
			],
		);
		assert.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [
			{ scheme: 'basic', params: { realm: 'Registry Realm' } },
		]);
		assert.deepEqual(parseChallenges('Basic realm="a, b", Bearer realm="https://x/t",error="insufficient_scope"'), [
			{ scheme: 'basic', params: { realm: 'a, b' } },
			{ scheme: 'bearer', params: { realm: 'https://x/t', error: 'insufficient_scope' } },
		]);
		assert.deepEqual(parseChallenges(undefined), []);
		assert.deepEqual(parseChallenges('Bearer realm="unterminated'), [
			{ scheme: 'bearer', params: { realm: 'unterminated' } },
		]);
	});
});

void describe('hosts and proxies', () => {
	it('loopback is a name or address, never a DNS answer', () => {
		for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '[::1]', '::1', 'x.localhost']) {
			assert.ok(isLoopbackHost(host), host);
		}
		for (const host of ['registry.test', '10.0.0.1', '128.0.0.1', 'localhost.example.com', '[::2]']) {
			assert.ok(!isLoopbackHost(host), host);
		}
	});

	it('NO_PROXY: *, domains with their subdomains, host:port, CIDR', () => {
		const url = (s: string): URL => new URL(s);
		assert.ok(noProxyMatches(url('https://a.example.com/v2/'), ['example.com']));
		assert.ok(noProxyMatches(url('https://a.example.com/v2/'), ['.example.com']));
		assert.ok(noProxyMatches(url('https://example.com/v2/'), ['example.com']));
		assert.ok(!noProxyMatches(url('https://notexample.com/v2/'), ['example.com']));
		assert.ok(noProxyMatches(url('https://r.test:5000/'), ['r.test:5000']));
		assert.ok(!noProxyMatches(url('https://r.test:5001/'), ['r.test:5000']));
		assert.ok(noProxyMatches(url('https://10.1.2.3/'), ['10.0.0.0/8']));
		assert.ok(!noProxyMatches(url('https://11.1.2.3/'), ['10.0.0.0/8']));
		assert.ok(noProxyMatches(url('https://anything/'), ['*']));
		assert.ok(!noProxyMatches(url('https://anything/'), ['', ' ']));
	});

	it('the client environment keeps only well-typed fields', () => {
		assert.deepEqual(
			normalizeClientEnvironment({ workspaceTrusted: false, httpProxy: ' http://p:3128 ', noProxy: ['a', 1] }),
			{
				workspaceTrusted: false,
				httpProxy: 'http://p:3128',
				noProxy: ['a'],
			},
		);
		assert.deepEqual(normalizeClientEnvironment('nonsense'), {});
		assert.deepEqual(normalizeClientEnvironment({ workspaceTrusted: 'yes', httpProxy: '' }), {});
	});
});

void describe('Docker credentials', () => {
	after(cleanupAll);
	const home = '/nonexistent-home';

	it('reads auths (base64 auth, username/password, identitytoken) under Docker Hub and host keys', async () => {
		const dir = dockerConfig({
			auths: {
				'https://index.docker.io/v1/': { auth: basicAuth('hubuser', 'hub:pass:with:colons') },
				'http://registry.example.com:5000/': { username: 'u', password: 'p' },
				'ghcr.io': { identitytoken: 'refresh-me' },
				'empty.example': {},
			},
		});
		const creds = new DockerCredentials({ env: { DOCKER_CONFIG: dir }, homeDir: home });
		const config = join(dir, 'config.json');
		assert.deepEqual(await creds.lookup('docker.io'), {
			credentials: { source: config, username: 'hubuser', password: 'hub:pass:with:colons' },
		});
		assert.deepEqual(await creds.lookup('registry.example.com:5000'), {
			credentials: { source: config, username: 'u', password: 'p' },
		});
		assert.deepEqual(await creds.lookup('ghcr.io'), { credentials: { source: config, identityToken: 'refresh-me' } });
		assert.deepEqual(await creds.lookup('empty.example'), {});
		assert.deepEqual(await creds.lookup('elsewhere.example'), {});
		assert.equal(credentialKey('docker.io'), 'https://index.docker.io/v1/');
		assert.equal(credentialKey('Registry.Example.com:5000'), 'registry.example.com:5000');
	});

	it('DOCKER_AUTH_CONFIG comes first; a config that is not JSON is reported, not thrown', async () => {
		const dir = dockerConfig({ auths: { 'r.test': { auth: basicAuth('file', 'x') } } });
		const env = {
			DOCKER_CONFIG: dir,
			DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'r.test': { auth: basicAuth('env', 'y') } } }),
		};
		assert.deepEqual(await new DockerCredentials({ env, homeDir: home }).lookup('r.test'), {
			credentials: { source: 'DOCKER_AUTH_CONFIG', username: 'env', password: 'y' },
		});
		const broken = await new DockerCredentials({
			env: { DOCKER_CONFIG: dir, DOCKER_AUTH_CONFIG: '{nope' },
			homeDir: home,
		}).lookup('r.test');
		assert.equal(broken.credentials?.username, 'file');
	});

	it('runs credHelpers before credsStore before auths, through execFile with the server URL on stdin', async () => {
		const helperDir = credentialHelper('dhtest', 'r.test:5000', 'helperuser', 'helper-secret');
		const tokenDir = credentialHelper('dhtoken', 'https://index.docker.io/v1/', '<token>', 'identity-from-helper');
		const dir = dockerConfig({
			auths: { 'r.test:5000': { auth: basicAuth('file', 'x') }, 'other.test': { auth: basicAuth('fileonly', 'z') } },
			credsStore: 'dhtoken',
			credHelpers: { 'r.test:5000': 'dhtest' },
		});
		const env = { DOCKER_CONFIG: dir, PATH: `${helperDir}:${tokenDir}:${process.env.PATH ?? ''}` };
		const creds = new DockerCredentials({ env, homeDir: home });
		assert.deepEqual(await creds.lookup('r.test:5000'), {
			credentials: { source: 'docker-credential-dhtest', username: 'helperuser', password: 'helper-secret' },
		});
		// A helper that answers `<token>` gave an identity token, not a password.
		assert.deepEqual(await creds.lookup('docker.io'), {
			credentials: { source: 'docker-credential-dhtoken', identityToken: 'identity-from-helper' },
		});
		// "credentials not found" from the store: the file's entry is used.
		assert.equal((await creds.lookup('other.test')).credentials?.username, 'fileonly');
	});

	it('a missing helper or a bad helper name is reported as a clause and never run', async () => {
		const dir = dockerConfig({ credsStore: 'not-installed-anywhere', credHelpers: { 'x.test': '../../bin/sh' } });
		const creds = new DockerCredentials({ env: { DOCKER_CONFIG: dir, PATH: '/nonexistent' }, homeDir: home });
		assert.deepEqual(await creds.lookup('r.test'), {
			problem: 'the credential helper docker-credential-not-installed-anywhere is not installed or not on PATH',
		});
		assert.deepEqual(await creds.lookup('x.test'), {
			problem: 'the credential helper name "../../bin/sh" is not valid, so it was not run',
		});
	});
});

void describe('messages', () => {
	it('429 and 5xx name the registry and say when to retry', () => {
		const limited = statusError('docker.io', 'library/python:3.12', 429, '120');
		assert.equal(limited.kind, 'rateLimited');
		assert.equal(
			limited.message,
			'docker.io is limiting the rate of requests (HTTP 429) and did not answer for library/python:3.12; try again in 2 minutes.',
		);
		assert.equal(
			statusError('r.test', 'x:1', 503, undefined).message,
			'r.test failed with HTTP 503 while looking up x:1; try again later.',
		);
		assert.equal(retryAfterSeconds('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT')), 60);
		assert.equal(retryAfterSeconds('soon'), undefined);
	});

	it('pinSummary: one sentence when every reference failed alike; per reference otherwise', () => {
		const reason = 'Could not connect to r.test: the connection was refused.';
		const all: PinResult = {
			outcome: 'nothing',
			references: [
				{ image: 'a:1', site: 'from', line: 0, status: 'failed', reason },
				{ image: 'b:1', site: 'copyFrom', line: 3, status: 'failed', reason },
			],
		};
		assert.equal(pinSummary(all), `Nothing was changed: ${reason}`);
		assert.equal(
			pinSummary({
				outcome: 'applied',
				references: [
					{ image: 'a:1', site: 'from', line: 0, status: 'pinned', digest: A },
					{ image: 'b:1', site: 'copyFrom', line: 3, status: 'failed', reason: 'r.test has no image b:1.' },
				],
			}),
			'Pinned 1 of 2 images. b:1 (line 4) was not pinned: r.test has no image b:1.',
		);
		assert.equal(
			pinSummary({
				outcome: 'applied',
				references: [{ image: 'a:1', site: 'from', line: 0, status: 'updated', digest: A }],
			}),
			'Updated the digest of 1 image to what its tag names now.',
		);
		assert.ok(new RegistryError('auth', 'r', 'x') instanceof Error);
	});
});
