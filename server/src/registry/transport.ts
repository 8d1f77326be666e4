/**
 * HTTP for the registry client and the checksum downloader, over undici: proxies (`HTTPS_PROXY`, `HTTP_PROXY`,
 * `NO_PROXY`, or the editor's proxy), extra CA certificates per registry (Docker's `certs.d` layout), a timeout per
 * request, cancellation, a size limit on bodies, and redirects followed by hand so credentials never travel to
 * another host or over plain HTTP. Network failures become {@link RegistryError}s with one-sentence messages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { RegistryError } from './errors';

/** The proxy the editor passes (VS Code's `http.proxy` and `http.noProxy`). */
export interface ProxySettings {
	readonly url?: string;
	readonly noProxy?: readonly string[];
}

/** Options of a {@link Transport}. */
export interface TransportOptions {
	/** Per request: connecting, waiting for headers and reading the body together. */
	readonly timeoutMs: number;
	/** `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` (and lower-case forms), `NODE_EXTRA_CA_CERTS`. */
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly proxy?: ProxySettings;
	/** Directories laid out as Docker's `certs.d`: `<dir>/<host[:port]>/*.crt` are CAs trusted for that host. */
	readonly certsDirs?: readonly string[];
	/** Hosts (`host[:port]`) that may be reached over plain HTTP besides loopback. */
	readonly insecureHosts?: readonly string[];
	/** Name resolution (tests point a made-up host name at loopback). */
	readonly lookup?: LookupFunction;
}

/** One request. */
export interface SendRequest {
	readonly method: 'GET' | 'HEAD' | 'POST';
	readonly url: URL;
	readonly headers?: Readonly<Record<string, string>>;
	readonly body?: string;
	/** Bodies larger than this fail with `tooLarge` instead of being read into memory. */
	readonly maxBytes: number;
	readonly signal?: AbortSignal;
	/** Called with each chunk as it arrives (the downloader hashes as it reads, without keeping the bytes). */
	readonly onChunk?: (chunk: Buffer) => void;
	/** Keep the body (`false` when `onChunk` consumes it). */
	readonly keepBody?: boolean;
}

/** A response, its body read completely. */
export interface SendResponse {
	readonly status: number;
	/** A header's value (names are case-insensitive); several values are joined with `, `. */
	header(name: string): string | undefined;
	readonly body: Buffer;
	/** The URL that answered (after redirects). */
	readonly url: URL;
	/** Bytes read, also when the body was not kept. */
	readonly size: number;
}

const MAX_REDIRECTS = 5;

/** Whether a host name is loopback: `localhost`, 127.0.0.0/8 or `::1`. Names, not lookups: DNS is not trusted here. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost')) {
		return true;
	}
	if (isIP(host) === 4) {
		return host.startsWith('127.');
	}
	return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** `host` with the port the scheme implies when none is written, for comparing origins. */
function hostWithPort(url: URL): string {
	return url.port ? url.host : `${url.host}:${url.protocol === 'https:' ? 443 : 80}`;
}

/** Whether `NO_PROXY` entries exempt a URL (Go's `httpproxy` rules: `*`, domains and subdomains, host:port, CIDR). */
export function noProxyMatches(url: URL, entries: readonly string[]): boolean {
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const port = url.port || (url.protocol === 'https:' ? '443' : '80');
	for (const raw of entries) {
		const entry = raw.trim().toLowerCase();
		if (entry === '') {
			continue;
		}
		if (entry === '*') {
			return true;
		}
		const cidr = /^([0-9a-f.:]+)\/(\d{1,3})$/.exec(entry);
		if (cidr) {
			const family = isIP(cidr[1]);
			if (family !== 0 && isIP(host) === family) {
				const list = new BlockList();
				try {
					list.addSubnet(cidr[1], Number(cidr[2]), family === 4 ? 'ipv4' : 'ipv6');
					if (list.check(host, family === 4 ? 'ipv4' : 'ipv6')) {
						return true;
					}
				} catch {
					// A prefix out of range: not a match.
				}
			}
			continue;
		}
		const portMatch = /^(.*):(\d+)$/.exec(entry);
		const name = (portMatch && !entry.includes('::') ? portMatch[1] : entry).replace(/^\[|\]$/g, '');
		if (portMatch && !entry.includes('::') && portMatch[2] !== port) {
			continue;
		}
		const bare = name.replace(/^\*?\./, '');
		if (host === bare || host.endsWith(`.${bare}`)) {
			return true;
		}
	}
	return false;
}

function envValue(env: Readonly<Record<string, string | undefined>>, ...names: string[]): string | undefined {
	for (const name of names) {
		const value = env[name];
		if (value !== undefined && value.trim() !== '') {
			return value.trim();
		}
	}
	return undefined;
}

/** Error codes of a failed certificate check. */
const CERT_CODES = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'CERT_HAS_EXPIRED',
	'CERT_NOT_YET_VALID',
	'CERT_UNTRUSTED',
	'CERT_REVOKED',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'HOSTNAME_MISMATCH',
]);

function errorCode(error: unknown): string | undefined {
	for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') {
			return code;
		}
		e = (e as { cause?: unknown }).cause;
	}
	return (error as { code?: unknown } | undefined)?.code as string | undefined;
}

function errorMessage(error: unknown): string {
	const parts: string[] = [];
	for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
		if (e instanceof Error) {
			parts.push(e.message);
		}
		e = (e as { cause?: unknown }).cause;
	}
	return parts.join(' ');
}

/** Turns a failure of undici into a one-sentence {@link RegistryError} (never quoting its message, which may hold a URL). */
export function networkError(error: unknown, host: string, viaProxy: boolean): RegistryError {
	const code = errorCode(error);
	const message = errorMessage(error);
	if (code && CERT_CODES.has(code)) {
		const why =
			code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH'
				? 'is for another host name'
				: 'is not trusted';
		return new RegistryError(
			'tls',
			host,
			`The TLS certificate of ${host} ${why} (${code}); put its CA certificate in /etc/docker/certs.d/${host}/ca.crt or NODE_EXTRA_CA_CERTS.`,
		);
	}
	if (
		code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
		code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
		/wrong version number/i.test(message)
	) {
		return new RegistryError('insecure', host, `${host} does not speak HTTPS.`);
	}
	if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
		return new RegistryError('timeout', host, `${host} did not answer in time.`);
	}
	if (/Proxy response \((\d+)\)/.test(message)) {
		const status = /Proxy response \((\d+)\)/.exec(message)![1];
		return new RegistryError(
			'network',
			host,
			`The proxy refused the connection to ${host} (HTTP ${status}); check the proxy settings.`,
		);
	}
	const proxyNote = viaProxy ? ' through the proxy' : '';
	switch (code) {
		case 'ECONNREFUSED':
			return new RegistryError(
				'network',
				host,
				`Could not connect to ${host}${proxyNote}: the connection was refused.`,
			);
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
		case 'EAI_FAIL':
		case 'EAI_NONAME':
			return new RegistryError(
				'network',
				host,
				`Could not find ${host}${viaProxy ? ' or the proxy' : ''} (DNS lookup failed); check the network connection.`,
			);
		case 'ENETUNREACH':
		case 'EHOSTUNREACH':
		case 'ENETDOWN':
			return new RegistryError(
				'network',
				host,
				`Could not reach ${host}${proxyNote}: the network is unreachable (offline?).`,
			);
		case 'ECONNRESET':
		case 'EPIPE':
		case 'UND_ERR_CLOSED':
			return new RegistryError('network', host, `${host} closed the connection${proxyNote} before answering.`);
		case 'ETIMEDOUT':
			return new RegistryError('timeout', host, `${host} did not answer in time.`);
		default:
			return new RegistryError(
				'network',
				host,
				`Could not talk to ${host}${proxyNote} (${code ?? 'network error'}); check the network connection.`,
			);
	}
}

/** Sends requests. One per client; {@link close} releases its connections. */
export class Transport {
	private readonly dispatchers = new Map<string, Dispatcher>();
	private readonly insecure: ReadonlySet<string>;

	constructor(private readonly options: TransportOptions) {
		this.insecure = new Set((options.insecureHosts ?? []).map((h) => h.trim().toLowerCase()).filter((h) => h !== ''));
	}

	/** Whether plain HTTP may be used for `url`'s host: loopback, or listed as insecure by the user. */
	plainHttpAllowed(url: URL): boolean {
		return (
			isLoopbackHost(url.hostname) ||
			this.insecure.has(url.host.toLowerCase()) ||
			this.insecure.has(url.hostname.toLowerCase())
		);
	}

	/** The proxy URL for a request, or `undefined` to connect directly. Loopback never goes through a proxy. */
	proxyFor(url: URL): string | undefined {
		if (isLoopbackHost(url.hostname)) {
			return undefined;
		}
		const env = this.options.env;
		const noProxy = [
			...(envValue(env, 'NO_PROXY', 'no_proxy') ?? '').split(/[,\s]+/),
			...(this.options.proxy?.noProxy ?? []),
		];
		if (noProxyMatches(url, noProxy)) {
			return undefined;
		}
		const proxy =
			this.options.proxy?.url ??
			(url.protocol === 'https:'
				? envValue(env, 'HTTPS_PROXY', 'https_proxy')
				: envValue(env, 'HTTP_PROXY', 'http_proxy'));
		if (proxy === undefined) {
			return undefined;
		}
		// Go (and so Docker) reads `proxy:3128` as `http://proxy:3128`.
		return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
	}

	/** CA certificates for a host from the `certs.d` directories, or `undefined` to use Node's defaults. */
	private extraCas(host: string): string[] | undefined {
		const cas: string[] = [];
		for (const dir of this.options.certsDirs ?? []) {
			const hostDir = join(dir, host);
			let names: string[];
			try {
				names = readdirSync(hostDir);
			} catch {
				continue;
			}
			for (const name of names.filter((n) => n.endsWith('.crt')).sort()) {
				try {
					cas.push(readFileSync(join(hostDir, name), 'utf8'));
				} catch {
					// Unreadable: as if absent.
				}
			}
		}
		if (cas.length === 0) {
			return undefined;
		}
		// Giving `ca` replaces Node's trust store, so keep the public roots and NODE_EXTRA_CA_CERTS beside the host's CAs.
		const extra = envValue(this.options.env, 'NODE_EXTRA_CA_CERTS');
		let extraText: string[] = [];
		if (extra) {
			try {
				extraText = [readFileSync(extra, 'utf8')];
			} catch {
				extraText = [];
			}
		}
		return [...rootCertificates, ...extraText, ...cas];
	}

	private dispatcherFor(url: URL, proxy: string | undefined): Dispatcher {
		const ca = url.protocol === 'https:' ? this.extraCas(url.host) : undefined;
		const key = `${proxy ?? ''}\u0000${ca ? url.host : ''}`;
		let dispatcher = this.dispatchers.get(key);
		if (!dispatcher) {
			// undici's own timeouts are only a backstop: the request's AbortSignal (timeoutMs) fires first and says so.
			const timeout = this.options.timeoutMs + 1000;
			const connect = {
				timeout,
				...(ca ? { ca } : {}),
				...(this.options.lookup ? { lookup: this.options.lookup } : {}),
			};
			dispatcher = proxy
				? new ProxyAgent({
						uri: proxy,
						connect: { timeout },
						...(ca ? { requestTls: { ca } } : {}),
						headersTimeout: timeout,
						bodyTimeout: timeout,
					})
				: new Agent({ connect, headersTimeout: timeout, bodyTimeout: timeout });
			this.dispatchers.set(key, dispatcher);
		}
		return dispatcher;
	}

	/**
	 * Sends a request and reads the whole body, following redirects: at most {@link MAX_REDIRECTS}, never from HTTPS
	 * to plain HTTP (except loopback), and without `Authorization` once the origin changes.
	 */
	async send(req: SendRequest): Promise<SendResponse> {
		let url = req.url;
		let method = req.method;
		let body = req.body;
		const headers: Record<string, string> = { ...req.headers };
		for (let hop = 0; ; hop++) {
			const response = await this.once(url, method, headers, body, req);
			const location = response.header('location');
			if (![301, 302, 303, 307, 308].includes(response.status) || location === undefined) {
				return response;
			}
			if (hop >= MAX_REDIRECTS) {
				throw new RegistryError('protocol', url.host, `${url.host} redirected too many times.`);
			}
			let next: URL;
			try {
				next = new URL(location, url);
			} catch {
				throw new RegistryError('protocol', url.host, `${url.host} redirected to an address that is not a URL.`);
			}
			if (next.protocol !== 'https:' && next.protocol !== 'http:') {
				throw new RegistryError('protocol', url.host, `${url.host} redirected to an address that is not HTTP.`);
			}
			if (next.protocol === 'http:' && url.protocol === 'https:' && !this.plainHttpAllowed(next)) {
				throw new RegistryError(
					'protocol',
					url.host,
					`${url.host} redirected to plain HTTP at ${next.host}, which was not followed.`,
				);
			}
			if (hostWithPort(next) !== hostWithPort(url) || next.protocol !== url.protocol) {
				if (body !== undefined && (response.status === 307 || response.status === 308)) {
					// The body (a refresh token) would be sent again, to an origin it was not meant for.
					throw new RegistryError(
						'protocol',
						url.host,
						`${url.host} redirected a token request to another host, which was not followed.`,
					);
				}
				// Credentials belong to the origin they were meant for (as in Go's net/http and docker).
				for (const name of Object.keys(headers)) {
					if (name.toLowerCase() === 'authorization' || name.toLowerCase() === 'cookie') {
						delete headers[name];
					}
				}
			}
			if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
				method = 'GET';
				body = undefined;
				delete headers['content-type'];
			}
			url = next;
		}
	}

	private async once(
		url: URL,
		method: SendRequest['method'],
		headers: Record<string, string>,
		body: string | undefined,
		req: SendRequest,
	): Promise<SendResponse> {
		if (url.protocol === 'http:' && !this.plainHttpAllowed(url)) {
			throw new RegistryError(
				'insecure',
				url.host,
				`${url.host} would be reached over plain HTTP, which is allowed only for loopback and the insecure registries you list.`,
			);
		}
		const proxy = this.proxyFor(url);
		let dispatcher: Dispatcher;
		try {
			dispatcher = this.dispatcherFor(url, proxy);
		} catch {
			throw new RegistryError(
				'network',
				url.host,
				'The proxy setting is not a valid URL; check http.proxy or HTTPS_PROXY.',
			);
		}
		const timeout = AbortSignal.timeout(this.options.timeoutMs);
		const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
		const aborted = (): RegistryError | undefined => {
			if (req.signal?.aborted) {
				return new RegistryError('cancelled', url.host, 'Cancelled.');
			}
			if (timeout.aborted) {
				return new RegistryError(
					'timeout',
					url.host,
					`${url.host} did not answer within ${formatSeconds(this.options.timeoutMs)}.`,
				);
			}
			return undefined;
		};
		try {
			const response = await request(url, {
				method,
				headers,
				body,
				dispatcher,
				signal,
				maxRedirections: 0,
			});
			const chunks: Buffer[] = [];
			let size = 0;
			for await (const chunk of response.body) {
				const buffer = chunk as Buffer;
				size += buffer.length;
				if (size > req.maxBytes) {
					response.body.destroy();
					throw new RegistryError(
						'tooLarge',
						url.host,
						`${url.host} sent more than ${formatBytes(req.maxBytes)}, so the answer was not read.`,
					);
				}
				req.onChunk?.(buffer);
				if (req.keepBody !== false) {
					chunks.push(buffer);
				}
			}
			const raw = response.headers;
			return {
				status: response.statusCode,
				header: (name) => {
					const value = raw[name.toLowerCase()];
					return Array.isArray(value) ? value.join(', ') : value;
				},
				body: Buffer.concat(chunks),
				url,
				size,
			};
		} catch (error) {
			if (error instanceof RegistryError) {
				throw error;
			}
			throw aborted() ?? networkError(error, url.host, proxy !== undefined);
		}
	}

	/** Closes every connection. */
	async close(): Promise<void> {
		const all = [...this.dispatchers.values()];
		this.dispatchers.clear();
		await Promise.all(all.map((d) => d.close().catch(() => undefined)));
	}
}

/** `10 s`, `500 ms`. */
export function formatSeconds(ms: number): string {
	return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** `100 MB`, `4 MB`. */
export function formatBytes(bytes: number): string {
	return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}
