/**
 * A real registry for the registry tests: Debian's `docker-registry` (the CNCF distribution registry 2.8) started on
 * 127.0.0.1 with a free port and a temporary storage directory; images pushed through its HTTP API; certificates made
 * with the `openssl` CLI; a token issuer whose JWTs the registry itself verifies; and small in-process servers for
 * the faults a real registry will not produce on demand. Everything listens on loopback only.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, sign, X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';

const run = promisify(execFile);

/** Whether a program is on PATH. */
export function onPath(program: string): boolean {
	try {
		execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

/** Why the registry tests skip, or `undefined` when they can run. */
export const REGISTRY_MISSING = onPath('docker-registry')
	? undefined
	: 'docker-registry is not installed (apt-get install docker-registry; .ci/run installs it)';

/** Why the htpasswd test skips, or `undefined`. */
export const HTPASSWD_MISSING = onPath('htpasswd')
	? undefined
	: 'htpasswd is not installed (apt-get install apache2-utils; .ci/run installs it)';

/** Why the TLS tests skip, or `undefined`. */
export const OPENSSL_MISSING = onPath('openssl') ? undefined : 'the openssl CLI is not installed';

const cleanups: (() => void | Promise<void>)[] = [];

/** A temporary directory, removed by {@link cleanupAll}. */
export function tempDir(prefix = 'dh-registry-'): string {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/** Stops every server and removes every directory made here. */
export async function cleanupAll(): Promise<void> {
	for (const cleanup of cleanups.splice(0).reverse()) {
		await cleanup();
	}
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createNetServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

// Certificates ---------------------------------------------------------------------------------------------------

/** A CA, a server certificate it signed (127.0.0.1, localhost, registry.test) and a token-signing certificate. */
export interface TestCerts {
	readonly dir: string;
	readonly caCert: string;
	readonly serverCert: string;
	readonly serverKey: string;
	readonly signerCert: string;
	readonly signerKey: string;
}

/** Makes {@link TestCerts} with the openssl CLI (run through execFile, no shell). */
export async function makeCerts(): Promise<TestCerts> {
	const dir = tempDir('dh-certs-');
	const path = (name: string): string => join(dir, name);
	await run('openssl', [
		'req',
		'-x509',
		'-newkey',
		'rsa:2048',
		'-nodes',
		'-sha256',
		'-days',
		'2',
		'-keyout',
		path('ca.key'),
		'-out',
		path('ca.crt'),
		'-subj',
		'/CN=Dockerfile Harden test CA',
		'-addext',
		'basicConstraints=critical,CA:TRUE',
		'-addext',
		'keyUsage=critical,keyCertSign,cRLSign',
	]);
	const leaf = async (name: string, subject: string, extensions: string): Promise<void> => {
		writeFileSync(path(`${name}.ext`), extensions);
		await run('openssl', [
			'req',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-sha256',
			'-keyout',
			path(`${name}.key`),
			'-out',
			path(`${name}.csr`),
			'-subj',
			subject,
		]);
		await run('openssl', [
			'x509',
			'-req',
			'-sha256',
			'-days',
			'2',
			'-in',
			path(`${name}.csr`),
			'-CA',
			path('ca.crt'),
			'-CAkey',
			path('ca.key'),
			'-CAcreateserial',
			'-out',
			path(`${name}.crt`),
			'-extfile',
			path(`${name}.ext`),
		]);
	};
	await leaf(
		'server',
		'/CN=127.0.0.1',
		'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:registry.test\n',
	);
	await leaf(
		'signer',
		'/CN=Dockerfile Harden test token signer',
		'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n',
	);
	const read = (name: string): string => readFileSync(path(name), 'utf8');
	return {
		dir,
		caCert: read('ca.crt'),
		serverCert: read('server.crt'),
		serverKey: read('server.key'),
		signerCert: read('signer.crt'),
		signerKey: read('signer.key'),
	};
}

// The registry ---------------------------------------------------------------------------------------------------

/** How to start a registry. */
export interface RegistryConfig {
	/** Serve HTTPS with these certificates. */
	readonly tls?: TestCerts;
	/** htpasswd Basic auth with this user and password (bcrypt through `htpasswd -B`). */
	readonly htpasswd?: { readonly user: string; readonly password: string };
	/** Token auth: the realm the registry names, and the CA bundle its tokens' x5c chains must lead to. */
	readonly token?: {
		readonly realm: string;
		readonly service: string;
		readonly issuer: string;
		readonly certs: TestCerts;
	};
}

/** A running registry. */
export interface RunningRegistry {
	/** `127.0.0.1:PORT`, as written in a Dockerfile. */
	readonly host: string;
	readonly port: number;
	/** `http://127.0.0.1:PORT` or `https://…`. */
	readonly origin: string;
	stop(): Promise<void>;
	/** What the registry wrote to stderr (for a failure message). */
	output(): string;
}

function yamlString(value: string): string {
	return JSON.stringify(value);
}

/** Starts `docker-registry serve` on 127.0.0.1 with a free port and waits until it answers `/v2/`. */
export async function startRegistry(config: RegistryConfig = {}): Promise<RunningRegistry> {
	const dir = tempDir('dh-registry-');
	const port = await freePort();
	const lines = [
		'version: 0.1',
		'log:',
		'  level: warn',
		'  accesslog:',
		'    disabled: true',
		'storage:',
		'  filesystem:',
		`    rootdirectory: ${yamlString(join(dir, 'data'))}`,
		'  maintenance:',
		'    uploadpurging:',
		'      enabled: false',
		'http:',
		`  addr: 127.0.0.1:${port}`,
		`  secret: ${randomBytes(16).toString('hex')}`,
	];
	if (config.tls) {
		writeFileSync(join(dir, 'server.crt'), config.tls.serverCert);
		writeFileSync(join(dir, 'server.key'), config.tls.serverKey);
		lines.push(
			'  tls:',
			`    certificate: ${yamlString(join(dir, 'server.crt'))}`,
			`    key: ${yamlString(join(dir, 'server.key'))}`,
		);
	}
	if (config.htpasswd) {
		const { stdout } = await run('htpasswd', ['-nbB', config.htpasswd.user, config.htpasswd.password]);
		writeFileSync(join(dir, 'htpasswd'), stdout.trim() + '\n');
		lines.push(
			'auth:',
			'  htpasswd:',
			'    realm: dockerfile-harden-test',
			`    path: ${yamlString(join(dir, 'htpasswd'))}`,
		);
	} else if (config.token) {
		writeFileSync(join(dir, 'token-ca.crt'), config.token.certs.caCert);
		lines.push(
			'auth:',
			'  token:',
			`    realm: ${yamlString(config.token.realm)}`,
			`    service: ${yamlString(config.token.service)}`,
			`    issuer: ${yamlString(config.token.issuer)}`,
			`    rootcertbundle: ${yamlString(join(dir, 'token-ca.crt'))}`,
		);
	}
	const configPath = join(dir, 'config.yml');
	writeFileSync(configPath, lines.join('\n') + '\n');
	const child: ChildProcess = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	let exited = false;
	const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	void exitedPromise.then(() => (exited = true));
	const stop = async (): Promise<void> => {
		if (!exited) {
			child.kill('SIGTERM');
			await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 3000))]);
			if (!exited) {
				child.kill('SIGKILL');
				await exitedPromise;
			}
		}
	};
	cleanups.push(stop);
	// Ready when the port accepts connections (bounded: 15 s).
	const deadline = Date.now() + 15_000;
	for (;;) {
		if (exited) {
			throw new Error(`docker-registry exited at start:\n${output}`);
		}
		const open = await new Promise<boolean>((resolve) => {
			const socket = netConnect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (open) {
			break;
		}
		if (Date.now() > deadline) {
			await stop();
			throw new Error(`docker-registry did not listen within 15 s:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	const host = `127.0.0.1:${port}`;
	return { host, port, origin: `${config.tls ? 'https' : 'http'}://${host}`, stop, output: () => output };
}

// Pushing images -------------------------------------------------------------------------------------------------

/** What a push gave: the exact bytes of the top-level manifest and their digest. */
export interface PushedImage {
	/** `sha256:…` of {@link bytes}: the digest a pin must name. */
	readonly digest: string;
	readonly bytes: Buffer;
	readonly mediaType: string;
	/** The platform manifests' digests (multi-platform images). */
	readonly children: readonly string[];
}

/** Where and how to push. */
export interface PushTarget {
	readonly origin: string;
	/** `Authorization` for pushing (Basic or a Bearer token with push access). */
	readonly authorization?: string;
	/** The CA to trust for an HTTPS registry. */
	readonly ca?: string;
}

function sha256(bytes: Buffer): string {
	return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function send(
	target: PushTarget,
	method: 'POST' | 'PUT' | 'GET',
	path: string,
	body?: Buffer,
	headers: Record<string, string> = {},
): Promise<{ status: number; location?: string; text: string }> {
	const dispatcher = new Agent({ connect: target.ca ? { ca: target.ca } : {} });
	try {
		const url = path.startsWith('http') ? path : `${target.origin}${path}`;
		const response = await request(url, {
			method,
			body,
			dispatcher,
			headers: { ...headers, ...(target.authorization ? { authorization: target.authorization } : {}) },
		});
		const text = await response.body.text();
		const location = response.headers.location;
		return { status: response.statusCode, location: typeof location === 'string' ? location : undefined, text };
	} finally {
		await dispatcher.close();
	}
}

/** Uploads a blob (POST an upload, then PUT its bytes with the digest). */
export async function pushBlob(target: PushTarget, repository: string, bytes: Buffer): Promise<string> {
	const digest = sha256(bytes);
	const started = await send(target, 'POST', `/v2/${repository}/blobs/uploads/`);
	if (started.status !== 202 || !started.location) {
		throw new Error(`starting a blob upload failed: HTTP ${started.status} ${started.text}`);
	}
	const location = new URL(started.location, target.origin);
	location.searchParams.set('digest', digest);
	const put = await send(target, 'PUT', location.toString(), bytes, { 'content-type': 'application/octet-stream' });
	if (put.status !== 201) {
		throw new Error(`uploading a blob failed: HTTP ${put.status} ${put.text}`);
	}
	return digest;
}

/** Uploads a manifest under a tag or digest. */
export async function pushManifest(
	target: PushTarget,
	repository: string,
	reference: string,
	bytes: Buffer,
	mediaType: string,
): Promise<string> {
	const put = await send(target, 'PUT', `/v2/${repository}/manifests/${reference}`, bytes, {
		'content-type': mediaType,
	});
	if (put.status !== 201) {
		throw new Error(`pushing manifest ${repository}:${reference} failed: HTTP ${put.status} ${put.text}`);
	}
	return sha256(bytes);
}

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/** Pushes a config and a layer for one platform and the manifest naming them; returns the manifest's descriptor. */
async function pushPlatform(
	target: PushTarget,
	repository: string,
	architecture: string,
	salt: string,
	mediaType: string,
): Promise<{ digest: string; size: number; bytes: Buffer }> {
	const layer = Buffer.concat([Buffer.from(`layer ${architecture} ${salt}\n`), randomBytes(512)]);
	const config = Buffer.from(
		JSON.stringify({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] }, config: {} }),
	);
	const configDigest = await pushBlob(target, repository, config);
	const layerDigest = await pushBlob(target, repository, layer);
	const oci = mediaType === OCI_MANIFEST;
	const manifest = Buffer.from(
		JSON.stringify({
			schemaVersion: 2,
			mediaType,
			config: {
				mediaType: oci ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json',
				digest: configDigest,
				size: config.length,
			},
			layers: [
				{
					mediaType: oci
						? 'application/vnd.oci.image.layer.v1.tar+gzip'
						: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
					digest: layerDigest,
					size: layer.length,
				},
			],
		}),
	);
	const digest = await pushManifest(target, repository, sha256(manifest), manifest, mediaType);
	return { digest, size: manifest.length, bytes: manifest };
}

/**
 * Pushes a two-platform image (linux/amd64 and linux/arm64, each a manifest with a config and a layer) under an OCI
 * index tagged `tag`. A different `salt` gives different bytes: pushing again moves the tag.
 */
export async function pushMultiPlatform(
	target: PushTarget,
	repository: string,
	tag: string,
	salt = 'one',
): Promise<PushedImage> {
	const children = [];
	for (const architecture of ['amd64', 'arm64']) {
		const child = await pushPlatform(target, repository, architecture, salt, OCI_MANIFEST);
		children.push({ ...child, architecture });
	}
	// Pretty-printed on purpose: the pinned digest must be of these exact bytes, not of a re-serialisation.
	const index = Buffer.from(
		JSON.stringify(
			{
				schemaVersion: 2,
				mediaType: OCI_INDEX,
				manifests: children.map((c) => ({
					mediaType: OCI_MANIFEST,
					digest: c.digest,
					size: c.size,
					platform: { architecture: c.architecture, os: 'linux' },
				})),
			},
			null,
			3,
		) + '\n',
	);
	const digest = await pushManifest(target, repository, tag, index, OCI_INDEX);
	return { digest, bytes: index, mediaType: OCI_INDEX, children: children.map((c) => c.digest) };
}

/** Pushes a single-platform image (a Docker v2 manifest) tagged `tag`. */
export async function pushSinglePlatform(
	target: PushTarget,
	repository: string,
	tag: string,
	salt = 'one',
): Promise<PushedImage> {
	const platform = await pushPlatform(target, repository, 'amd64', salt, DOCKER_MANIFEST);
	await pushManifest(target, repository, tag, platform.bytes, DOCKER_MANIFEST);
	return { digest: platform.digest, bytes: platform.bytes, mediaType: DOCKER_MANIFEST, children: [] };
}

// A token issuer -------------------------------------------------------------------------------------------------

/** One request the token issuer saw (never its credentials: only whether they were there and right). */
export interface TokenRequest {
	readonly method: string;
	readonly scope: string | undefined;
	readonly service: string | undefined;
	/** `basic`, `refresh_token`, or `anonymous`. */
	readonly kind: 'basic' | 'refresh_token' | 'anonymous';
	readonly accepted: boolean;
}

/** A running token service. */
export interface TokenIssuer {
	readonly realm: string;
	readonly service: string;
	readonly issuer: string;
	readonly requests: TokenRequest[];
	/** A token for pushing (pull and push on `repository`). */
	mint(repository: string, actions: readonly string[]): string;
}

function base64url(data: Buffer | string): string {
	return Buffer.from(data).toString('base64url');
}

/** The `access` a token grants for a scope like `repository:library/python:pull`. */
function accessOf(scope: string | undefined, allowed: boolean): object[] {
	if (!scope || !allowed) {
		return [];
	}
	return scope.split(' ').flatMap((one) => {
		const [type, ...rest] = one.split(':');
		const actions = rest.pop() ?? '';
		const name = rest.join(':');
		// `private/…` repositories are granted to nobody through this issuer (pushes use mint()).
		return type === 'repository' && !name.startsWith('private/')
			? [{ type, name, actions: actions.split(',').filter((a) => a === 'pull') }]
			: [];
	});
}

/**
 * Starts an HTTPS token service (distribution's token auth: GET with Basic, or the OAuth2 refresh-token POST). It
 * signs RS256 JWTs whose `x5c` header carries the signing certificate, which the registry verifies against the test
 * CA (`rootcertbundle`).
 */
export async function startTokenIssuer(
	certs: TestCerts,
	accounts: { readonly user: string; readonly password: string; readonly identityToken: string },
	plainHttp = false,
): Promise<TokenIssuer> {
	const service = 'dockerfile-harden-test-registry';
	const issuer = 'dockerfile-harden-test-issuer';
	const requests: TokenRequest[] = [];
	const signerDer = new X509Certificate(certs.signerCert).raw.toString('base64');
	const mint = (scopeAccess: object[]): string => {
		const now = Math.floor(Date.now() / 1000);
		const header = { typ: 'JWT', alg: 'RS256', x5c: [signerDer] };
		const claims = {
			iss: issuer,
			sub: accounts.user,
			aud: service,
			exp: now + 300,
			nbf: now - 10,
			iat: now,
			jti: randomBytes(8).toString('hex'),
			access: scopeAccess,
		};
		const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
		return `${input}.${base64url(sign('sha256', Buffer.from(input), certs.signerKey))}`;
	};
	const handler = (req: IncomingMessage, res: ServerResponse): void => {
		const url = new URL(req.url ?? '/', 'https://issuer');
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString()));
		req.on('end', () => {
			let kind: TokenRequest['kind'] = 'anonymous';
			let accepted = true;
			let scope = url.searchParams.get('scope') ?? undefined;
			let svc = url.searchParams.get('service') ?? undefined;
			if (req.method === 'POST') {
				const form = new URLSearchParams(body);
				kind = 'refresh_token';
				scope = form.get('scope') ?? undefined;
				svc = form.get('service') ?? undefined;
				accepted = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === accounts.identityToken;
			} else if (req.headers.authorization?.startsWith('Basic ')) {
				kind = 'basic';
				const [user, ...password] = Buffer.from(req.headers.authorization.slice(6), 'base64').toString().split(':');
				accepted = user === accounts.user && password.join(':') === accounts.password;
			}
			requests.push({ method: req.method ?? '', scope, service: svc, kind, accepted });
			if (!accepted) {
				res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
				return;
			}
			const token = mint(accessOf(scope, kind !== 'anonymous'));
			res
				.writeHead(200, { 'content-type': 'application/json' })
				.end(
					JSON.stringify(
						kind === 'refresh_token' ? { access_token: token, expires_in: 300 } : { token, expires_in: 300 },
					),
				);
		});
	};
	const server: Server = plainHttp
		? createHttpServer(handler)
		: createHttpsServer({ cert: certs.serverCert, key: certs.serverKey }, handler);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
	const { port } = server.address() as AddressInfo;
	return {
		realm: `${plainHttp ? 'http' : 'https'}://127.0.0.1:${port}/token`,
		service,
		issuer,
		requests,
		mint: (repository, actions) => mint([{ type: 'repository', name: repository, actions: [...actions] }]),
	};
}

// In-process servers for faults -----------------------------------------------------------------------------------

/** A request an in-process server saw. */
export interface SeenRequest {
	readonly method: string;
	readonly url: string;
	readonly headers: IncomingMessage['headers'];
	readonly body: string;
}

/** A small HTTP server on loopback; `handle` answers each request. */
export interface FakeServer {
	readonly host: string;
	readonly origin: string;
	readonly requests: SeenRequest[];
}

/** Starts an in-process HTTP (or HTTPS) server on 127.0.0.1. */
export async function startFakeServer(
	handle: (req: SeenRequest, res: ServerResponse) => void,
	tls?: TestCerts,
): Promise<FakeServer> {
	const requests: SeenRequest[] = [];
	const handler = (req: IncomingMessage, res: ServerResponse): void => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString()));
		req.on('end', () => {
			const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
			requests.push(seen);
			handle(seen, res);
		});
	};
	const server = tls
		? createHttpsServer({ cert: tls.serverCert, key: tls.serverKey }, handler)
		: createHttpServer(handler);
	const sockets = new Set<import('node:net').Socket>();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(
		() =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) {
					socket.destroy();
				}
				server.close(() => resolve());
			}),
	);
	const { port } = server.address() as AddressInfo;
	const host = `127.0.0.1:${port}`;
	return { host, origin: `${tls ? 'https' : 'http'}://${host}`, requests };
}

/** A CONNECT proxy on loopback that maps every target host to 127.0.0.1 and records what it was asked for. */
export async function startConnectProxy(): Promise<{ readonly url: string; readonly targets: string[] }> {
	const targets: string[] = [];
	const server = createHttpServer((_req, res) => res.writeHead(405).end());
	server.on('connect', (req: IncomingMessage, socket: import('node:net').Socket, head: Buffer) => {
		const target = req.url ?? '';
		targets.push(target);
		const port = Number(target.slice(target.lastIndexOf(':') + 1));
		const upstream = netConnect(port, '127.0.0.1', () => {
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			upstream.write(head);
			upstream.pipe(socket);
			socket.pipe(upstream);
		});
		upstream.on('error', () => socket.destroy());
		socket.on('error', () => upstream.destroy());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	cleanups.push(
		() =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	);
	const { port } = server.address() as AddressInfo;
	return { url: `http://127.0.0.1:${port}`, targets };
}

// Docker configuration -------------------------------------------------------------------------------------------

/** Writes `config.json` into a fresh `DOCKER_CONFIG` directory; returns the directory. */
export function dockerConfig(config: object): string {
	const dir = tempDir('dh-docker-config-');
	writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, '\t'));
	return dir;
}

/** `auth` as Docker stores it: base64 of `user:password`. */
export function basicAuth(user: string, password: string): string {
	return Buffer.from(`${user}:${password}`).toString('base64');
}

/** Trusts a CA for a registry the way Docker does: `<DOCKER_CONFIG>/certs.d/<host>/ca.crt`. */
export function trustCa(dockerConfigDir: string, host: string, ca: string): void {
	mkdirSync(join(dockerConfigDir, 'certs.d', host), { recursive: true });
	writeFileSync(join(dockerConfigDir, 'certs.d', host, 'ca.crt'), ca);
}

/**
 * Writes `docker-credential-<name>` into a fresh directory (to put on PATH): it answers `get` for `serverUrl` with the
 * given user and secret, and "credentials not found" for anything else, as real helpers do. It also records each
 * server URL it was asked for in `<dir>/asked`.
 */
export function credentialHelper(name: string, serverUrl: string, user: string, secret: string): string {
	const dir = tempDir('dh-helper-');
	const script = [
		'#!/bin/sh',
		'[ "$1" = get ] || exit 2',
		'read -r url || true',
		`printf '%s\\n' "$url" >> '${join(dir, 'asked')}'`,
		`if [ "$url" = '${serverUrl}' ]; then`,
		`  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}\\n' "$url" '${user}' '${secret}'`,
		'else',
		'  echo "credentials not found in native keychain"',
		'  exit 1',
		'fi',
		'',
	].join('\n');
	const path = join(dir, `docker-credential-${name}`);
	writeFileSync(path, script);
	chmodSync(path, 0o755);
	return dir;
}
