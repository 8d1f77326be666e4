/**
 * DH202's network fix: download an `ADD <url>` source once, hashing it as it streams (never kept in memory or on
 * disk), with a size limit and a timeout, so `ADD --checksum=sha256:…` can be written. Same transport as the
 * registry client: proxies, `certs.d` CAs, plain HTTP only for loopback.
 */
import { createHash } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { RegistryError } from './errors';
import { formatBytes, Transport, type ProxySettings } from './transport';

/** Downloads larger than this are refused (BuildKit would download them on every build anyway). */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;
/** A whole download may take this long. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 120_000;

/** Options of {@link checksumOf}. */
export interface ChecksumOptions {
	readonly timeoutMs?: number;
	readonly maxBytes?: number;
	readonly env?: Readonly<Record<string, string | undefined>>;
	readonly proxy?: ProxySettings;
	readonly certsDirs?: readonly string[];
	readonly signal?: AbortSignal;
	readonly lookup?: LookupFunction;
}

/** What a download gave. */
export interface Checksum {
	/** `sha256:…` of the exact bytes. */
	readonly digest: string;
	readonly size: number;
}

/** The URL as shown in messages: host and path, never user info or a query (either may hold a token). */
export function displayUrl(url: URL): string {
	return `${url.host}${url.pathname}`;
}

/** Downloads `url` once and returns the sha256 of its bytes. Rejects with a {@link RegistryError}. */
export async function checksumOf(url: string, options: ChecksumOptions = {}): Promise<Checksum> {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new RegistryError('protocol', '', 'The ADD source is not a URL that can be downloaded.');
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw new RegistryError(
			'protocol',
			parsed.host,
			`Only http:// and https:// sources can be checksummed, not ${parsed.protocol}.`,
		);
	}
	if (parsed.username !== '' || parsed.password !== '') {
		throw new RegistryError(
			'auth',
			parsed.host,
			`The URL for ${parsed.host} has credentials in it, so it was not downloaded; move them into a build secret first.`,
		);
	}
	if (url.includes('$')) {
		throw new RegistryError(
			'protocol',
			parsed.host,
			`The URL for ${parsed.host} still holds a variable, so it was not downloaded.`,
		);
	}
	const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
	const transport = new Transport({
		timeoutMs: options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
		env: options.env ?? process.env,
		proxy: options.proxy,
		certsDirs: options.certsDirs,
		lookup: options.lookup,
	});
	try {
		if (parsed.protocol === 'http:' && !transport.plainHttpAllowed(parsed)) {
			throw new RegistryError(
				'insecure',
				parsed.host,
				`${displayUrl(parsed)} is plain HTTP, and a checksum taken over plain HTTP may be of tampered bytes; use an https:// URL.`,
			);
		}
		const hash = createHash('sha256');
		const response = await transport.send({
			method: 'GET',
			url: parsed,
			maxBytes,
			signal: options.signal,
			keepBody: false,
			onChunk: (chunk) => hash.update(chunk),
		});
		if (response.status !== 200) {
			throw new RegistryError(
				response.status === 404
					? 'notFound'
					: response.status === 429
						? 'rateLimited'
						: response.status >= 500
							? 'server'
							: 'protocol',
				parsed.host,
				`${displayUrl(response.url)} answered HTTP ${response.status}, so no checksum was taken.`,
			);
		}
		return { digest: `sha256:${hash.digest('hex')}`, size: response.size };
	} catch (error) {
		if (error instanceof RegistryError && error.kind === 'tooLarge') {
			throw new RegistryError(
				'tooLarge',
				parsed.host,
				`${displayUrl(parsed)} is larger than ${formatBytes(maxBytes)}, so no checksum was taken.`,
			);
		}
		throw error;
	} finally {
		await transport.close();
	}
}
