/**
 * Typed registry errors. Each message is one sentence a user can act on, built only from the registry's name, the
 * image, an HTTP status and fixed words: never from a header, a URL query, a response body or a credential, so no
 * secret can reach a log, a diagnostic, a report or a snapshot through an error.
 */

/** What went wrong, for callers that react differently (and for tests). */
export type RegistryErrorKind =
	| 'auth'
	| 'notFound'
	| 'network'
	| 'timeout'
	| 'tls'
	| 'rateLimited'
	| 'server'
	| 'protocol'
	| 'insecure'
	| 'cancelled'
	| 'tooLarge';

/** A failure talking to a registry (or a download server). */
export class RegistryError extends Error {
	override readonly name = 'RegistryError';

	/**
	 * @param kind what went wrong
	 * @param registry the registry host (`registry-1.docker.io`, `127.0.0.1:5000`) or download host
	 * @param message one sentence, with no secret in it
	 * @param retryAfterSeconds for `rateLimited` and `server`: what the registry asked for, when it said
	 */
	constructor(
		readonly kind: RegistryErrorKind,
		readonly registry: string,
		message: string,
		readonly retryAfterSeconds?: number,
	) {
		super(message);
	}
}

/** Whether a value is a {@link RegistryError}. */
export function isRegistryError(value: unknown): value is RegistryError {
	return value instanceof RegistryError;
}

/** `Retry-After` as seconds from now (it may be a number of seconds or an HTTP date); `undefined` when absent or bad. */
export function retryAfterSeconds(header: string | undefined, now: number = Date.now()): number | undefined {
	if (header === undefined || header.trim() === '') {
		return undefined;
	}
	const text = header.trim();
	if (/^\d+$/.test(text)) {
		return Number(text);
	}
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** "try again in 2 minutes" style wording for a number of seconds. */
export function inTime(seconds: number): string {
	if (seconds < 90) {
		return `${seconds} second${seconds === 1 ? '' : 's'}`;
	}
	const minutes = Math.round(seconds / 60);
	if (minutes < 90) {
		return `${minutes} minutes`;
	}
	return `${Math.round(minutes / 60)} hours`;
}

/** The error for an HTTP status that is neither success nor an auth challenge. */
export function statusError(registry: string, what: string, status: number, retryAfter?: string): RegistryError {
	const seconds = retryAfterSeconds(retryAfter);
	const when = seconds !== undefined ? `try again in ${inTime(seconds)}` : 'try again later';
	if (status === 429) {
		return new RegistryError(
			'rateLimited',
			registry,
			`${registry} is limiting the rate of requests (HTTP 429) and did not answer for ${what}; ${when}.`,
			seconds,
		);
	}
	if (status >= 500) {
		return new RegistryError(
			'server',
			registry,
			`${registry} failed with HTTP ${status} while looking up ${what}; ${when}.`,
			seconds,
		);
	}
	if (status === 404) {
		return new RegistryError('notFound', registry, `${registry} has no image ${what}.`);
	}
	if (status === 401 || status === 403) {
		return new RegistryError(
			'auth',
			registry,
			`${registry} denied access to ${what} (HTTP ${status}); log in with \`docker login ${registry}\` or check your permissions.`,
		);
	}
	return new RegistryError('protocol', registry, `${registry} answered HTTP ${status} for ${what}.`);
}
