/**
 * The registry client against a real registry (Debian's docker-registry, the CNCF distribution registry 2.8): plain
 * HTTP on loopback and for listed insecure registries, HTTPS with a CA the test trusts, htpasswd Basic auth, token
 * auth whose JWTs the registry verifies, a credential helper on PATH, and proxies.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryClient } from '../../server/src/registry/client';
import { RegistryError } from '../../server/src/registry/errors';
import {
	HTPASSWD_MISSING,
	OPENSSL_MISSING,
	REGISTRY_MISSING,
	basicAuth,
	cleanupAll,
	credentialHelper,
	dockerConfig,
	makeCerts,
	pushMultiPlatform,
	pushSinglePlatform,
	startConnectProxy,
	startRegistry,
	startTokenIssuer,
	trustCa,
	type TestCerts,
} from './harness';

/** Resolves the made-up name `registry.test` to loopback, so a non-loopback registry name stays on this machine. */
const lookup = ((hostname: string, options: object, callback: (...args: unknown[]) => void) =>
	(dnsLookup as unknown as (h: string, o: object, c: (...args: unknown[]) => void) => void)(
		hostname === 'registry.test' ? '127.0.0.1' : hostname,
		options,
		callback,
	)) as unknown as LookupFunction;

async function failure(promise: Promise<unknown>): Promise<RegistryError> {
	try {
		await promise;
	} catch (error) {
		assert.ok(error instanceof RegistryError, String(error));
		return error;
	}
	assert.fail('expected a RegistryError');
}

function sha256(bytes: Buffer): string {
	return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

if (REGISTRY_MISSING) {
	// Said once, plainly, rather than as a silent pass.
	process.stdout.write(`# registry tests skipped: ${REGISTRY_MISSING}\n`);
}

void describe('registry client against docker-registry', { skip: REGISTRY_MISSING }, () => {
	let certs: TestCerts | undefined;
	before(async () => {
		certs = OPENSSL_MISSING ? undefined : await makeCerts();
	});
	after(cleanupAll);

	it('anonymous over plain HTTP on loopback: the pin is the index digest, byte for byte, never a platform child', async () => {
		const registry = await startRegistry();
		const python = await pushMultiPlatform({ origin: registry.origin }, 'library/python', '3.11-slim');
		const single = await pushSinglePlatform({ origin: registry.origin }, 'tools/single', '2.0');
		const client = new RegistryClient({ env: { DOCKER_CONFIG: dockerConfig({}) }, certsDirs: [] });
		const resolved = await client.resolve(`${registry.host}/library/python:3.11-slim`);
		assert.equal(resolved.digest, sha256(python.bytes));
		assert.equal(resolved.digest, python.digest);
		assert.ok(!python.children.includes(resolved.digest));
		assert.equal(resolved.mediaType, 'application/vnd.oci.image.index.v1+json');
		assert.equal(resolved.registry, registry.host);
		const one = await client.resolve(`${registry.host}/tools/single:2.0`);
		assert.equal(one.digest, sha256(single.bytes));
		assert.equal(one.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
		const missing = await failure(client.resolve(`${registry.host}/library/python:9.9`));
		assert.equal(missing.kind, 'notFound');
		assert.equal(missing.message, `${registry.host} has no image library/python:9.9.`);
		await client.close();
	});

	it('a tag moved after pinning resolves to its new index', async () => {
		const registry = await startRegistry();
		const first = await pushMultiPlatform({ origin: registry.origin }, 'library/python', '3.11-slim', 'first');
		const client = new RegistryClient({ env: { DOCKER_CONFIG: dockerConfig({}) }, certsDirs: [] });
		assert.equal((await client.resolve(`${registry.host}/library/python:3.11-slim`)).digest, first.digest);
		const second = await pushMultiPlatform({ origin: registry.origin }, 'library/python', '3.11-slim', 'second');
		assert.notEqual(second.digest, first.digest);
		assert.equal((await client.resolve(`${registry.host}/library/python:3.11-slim`)).digest, second.digest);
		await client.close();
	});

	it('a non-loopback name gets plain HTTP only when listed as an insecure registry', async () => {
		const registry = await startRegistry();
		const image = await pushMultiPlatform({ origin: registry.origin }, 'team/app', '1');
		const name = `registry.test:${registry.port}`;
		const env = { DOCKER_CONFIG: dockerConfig({}) };
		const strict = new RegistryClient({ env, certsDirs: [], lookup });
		const refused = await failure(strict.resolve(`${name}/team/app:1`));
		assert.equal(refused.kind, 'insecure');
		assert.equal(
			refused.message,
			`${name} does not speak HTTPS; add it to the insecure registries (dockerfileHarden.registry.insecureRegistries, or --insecure-registry) if you trust the network to it.`,
		);
		await strict.close();
		const allowed = new RegistryClient({ env, certsDirs: [], lookup, insecureRegistries: [name] });
		assert.equal((await allowed.resolve(`${name}/team/app:1`)).digest, image.digest);
		await allowed.close();
	});

	it(
		'HTTPS with a self-signed CA: trusted through certs.d, one sentence otherwise',
		{ skip: OPENSSL_MISSING },
		async () => {
			const registry = await startRegistry({ tls: certs });
			const image = await pushMultiPlatform(
				{ origin: registry.origin, ca: certs!.caCert },
				'library/python',
				'3.11-slim',
			);
			const untrusted = new RegistryClient({ env: { DOCKER_CONFIG: dockerConfig({}) }, certsDirs: [] });
			const error = await failure(untrusted.resolve(`${registry.host}/library/python:3.11-slim`));
			assert.equal(error.kind, 'tls');
			assert.match(error.message, new RegExp(`^The TLS certificate of ${registry.host} is not trusted \\(`));
			await untrusted.close();
			const config = dockerConfig({});
			trustCa(config, registry.host, certs!.caCert);
			const trusted = new RegistryClient({ env: { DOCKER_CONFIG: config } });
			assert.equal((await trusted.resolve(`${registry.host}/library/python:3.11-slim`)).digest, image.digest);
			await trusted.close();
		},
	);

	it(
		'htpasswd Basic auth over HTTPS with the Docker config credentials; a wrong password is one sentence',
		{
			skip: HTPASSWD_MISSING ?? OPENSSL_MISSING,
		},
		async () => {
			const registry = await startRegistry({ tls: certs, htpasswd: { user: 'alice', password: 'Corr3ct-Horse' } });
			const push = {
				origin: registry.origin,
				ca: certs!.caCert,
				authorization: `Basic ${basicAuth('alice', 'Corr3ct-Horse')}`,
			};
			const image = await pushMultiPlatform(push, 'team/app', '1.0');
			const good = dockerConfig({ auths: { [registry.host]: { auth: basicAuth('alice', 'Corr3ct-Horse') } } });
			trustCa(good, registry.host, certs!.caCert);
			const client = new RegistryClient({ env: { DOCKER_CONFIG: good } });
			assert.equal((await client.resolve(`${registry.host}/team/app:1.0`)).digest, image.digest);
			await client.close();

			const bad = dockerConfig({ auths: { [registry.host]: { auth: basicAuth('alice', 'wrong-password') } } });
			trustCa(bad, registry.host, certs!.caCert);
			const rejected = new RegistryClient({ env: { DOCKER_CONFIG: bad } });
			const error = await failure(rejected.resolve(`${registry.host}/team/app:1.0`));
			assert.equal(error.kind, 'auth');
			assert.equal(
				error.message,
				`${registry.host} rejected the credentials from ${join(bad, 'config.json')} (HTTP 401); run \`docker login ${registry.host}\` again.`,
			);
			assert.ok(!error.message.includes('wrong-password'));
			await rejected.close();

			const anonymous = dockerConfig({});
			trustCa(anonymous, registry.host, certs!.caCert);
			const none = new RegistryClient({ env: { DOCKER_CONFIG: anonymous } });
			assert.equal(
				(await failure(none.resolve(`${registry.host}/team/app:1.0`))).message,
				`${registry.host} needs credentials and none were found; run \`docker login ${registry.host}\`.`,
			);
			await none.close();
		},
	);

	it(
		'token auth: the registry verifies the JWTs of a token issuer the test runs (password, identity token, anonymous)',
		{
			skip: OPENSSL_MISSING,
		},
		async () => {
			const accounts = { user: 'bob', password: 'Tok3n-Pass', identityToken: 'refresh-0123456789' };
			const issuer = await startTokenIssuer(certs!, accounts);
			const registry = await startRegistry({
				token: { realm: issuer.realm, service: issuer.service, issuer: issuer.issuer, certs: certs! },
			});
			const push = {
				origin: registry.origin,
				authorization: `Bearer ${issuer.mint('library/python', ['pull', 'push'])}`,
			};
			const image = await pushMultiPlatform(push, 'library/python', '3.11-slim');
			const realmHost = new URL(issuer.realm).host;
			const configWith = (entry: object): string => {
				const dir = dockerConfig({ auths: { [registry.host]: entry } });
				trustCa(dir, realmHost, certs!.caCert);
				return dir;
			};

			const withPassword = new RegistryClient({
				env: { DOCKER_CONFIG: configWith({ auth: basicAuth('bob', 'Tok3n-Pass') }) },
			});
			assert.equal((await withPassword.resolve(`${registry.host}/library/python:3.11-slim`)).digest, image.digest);
			await withPassword.close();
			assert.deepEqual(issuer.requests.at(-1), {
				method: 'GET',
				scope: 'repository:library/python:pull',
				service: issuer.service,
				kind: 'basic',
				accepted: true,
			});

			const withIdentity = new RegistryClient({
				env: { DOCKER_CONFIG: configWith({ identitytoken: accounts.identityToken }) },
			});
			assert.equal((await withIdentity.resolve(`${registry.host}/library/python:3.11-slim`)).digest, image.digest);
			await withIdentity.close();
			assert.equal(issuer.requests.at(-1)?.kind, 'refresh_token');
			assert.equal(issuer.requests.at(-1)?.method, 'POST');

			const wrong = new RegistryClient({ env: { DOCKER_CONFIG: configWith({ auth: basicAuth('bob', 'nope') }) } });
			const rejected = await failure(wrong.resolve(`${registry.host}/library/python:3.11-slim`));
			assert.equal(rejected.kind, 'auth');
			assert.match(
				rejected.message,
				/rejected the credentials from .*config\.json \(HTTP 401\); run `docker login 127\.0\.0\.1:\d+` again\.$/,
			);
			await wrong.close();

			// Accepted by the token service, refused by the registry for this repository: a different sentence.
			await pushMultiPlatform(
				{ origin: registry.origin, authorization: `Bearer ${issuer.mint('private/app', ['pull', 'push'])}` },
				'private/app',
				'1',
			);
			const noAccess = new RegistryClient({
				env: { DOCKER_CONFIG: configWith({ auth: basicAuth('bob', 'Tok3n-Pass') }) },
			});
			const refused = await failure(noAccess.resolve(`${registry.host}/private/app:1`));
			assert.match(
				refused.message,
				/denied access to private\/app:1 for the credentials from .*config\.json; check that this account may pull it\.$/,
			);
			await noAccess.close();

			const anonymousConfig = dockerConfig({});
			trustCa(anonymousConfig, realmHost, certs!.caCert);
			const anonymous = new RegistryClient({ env: { DOCKER_CONFIG: anonymousConfig } });
			const denied = await failure(anonymous.resolve(`${registry.host}/library/python:3.11-slim`));
			assert.equal(denied.kind, 'auth');
			assert.equal(
				denied.message,
				`${registry.host} needs credentials and none were found; run \`docker login ${registry.host}\`.`,
			);
			await anonymous.close();
		},
	);

	it(
		'a credential helper on PATH (credsStore) supplies the credentials, asked with the registry on stdin',
		{
			skip: OPENSSL_MISSING,
		},
		async () => {
			const accounts = { user: 'carol', password: 'Help3r-Secret', identityToken: 'unused' };
			const issuer = await startTokenIssuer(certs!, accounts);
			const registry = await startRegistry({
				token: { realm: issuer.realm, service: issuer.service, issuer: issuer.issuer, certs: certs! },
			});
			const image = await pushMultiPlatform(
				{ origin: registry.origin, authorization: `Bearer ${issuer.mint('team/app', ['pull', 'push'])}` },
				'team/app',
				'2',
			);
			const helperDir = credentialHelper('dhtest', registry.host, 'carol', 'Help3r-Secret');
			const config = dockerConfig({ auths: { [registry.host]: {} }, credsStore: 'dhtest' });
			trustCa(config, new URL(issuer.realm).host, certs!.caCert);
			const client = new RegistryClient({
				env: { DOCKER_CONFIG: config, PATH: `${helperDir}:${process.env.PATH ?? ''}` },
			});
			assert.equal((await client.resolve(`${registry.host}/team/app:2`)).digest, image.digest);
			await client.close();
			assert.equal(readFileSync(join(helperDir, 'asked'), 'utf8'), `${registry.host}\n`);
			assert.equal(issuer.requests.at(-1)?.kind, 'basic');
			assert.equal(issuer.requests.at(-1)?.accepted, true);
		},
	);

	it(
		"proxies: HTTPS_PROXY tunnels, NO_PROXY and loopback go direct, the editor's proxy wins",
		{ skip: OPENSSL_MISSING },
		async () => {
			const registry = await startRegistry({ tls: certs });
			const image = await pushMultiPlatform({ origin: registry.origin, ca: certs!.caCert }, 'team/app', '3');
			const name = `registry.test:${registry.port}`;
			const proxy = await startConnectProxy();
			const config = dockerConfig({});
			trustCa(config, name, certs!.caCert);
			trustCa(config, registry.host, certs!.caCert);
			const resolveWith = async (
				options: ConstructorParameters<typeof RegistryClient>[0],
				image: string,
			): Promise<string> => {
				const client = new RegistryClient({ lookup, ...options });
				try {
					return (await client.resolve(image)).digest;
				} finally {
					await client.close();
				}
			};
			assert.equal(
				await resolveWith({ env: { DOCKER_CONFIG: config, HTTPS_PROXY: proxy.url } }, `${name}/team/app:3`),
				image.digest,
			);
			assert.deepEqual(proxy.targets, [name]);
			assert.equal(
				await resolveWith(
					{ env: { DOCKER_CONFIG: config, HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,registry.test' } },
					`${name}/team/app:3`,
				),
				image.digest,
			);
			assert.equal(
				await resolveWith({ env: { DOCKER_CONFIG: config, https_proxy: proxy.url } }, `${registry.host}/team/app:3`),
				image.digest,
			);
			assert.deepEqual(proxy.targets, [name], 'NO_PROXY and loopback bypass the proxy');
			assert.equal(
				await resolveWith({ env: { DOCKER_CONFIG: config }, proxy: { url: proxy.url } }, `${name}/team/app:3`),
				image.digest,
			);
			assert.deepEqual(proxy.targets, [name, name]);
		},
	);
});
