/**
 * Resolves image tags to the digest they point at, against the registry itself (OCI distribution-spec, Docker
 * Registry HTTP API v2): `HEAD /v2/<repo>/manifests/<tag>` with the index, manifest-list and manifest Accept types and
 * `Docker-Content-Digest`; `GET` and sha256 of the exact bytes when the header is missing or `HEAD` is refused.
 * Authentication: anonymous first, then the `WWW-Authenticate` challenge — Bearer tokens from the token service
 * (cached until `expires_in`; identity tokens through the OAuth2 refresh-token grant) or Basic — with the Docker
 * CLI's credentials. The digest pinned is the one the tag resolves to: for a multi-platform image, the index.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LookupFunction } from 'node:net';
import {
	apiHostOf,
	isValidDigest,
	parseImageRef,
	registryOf,
	repositoryOf,
	tagOf,
	type ImageRef,
} from '../engine/imageRef';
import { parseChallenges, type Challenge } from './challenge';
import {
	DockerCredentials,
	dockerConfigDir,
	type CredentialLookup,
	type CredentialSource,
	type Credentials,
} from './credentials';
import { RegistryError, statusError } from './errors';
import { isLoopbackHost, Transport, type ProxySettings, type SendResponse } from './transport';

/** The manifest media types asked for; the index and list types first so a multi-platform tag answers its index. */
export const MANIFEST_TYPES = [
	'application/vnd.oci.image.index.v1+json',
	'application/vnd.docker.distribution.manifest.list.v2+json',
	'application/vnd.oci.image.manifest.v1+json',
	'application/vnd.docker.distribution.manifest.v2+json',
] as const;

/** Manifests are small; distribution refuses to store one over 4 MiB. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Token responses and error bodies. */
const MAX_SMALL_BYTES = 256 * 1024;
/** A token without `expires_in` lasts 60 s (distribution's token spec). */
const DEFAULT_TOKEN_SECONDS = 60;
/** Tokens are renewed this long before they expire. */
const TOKEN_MARGIN_MS = 5_000;
/** How long a resolved digest is reused (hover); the pin commands always ask the registry again. */
export const DEFAULT_CACHE_TTL_MS = 10 * 60_000;
/** How long a failure is remembered for hover, so moving the mouse does not hammer a registry that is down. */
const FAILURE_TTL_MS = 30_000;
/** Registries resolved at once for one file. */
const DEFAULT_CONCURRENCY = 6;
/** The single retry of a 5xx waits this long. */
const RETRY_DELAY_MS = 300;

/** How long a credential lookup is reused (a `docker login` in between is seen after this). */
const LOOKUP_REUSE_MS = 60_000;

/** The client id sent with OAuth2 token requests (distribution's auth/oauth.md asks for one). */
const CLIENT_ID = 'dockerfile-harden';

/** What a tag resolved to. */
export interface Resolution {
	/** The image as asked (`python:3.11-slim`). */
	readonly image: string;
	/** The registry, as users name it (`docker.io`, `127.0.0.1:5000`). */
	readonly registry: string;
	readonly repository: string;
	readonly tag: string;
	/** `sha256:…` of the manifest or index the tag points at. */
	readonly digest: string;
	/** The media type the registry gave, when it gave one. */
	readonly mediaType: string | undefined;
	/** When the registry said so (ms since the epoch). */
	readonly checkedAt: number;
}

/** A cache of tag → digest shared by the clients of one session (settings changes create new clients). */
export class DigestCache {
	private readonly entries = new Map<string, { readonly at: number; readonly value: Resolution | RegistryError }>();

	constructor(readonly ttlMs: number = DEFAULT_CACHE_TTL_MS) {}

	/** A fresh enough entry. */
	get(key: string, now: number = Date.now()): Resolution | RegistryError | undefined {
		const entry = this.entries.get(key);
		if (!entry) {
			return undefined;
		}
		const ttl = entry.value instanceof RegistryError ? Math.min(FAILURE_TTL_MS, this.ttlMs) : this.ttlMs;
		return now - entry.at < ttl ? entry.value : undefined;
	}

	/** Any entry, however old (for code actions, which never contact a registry). */
	peek(key: string): Resolution | RegistryError | undefined {
		return this.entries.get(key)?.value;
	}

	set(key: string, value: Resolution | RegistryError, now: number = Date.now()): void {
		this.entries.set(key, { at: now, value });
	}

	clear(): void {
		this.entries.clear();
	}
}

/** Options of a {@link RegistryClient}. */
export interface RegistryClientOptions {
	/** Registries (`host[:port]`) that may be reached over plain HTTP besides loopback. */
	readonly insecureRegistries?: readonly string[];
	/** Per request. Default 10 s. */
	readonly timeoutMs?: number;
	/** `DOCKER_CONFIG`, `DOCKER_AUTH_CONFIG`, proxies, `PATH` for credential helpers. Default: `process.env`. */
	readonly env?: Readonly<Record<string, string | undefined>>;
	/** Default: the user's home directory. */
	readonly homeDir?: string;
	/** The editor's proxy. */
	readonly proxy?: ProxySettings;
	/** Docker `certs.d` directories. Default: `/etc/docker/certs.d` and `$DOCKER_CONFIG/certs.d`. */
	readonly certsDirs?: readonly string[];
	/** Default: the Docker CLI's credential lookup. */
	readonly credentials?: CredentialSource;
	readonly cache?: DigestCache;
	/** Tests resolve a made-up registry name to loopback. */
	readonly lookup?: LookupFunction;
	/** Progress lines for the server's log. Never given a secret. */
	readonly log?: (message: string) => void;
	readonly concurrency?: number;
}

/** Per-call options. */
export interface ResolveOptions {
	readonly signal?: AbortSignal;
	/** Use a cached answer when there is one (hover). Pin commands ask the registry. */
	readonly useCache?: boolean;
}

/** One registry request's target. */
interface Target {
	/** For messages and credentials: `docker.io`, `127.0.0.1:5000`. */
	readonly registry: string;
	/** Where requests go: `registry-1.docker.io`, `127.0.0.1:5000`. */
	readonly host: string;
	readonly repository: string;
	readonly tag: string;
	/** `library/python:3.11-slim`, for messages. */
	readonly what: string;
}

/** The cache key of a reference: the registry's host, repository and tag. */
export function cacheKey(ref: ImageRef): string {
	return `${apiHostOf(ref)}/${repositoryOf(ref)}:${tagOf(ref)}`;
}

function mediaTypeOf(response: SendResponse): string | undefined {
	return response.header('content-type')?.split(';')[0].trim().toLowerCase() || undefined;
}

function isManifestType(type: string | undefined): boolean {
	return type !== undefined && (MANIFEST_TYPES as readonly string[]).includes(type);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, ms);
		signal?.addEventListener('abort', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

function basic(username: string, password: string): string {
	return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** `docker login` for a registry (no argument for Docker Hub). */
function loginCommand(registry: string): string {
	return `docker login${registry === 'docker.io' ? '' : ` ${registry}`}`;
}

/** Resolves tags to digests. Create one per settings; {@link close} it when done. */
export class RegistryClient {
	private readonly transport: Transport;
	private readonly credentials: CredentialSource;
	readonly cache: DigestCache;
	private readonly schemes = new Map<string, 'https' | 'http'>();
	/** `Authorization` per host and repository, with its expiry. */
	private readonly auth = new Map<string, { readonly header: string; readonly expires: number }>();
	/** Token requests in flight, so the references of one file share them. */
	private readonly tokens = new Map<string, Promise<{ token: string; expires: number }>>();
	/** Credential lookups, reused briefly so the references of one file run a credential helper once. */
	private readonly lookups = new Map<string, { readonly at: number; readonly result: Promise<CredentialLookup> }>();
	private readonly log: (message: string) => void;

	constructor(private readonly options: RegistryClientOptions = {}) {
		const env = options.env ?? process.env;
		const home = options.homeDir ?? homedir();
		this.transport = new Transport({
			timeoutMs: options.timeoutMs ?? 10_000,
			env,
			proxy: options.proxy,
			certsDirs: options.certsDirs ?? ['/etc/docker/certs.d', join(dockerConfigDir(env, home), 'certs.d')],
			insecureHosts: options.insecureRegistries,
			lookup: options.lookup,
		});
		this.credentials = options.credentials ?? new DockerCredentials({ env, homeDir: home });
		this.cache = options.cache ?? new DigestCache();
		this.log = options.log ?? (() => undefined);
	}

	/** Resolves one reference (`python:3.11-slim`, or a parsed one). Rejects with a {@link RegistryError}. */
	async resolve(image: string | ImageRef, options: ResolveOptions = {}): Promise<Resolution> {
		const ref = typeof image === 'string' ? parseImageRef(image) : image;
		if (!ref) {
			throw new RegistryError('protocol', '', `"${String(image)}" is not an image reference.`);
		}
		const key = cacheKey(ref);
		if (options.useCache) {
			const cached = this.cache.get(key);
			if (cached instanceof RegistryError) {
				throw cached;
			}
			if (cached) {
				return { ...cached, image: ref.raw };
			}
		}
		const target: Target = {
			registry: registryOf(ref),
			host: apiHostOf(ref),
			repository: repositoryOf(ref),
			tag: tagOf(ref),
			what: `${repositoryOf(ref)}:${tagOf(ref)}`,
		};
		try {
			const { digest, mediaType } = await this.digestOf(target, options.signal);
			const resolution: Resolution = {
				image: ref.raw,
				registry: target.registry,
				repository: target.repository,
				tag: target.tag,
				digest,
				mediaType,
				checkedAt: Date.now(),
			};
			this.cache.set(key, resolution);
			this.log(`${target.registry}/${target.what} → ${digest}`);
			return resolution;
		} catch (error) {
			const failure =
				error instanceof RegistryError
					? error
					: new RegistryError(
							'protocol',
							target.registry,
							`Looking up ${target.what} at ${target.registry} failed unexpectedly.`,
						);
			if (failure.kind !== 'cancelled') {
				this.cache.set(key, failure);
				this.log(`${target.registry}/${target.what}: ${failure.message}`);
			}
			throw failure;
		}
	}

	/**
	 * Resolves many references concurrently (each distinct tag once). The map is keyed by {@link cacheKey}; each value
	 * is a resolution or the error for that reference. Never rejects.
	 */
	async resolveAll(
		refs: readonly ImageRef[],
		options: ResolveOptions & { readonly onSettled?: (ref: ImageRef, done: number, total: number) => void } = {},
	): Promise<Map<string, Resolution | RegistryError>> {
		const distinct = new Map<string, ImageRef>();
		for (const ref of refs) {
			if (!distinct.has(cacheKey(ref))) {
				distinct.set(cacheKey(ref), ref);
			}
		}
		const queue = [...distinct.entries()];
		const results = new Map<string, Resolution | RegistryError>();
		let done = 0;
		const worker = async (): Promise<void> => {
			for (let next = queue.shift(); next; next = queue.shift()) {
				const [key, ref] = next;
				try {
					results.set(key, await this.resolve(ref, options));
				} catch (error) {
					results.set(
						key,
						error instanceof RegistryError
							? error
							: new RegistryError('protocol', registryOf(ref), 'Unexpected failure.'),
					);
				}
				options.onSettled?.(ref, ++done, distinct.size);
			}
		};
		const workers = Math.max(1, Math.min(this.options.concurrency ?? DEFAULT_CONCURRENCY, distinct.size));
		await Promise.all(Array.from({ length: workers }, worker));
		return results;
	}

	/** Releases connections. */
	close(): Promise<void> {
		return this.transport.close();
	}

	// The digest -------------------------------------------------------------------------------------------------

	private async digestOf(
		target: Target,
		signal: AbortSignal | undefined,
	): Promise<{ digest: string; mediaType: string | undefined }> {
		const path = `/v2/${target.repository}/manifests/${encodeURIComponent(target.tag)}`;
		const head = await this.registryRequest(target, 'HEAD', path, signal);
		if (head.status === 200) {
			const digest = head.header('docker-content-digest')?.trim();
			const mediaType = mediaTypeOf(head);
			if (digest && isValidDigest(digest) && (mediaType === undefined || isManifestType(mediaType))) {
				return { digest, mediaType };
			}
			// No usable header: the bytes decide.
		} else if (![400, 403, 404, 405, 501].includes(head.status)) {
			throw this.failure(target, head);
		}
		// HEAD refused (or no digest header): GET, and hash exactly the bytes the registry sent.
		const get = await this.registryRequest(target, 'GET', path, signal);
		if (get.status !== 200) {
			throw this.failure(target, get);
		}
		const mediaType = this.checkManifest(target, get);
		return { digest: `sha256:${createHash('sha256').update(get.body).digest('hex')}`, mediaType };
	}

	/** Checks a GET body is an image manifest or index; returns its media type. */
	private checkManifest(target: Target, response: SendResponse): string | undefined {
		const garbage = (): RegistryError =>
			new RegistryError(
				'protocol',
				target.registry,
				`${target.registry} answered something that is not an image manifest for ${target.what}.`,
			);
		let json: unknown;
		try {
			json = JSON.parse(response.body.toString('utf8'));
		} catch {
			throw garbage();
		}
		if (typeof json !== 'object' || json === null || Array.isArray(json)) {
			throw garbage();
		}
		const manifest = json as { schemaVersion?: unknown; mediaType?: unknown; manifests?: unknown; layers?: unknown };
		if (manifest.schemaVersion === 1) {
			throw new RegistryError(
				'protocol',
				target.registry,
				`${target.registry} has only a legacy schema 1 manifest for ${target.what}, which cannot be pinned.`,
			);
		}
		if (manifest.schemaVersion !== 2) {
			throw garbage();
		}
		const declared = typeof manifest.mediaType === 'string' ? manifest.mediaType : mediaTypeOf(response);
		if (isManifestType(declared)) {
			return declared;
		}
		if (Array.isArray(manifest.manifests) || Array.isArray(manifest.layers)) {
			// OCI allows an index or manifest without `mediaType`.
			return declared;
		}
		throw garbage();
	}

	private failure(target: Target, response: SendResponse): RegistryError {
		return statusError(target.registry, target.what, response.status, response.header('retry-after'));
	}

	// Requests and authentication --------------------------------------------------------------------------------

	/** A request to the registry, authenticated as its challenge asks. */
	private async registryRequest(
		target: Target,
		method: 'GET' | 'HEAD',
		path: string,
		signal: AbortSignal | undefined,
	): Promise<SendResponse> {
		const scope = `${target.host}/${target.repository}`;
		const headers = (authorization: string | undefined): Record<string, string> => ({
			accept: MANIFEST_TYPES.join(', '),
			...(authorization ? { authorization } : {}),
		});
		const cached = this.auth.get(scope);
		const known = cached && cached.expires > Date.now() ? cached.header : undefined;
		let response = await this.sendWithRetry(target, method, path, headers(known), signal);
		if (response.status !== 401) {
			return response;
		}
		if (response.url.host !== target.host) {
			// A challenge from where a redirect led is not the registry's: no credentials or tokens for it.
			throw new RegistryError(
				'auth',
				target.registry,
				`${target.registry} redirected ${target.what} to ${response.url.host}, which asks for credentials that belong to ${target.registry}.`,
			);
		}
		if (known) {
			// The registry no longer takes what worked before: fetch a new token rather than reuse the cached one.
			this.auth.delete(scope);
			this.tokens.clear();
		}
		const lookup = await this.lookupCredentials(target.registry);
		const authorization = await this.authenticate(
			target,
			parseChallenges(response.header('www-authenticate')),
			lookup,
			signal,
		);
		response = await this.sendWithRetry(target, method, path, headers(authorization), signal);
		if (response.status === 401) {
			this.auth.delete(scope);
			// After Basic, the registry itself judged the credentials; after a token, the token service accepted them
			// (or gave an anonymous token) and the registry refused this repository.
			throw authorization.startsWith('Basic ')
				? this.authFailure(target, lookup, 401)
				: this.accessFailure(target, lookup);
		}
		return response;
	}

	/** Sends once, and once more after a 5xx without `Retry-After` (never after a 429). */
	private async sendWithRetry(
		target: Target,
		method: 'GET' | 'HEAD',
		path: string,
		headers: Record<string, string>,
		signal: AbortSignal | undefined,
	): Promise<SendResponse> {
		const first = await this.sendToRegistry(target, method, path, headers, signal);
		if (first.status < 500 || first.header('retry-after') !== undefined) {
			return first;
		}
		await sleep(RETRY_DELAY_MS, signal);
		return this.sendToRegistry(target, method, path, headers, signal);
	}

	/** Sends to the registry over HTTPS, or plain HTTP where allowed and the registry does not speak TLS. */
	private async sendToRegistry(
		target: Target,
		method: 'GET' | 'HEAD',
		path: string,
		headers: Record<string, string>,
		signal: AbortSignal | undefined,
	): Promise<SendResponse> {
		const scheme = this.schemes.get(target.host) ?? 'https';
		const url = new URL(`${scheme}://${target.host}${path}`);
		const maxBytes = method === 'GET' ? MAX_MANIFEST_BYTES : MAX_SMALL_BYTES;
		try {
			return await this.transport.send({ method, url, headers, maxBytes, signal });
		} catch (error) {
			const plain = new URL(`http://${target.host}${path}`);
			// A plain-HTTP server answers a TLS handshake with an error or by closing the connection.
			const notTls = error instanceof RegistryError && (error.kind === 'insecure' || error.kind === 'network');
			if (notTls && scheme === 'https' && this.transport.plainHttpAllowed(plain)) {
				// Docker does the same for loopback and insecure registries: HTTPS first, then plain HTTP.
				const response = await this.transport.send({ method, url: plain, headers, maxBytes, signal });
				this.schemes.set(target.host, 'http');
				this.log(`${target.registry} does not speak HTTPS; using plain HTTP (loopback or an insecure registry).`);
				return response;
			}
			if (error instanceof RegistryError && error.kind === 'insecure' && scheme === 'https') {
				throw new RegistryError(
					'insecure',
					target.registry,
					`${target.registry} does not speak HTTPS; add it to the insecure registries (dockerfileHarden.registry.insecureRegistries, or --insecure-registry) if you trust the network to it.`,
				);
			}
			throw error;
		}
	}

	private lookupCredentials(registry: string): Promise<CredentialLookup> {
		const cached = this.lookups.get(registry);
		if (cached && Date.now() - cached.at < LOOKUP_REUSE_MS) {
			return cached.result;
		}
		const result = this.credentials.lookup(registry).catch(() => ({ problem: 'the credential lookup failed' }));
		this.lookups.set(registry, { at: Date.now(), result });
		return result;
	}

	/** The `Authorization` a challenge asks for, cached per host and repository. */
	private async authenticate(
		target: Target,
		challenges: readonly Challenge[],
		lookup: CredentialLookup,
		signal: AbortSignal | undefined,
	): Promise<string> {
		const scope = `${target.host}/${target.repository}`;
		const credentials = lookup.credentials;
		const bearer = challenges.find((c) => c.scheme === 'bearer');
		const basicChallenge = challenges.find((c) => c.scheme === 'basic');
		let header: string;
		let expires = Number.POSITIVE_INFINITY;
		if (bearer && credentials?.registryToken) {
			header = `Bearer ${credentials.registryToken}`;
		} else if (bearer) {
			const token = await this.token(target, bearer, lookup, signal);
			header = `Bearer ${token.token}`;
			expires = token.expires;
		} else if (basicChallenge) {
			if (!credentials?.username || !credentials.password) {
				throw this.authFailure(target, lookup, 401);
			}
			header = basic(credentials.username, credentials.password);
		} else {
			throw new RegistryError(
				'auth',
				target.registry,
				`${target.registry} asks for a kind of authentication this client does not support for ${target.what}.`,
			);
		}
		this.auth.set(scope, { header, expires });
		return header;
	}

	/** A Bearer token from the token service the challenge names (shared by concurrent requests, cached). */
	private token(
		target: Target,
		challenge: Challenge,
		lookup: CredentialLookup,
		signal: AbortSignal | undefined,
	): Promise<{ token: string; expires: number }> {
		const realm = challenge.params.realm ?? '';
		const service = challenge.params.service;
		const scope = challenge.params.scope ?? `repository:${target.repository}:pull`;
		const key = [realm, service ?? '', scope, lookup.credentials?.source ?? ''].join('\u0000');
		let pending = this.tokens.get(key);
		if (!pending) {
			pending = this.fetchToken(target, realm, service, scope, lookup, signal);
			this.tokens.set(key, pending);
			pending.then(
				(token) => {
					// Keep it until it expires, then let the next request fetch a new one.
					setTimeout(() => this.tokens.delete(key), Math.max(0, token.expires - Date.now())).unref();
				},
				() => this.tokens.delete(key),
			);
		}
		return pending.then((token) => {
			if (token.expires <= Date.now()) {
				this.tokens.delete(key);
				return this.token(target, challenge, lookup, signal);
			}
			return token;
		});
	}

	private async fetchToken(
		target: Target,
		realm: string,
		service: string | undefined,
		scope: string,
		lookup: CredentialLookup,
		signal: AbortSignal | undefined,
	): Promise<{ token: string; expires: number }> {
		let url: URL;
		try {
			url = new URL(realm);
		} catch {
			throw new RegistryError(
				'protocol',
				target.registry,
				`${target.registry} named a token service that is not a URL.`,
			);
		}
		const credentials = lookup.credentials;
		if (url.protocol !== 'https:' && url.protocol !== 'http:') {
			throw new RegistryError(
				'protocol',
				target.registry,
				`${target.registry} named a token service that is not HTTP.`,
			);
		}
		if (url.protocol === 'http:' && credentials && !isLoopbackHost(url.hostname)) {
			// Credentials travel to a token service only over HTTPS (or to loopback, which never leaves the machine).
			throw new RegistryError(
				'auth',
				target.registry,
				`${target.registry} asks for credentials at a token service over plain HTTP (${url.host}), so they were not sent.`,
			);
		}
		let response: SendResponse;
		if (credentials?.identityToken) {
			const form = new URLSearchParams({
				grant_type: 'refresh_token',
				refresh_token: credentials.identityToken,
				client_id: CLIENT_ID,
				scope,
				access_type: 'offline',
				...(service ? { service } : {}),
			});
			response = await this.transport.send({
				method: 'POST',
				url,
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
				body: form.toString(),
				maxBytes: MAX_SMALL_BYTES,
				signal,
			});
		} else {
			if (service) {
				url.searchParams.set('service', service);
			}
			url.searchParams.append('scope', scope);
			const authorization =
				credentials?.username && credentials.password ? basic(credentials.username, credentials.password) : undefined;
			response = await this.transport.send({
				method: 'GET',
				url,
				headers: authorization ? { authorization } : {},
				maxBytes: MAX_SMALL_BYTES,
				signal,
			});
		}
		if (response.status === 401 || response.status === 403) {
			throw this.authFailure(target, lookup, response.status);
		}
		if (response.status !== 200) {
			throw statusError(target.registry, target.what, response.status, response.header('retry-after'));
		}
		let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
		try {
			body = JSON.parse(response.body.toString('utf8')) as typeof body;
		} catch {
			body = {};
		}
		const token = typeof body.token === 'string' && body.token !== '' ? body.token : body.access_token;
		if (typeof token !== 'string' || token === '') {
			throw new RegistryError('protocol', target.registry, `The token service of ${target.registry} gave no token.`);
		}
		const seconds =
			typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
		return { token, expires: Date.now() + Math.max(1_000, seconds * 1000 - TOKEN_MARGIN_MS) };
	}

	/**
	 * The credentials were refused (or there were none). Said per registry, not per image, so a file whose references
	 * all fail for that reason gets one sentence.
	 */
	private authFailure(target: Target, lookup: CredentialLookup, status: number): RegistryError {
		const credentials: Credentials | undefined = lookup.credentials;
		const login = loginCommand(target.registry);
		if (credentials) {
			return new RegistryError(
				'auth',
				target.registry,
				`${target.registry} rejected the credentials from ${credentials.source} (HTTP ${status}); run \`${login}\` again.`,
			);
		}
		const none = lookup.problem ? `none could be used (${lookup.problem})` : 'none were found';
		return new RegistryError(
			'auth',
			target.registry,
			`${target.registry} needs credentials and ${none}; run \`${login}\`.`,
		);
	}

	/** The token service accepted who we are, but the registry refused this repository. */
	private accessFailure(target: Target, lookup: CredentialLookup): RegistryError {
		const credentials = lookup.credentials;
		if (!credentials) {
			return this.authFailure(target, lookup, 401);
		}
		return new RegistryError(
			'auth',
			target.registry,
			`${target.registry} denied access to ${target.what} for the credentials from ${credentials.source}; check that this account may pull it.`,
		);
	}
}
