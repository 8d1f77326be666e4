/**
 * The faults a real registry will not produce on demand, from small in-process servers on loopback: a registry
 * that never answers, 429 and 5xx, a HEAD without the digest header or refused, garbage, a redirect to another
 * host, a token service over plain HTTP, cancellation, a closed port; and the checksum downloader.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { DigestCache, MANIFEST_TYPES, RegistryClient } from '../../server/src/registry/client';
import { checksumOf } from '../../server/src/registry/download';
import { RegistryError } from '../../server/src/registry/errors';
import { basicAuth, cleanupAll, dockerConfig, freePort, startFakeServer, type SeenRequest } from './harness';

const INDEX = Buffer.from(
	`{ "schemaVersion": 2,\n  "mediaType": "application/vnd.oci.image.index.v1+json",\n  "manifests": [] }\n`,
);
const INDEX_DIGEST = `sha256:${createHash('sha256').update(INDEX).digest('hex')}`;

/** A client that reads no real Docker config and no proxy variables. */
function client(options: ConstructorParameters<typeof RegistryClient>[0] = {}): RegistryClient {
	return new RegistryClient({ env: { DOCKER_CONFIG: dockerConfig({}) }, certsDirs: [], timeoutMs: 5000, ...options });
}

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
	try {
		await promise;
	} catch (error) {
		assert.ok(error instanceof RegistryError, String(error));
		return error;
	}
	assert.fail('expected a RegistryError');
}

function manifestRequests(requests: readonly SeenRequest[]): string[] {
	return requests.filter((r) => r.url.includes('/manifests/')).map((r) => r.method);
}

void describe('registry faults', () => {
	after(cleanupAll);

	it('a registry that never answers times out with one sentence', async () => {
		const server = await startFakeServer(() => {
			// Never answer.
		});
		const c = client({ timeoutMs: 300 });
		const started = Date.now();
		const error = await failure(c.resolve(`${server.host}/app:1`));
		assert.equal(error.kind, 'timeout');
		assert.equal(error.message, `${server.host} did not answer within 300 ms.`);
		assert.ok(Date.now() - started < 3000);
		await c.close();
	});

	it('429: one request, no retry, and the registry says when to try again', async () => {
		const server = await startFakeServer((_req, res) => res.writeHead(429, { 'retry-after': '30' }).end());
		const c = client();
		const error = await failure(c.resolve(`${server.host}/library/python:3.12`));
		assert.equal(error.kind, 'rateLimited');
		assert.equal(error.retryAfterSeconds, 30);
		assert.equal(
			error.message,
			`${server.host} is limiting the rate of requests (HTTP 429) and did not answer for library/python:3.12; try again in 30 seconds.`,
		);
		assert.deepEqual(manifestRequests(server.requests), ['HEAD']);
		await c.close();
	});

	it('5xx: one retry at most, none when the registry sent Retry-After', async () => {
		const flaky = await startFakeServer((_req, res) => res.writeHead(503).end());
		const c = client();
		const error = await failure(c.resolve(`${flaky.host}/app:1`));
		assert.equal(error.kind, 'server');
		assert.equal(error.message, `${flaky.host} failed with HTTP 503 while looking up app:1; try again later.`);
		assert.deepEqual(manifestRequests(flaky.requests), ['HEAD', 'HEAD']);
		const told = await startFakeServer((_req, res) => res.writeHead(502, { 'retry-after': '5' }).end());
		assert.equal((await failure(c.resolve(`${told.host}/app:1`))).kind, 'server');
		assert.deepEqual(manifestRequests(told.requests), ['HEAD']);
		await c.close();
	});

	it('a HEAD without Docker-Content-Digest falls back to GET and hashes the exact bytes', async () => {
		const server = await startFakeServer((req, res) => {
			res.writeHead(200, { 'content-type': MANIFEST_TYPES[0], 'content-length': INDEX.length });
			res.end(req.method === 'HEAD' ? undefined : INDEX);
		});
		const c = client();
		const resolved = await c.resolve(`${server.host}/app:1`);
		assert.equal(resolved.digest, INDEX_DIGEST);
		assert.deepEqual(manifestRequests(server.requests), ['HEAD', 'GET']);
		assert.equal(server.requests[0].headers.accept, MANIFEST_TYPES.join(', '));
		await c.close();
	});

	it('a refused HEAD (405) falls back to GET; a GET digest header does not override the bytes', async () => {
		const server = await startFakeServer((req, res) => {
			if (req.method === 'HEAD') {
				res.writeHead(405).end();
				return;
			}
			res.writeHead(200, { 'content-type': MANIFEST_TYPES[0], 'docker-content-digest': `sha256:${'f'.repeat(64)}` });
			res.end(INDEX);
		});
		const c = client();
		assert.equal((await c.resolve(`${server.host}/app:1`)).digest, INDEX_DIGEST);
		assert.deepEqual(manifestRequests(server.requests), ['HEAD', 'GET']);
		await c.close();
	});

	it('garbage, a legacy schema 1 manifest, an oversized body and a missing tag each get their sentence', async () => {
		const bodies: Record<string, Buffer> = {
			garbage: Buffer.from('<html>captive portal</html>'),
			legacy: Buffer.from('{"schemaVersion":1,"name":"x","tag":"1"}'),
			huge: Buffer.alloc(5 * 1024 * 1024, 0x20),
		};
		const server = await startFakeServer((req, res) => {
			const name = /\/v2\/(\w+)\//.exec(req.url)?.[1] ?? '';
			const body = bodies[name];
			if (!body) {
				res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(req.method === 'HEAD' ? undefined : body);
		});
		const c = client();
		const garbage = await failure(c.resolve(`${server.host}/garbage:1`));
		assert.equal(garbage.kind, 'protocol');
		assert.equal(garbage.message, `${server.host} answered something that is not an image manifest for garbage:1.`);
		assert.match((await failure(c.resolve(`${server.host}/legacy:1`))).message, /legacy schema 1 manifest/);
		const huge = await failure(c.resolve(`${server.host}/huge:1`));
		assert.equal(huge.kind, 'tooLarge');
		const missing = await failure(c.resolve(`${server.host}/absent:1`));
		assert.equal(missing.kind, 'notFound');
		assert.equal(missing.message, `${server.host} has no image absent:1.`);
		await c.close();
	});

	it('offline (nothing listening) and cancellation', async () => {
		const port = await freePort();
		const c = client();
		const offline = await failure(c.resolve(`127.0.0.1:${port}/app:1`));
		assert.equal(offline.kind, 'network');
		assert.equal(offline.message, `Could not connect to 127.0.0.1:${port}: the connection was refused.`);
		const hanging = await startFakeServer(() => undefined);
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		const cancelled = await failure(c.resolve(`${hanging.host}/app:1`, { signal: controller.signal }));
		assert.equal(cancelled.kind, 'cancelled');
		await c.close();
	});

	it('a redirect to another host never carries the credentials', async () => {
		const elsewhere = await startFakeServer((req, res) => {
			res.writeHead(200, { 'content-type': MANIFEST_TYPES[0], 'docker-content-digest': INDEX_DIGEST });
			res.end(req.method === 'HEAD' ? undefined : INDEX);
		});
		const registry = await startFakeServer((req, res) => {
			if (!req.headers.authorization) {
				res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
				return;
			}
			res.writeHead(307, { location: `http://${elsewhere.host}${req.url}` }).end();
		});
		const config = dockerConfig({ auths: { [registry.host]: { auth: basicAuth('user', 'planted-password') } } });
		const c = new RegistryClient({ env: { DOCKER_CONFIG: config }, certsDirs: [] });
		assert.equal((await c.resolve(`${registry.host}/app:1`)).digest, INDEX_DIGEST);
		assert.ok(
			registry.requests.some((r) => r.headers.authorization === `Basic ${basicAuth('user', 'planted-password')}`),
		);
		assert.ok(elsewhere.requests.length > 0);
		assert.ok(elsewhere.requests.every((r) => r.headers.authorization === undefined));
		await c.close();
	});

	it('credentials never go to a token service over plain HTTP on another host; anonymous tokens are cached', async () => {
		const plainRealm = await startFakeServer((_req, res) =>
			res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://auth.registry.test/token",service="s"' }).end(),
		);
		const config = dockerConfig({ auths: { [plainRealm.host]: { auth: basicAuth('user', 'planted-password') } } });
		const c = new RegistryClient({ env: { DOCKER_CONFIG: config }, certsDirs: [] });
		const refused = await failure(c.resolve(`${plainRealm.host}/app:1`));
		assert.equal(refused.kind, 'auth');
		assert.equal(
			refused.message,
			`${plainRealm.host} asks for credentials at a token service over plain HTTP (auth.registry.test), so they were not sent.`,
		);
		await c.close();

		// A loopback token service may be plain HTTP (it never leaves the machine); its token is reused.
		const tokens: SeenRequest[] = [];
		const realm = await startFakeServer((req, res) => {
			tokens.push(req);
			res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"anon-token","expires_in":300}');
		});
		const registry = await startFakeServer((req, res) => {
			if (req.headers.authorization !== 'Bearer anon-token') {
				res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${realm.host}/token",service="fake"` }).end();
				return;
			}
			res.writeHead(200, { 'content-type': MANIFEST_TYPES[0], 'docker-content-digest': INDEX_DIGEST }).end();
		});
		const anon = client();
		await anon.resolve(`${registry.host}/team/app:1`);
		await anon.resolve(`${registry.host}/team/app:2`);
		assert.equal(tokens.length, 1);
		assert.equal(tokens[0].url, '/token?service=fake&scope=repository%3Ateam%2Fapp%3Apull');
		assert.equal(tokens[0].headers.authorization, undefined);
		await anon.close();
	});

	it('the cache answers hover without a request; failures are remembered briefly', async () => {
		const server = await startFakeServer((_req, res) =>
			res.writeHead(200, { 'content-type': MANIFEST_TYPES[0], 'docker-content-digest': INDEX_DIGEST }).end(),
		);
		const cache = new DigestCache();
		const c = client({ cache });
		await c.resolve(`${server.host}/app:1`);
		const before = server.requests.length;
		assert.equal((await c.resolve(`${server.host}/app:1`, { useCache: true })).digest, INDEX_DIGEST);
		assert.equal(server.requests.length, before);
		await c.resolve(`${server.host}/app:1`);
		assert.equal(server.requests.length, before + 1, 'pin commands always ask the registry');
		await c.close();
	});
});

void describe('checksum downloads (DH202)', () => {
	after(cleanupAll);

	it('hashes the exact bytes as they stream', async () => {
		const body = Buffer.from('#!/bin/sh\necho installed\n');
		const server = await startFakeServer((_req, res) => res.writeHead(200).end(body));
		const result = await checksumOf(`http://${server.host}/install.sh`, { env: {} });
		assert.deepEqual(result, {
			digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
			size: body.length,
		});
	});

	it('refuses what is too large, missing, plain HTTP elsewhere, or carries credentials', async () => {
		const server = await startFakeServer((req, res) => {
			if (req.url === '/big') {
				res.writeHead(200).end(Buffer.alloc(2048));
				return;
			}
			res.writeHead(404).end();
		});
		const big = await failure(checksumOf(`http://${server.host}/big`, { env: {}, maxBytes: 1024 }));
		assert.equal(big.kind, 'tooLarge');
		assert.equal(big.message, `${server.host}/big is larger than 1 KB, so no checksum was taken.`);
		const missing = await failure(checksumOf(`http://${server.host}/nope?token=planted`, { env: {} }));
		assert.equal(missing.message, `${server.host}/nope answered HTTP 404, so no checksum was taken.`);
		const before = server.requests.length;
		const withCredentials = await failure(checksumOf(`http://user:planted@${server.host}/x`, { env: {} }));
		assert.equal(withCredentials.kind, 'auth');
		assert.ok(!withCredentials.message.includes('planted'));
		const plain = await failure(checksumOf('http://downloads.example/tool.tgz', { env: {} }));
		assert.equal(plain.kind, 'insecure');
		assert.equal(server.requests.length, before);
	});
});
