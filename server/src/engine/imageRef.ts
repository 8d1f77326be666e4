/**
 * Image references (`[registry/]path[:tag][@digest]`), parsed and normalised the way Docker does
 * (github.com/distribution/reference `ParseNormalizedNamed`).
 */

/** A parsed image reference. */
export interface ImageRef {
	/** The reference as written (after variable expansion). */
	readonly raw: string;
	/** Registry host[:port] as written, or `undefined` for Docker Hub shorthand. */
	readonly registry: string | undefined;
	/** Repository path as written (`python`, `library/python`, `org/app`). */
	readonly path: string;
	readonly tag: string | undefined;
	/** Everything after `@`, as written (may be malformed). */
	readonly digest: string | undefined;
}

/** Docker Hub's canonical registry name in references. */
export const DOCKER_HUB = 'docker.io';

/** The host that serves Docker Hub's registry API (`docker.io` is only a name in references). */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/** The key Docker keeps Docker Hub credentials under, in `config.json` and in credential helpers. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** Hosts that mean Docker Hub. */
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
/** The digests Docker accepts for pinning: sha256 (64 hex) or sha512 (128 hex). */
const VALID_DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/**
 * Parses a reference. Returns `undefined` when it is not a syntactically valid reference (for example when it still
 * holds an unresolved variable). A malformed digest is kept so a rule can say so; see {@link isValidDigest}.
 */
export function parseImageRef(raw: string): ImageRef | undefined {
	const text = raw.trim();
	if (text === '' || /\s|\$/.test(text)) {
		return undefined;
	}
	let rest = text;
	let digest: string | undefined;
	const at = rest.indexOf('@');
	if (at >= 0) {
		digest = rest.slice(at + 1);
		rest = rest.slice(0, at);
		if (digest === '') {
			return undefined;
		}
	}
	let tag: string | undefined;
	const slash = rest.lastIndexOf('/');
	const colon = rest.lastIndexOf(':');
	if (colon > slash) {
		tag = rest.slice(colon + 1);
		rest = rest.slice(0, colon);
		if (!TAG.test(tag)) {
			return undefined;
		}
	}
	let registry: string | undefined;
	const firstSlash = rest.indexOf('/');
	if (firstSlash >= 0) {
		const first = rest.slice(0, firstSlash);
		if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
			registry = first;
			rest = rest.slice(firstSlash + 1);
		}
	}
	if (rest === '' || !rest.split('/').every((c) => PATH_COMPONENT.test(c))) {
		return undefined;
	}
	return { raw: text, registry, path: rest, tag, digest };
}

/** Whether a digest is one Docker can pin to (`sha256:` + 64 lower-case hex, or sha512). */
export function isValidDigest(digest: string): boolean {
	return VALID_DIGEST.test(digest);
}

/** Whether a digest is at least syntactically a digest (algorithm:encoded). */
export function looksLikeDigest(digest: string): boolean {
	return DIGEST.test(digest);
}

/** The registry a reference is pulled from, normalised (`docker.io` for Hub). */
export function registryOf(ref: ImageRef): string {
	if (!ref.registry || HUB_ALIASES.has(ref.registry.toLowerCase())) {
		return DOCKER_HUB;
	}
	return ref.registry.toLowerCase();
}

/** The repository path, normalised (`python` → `library/python` on Docker Hub). */
export function repositoryOf(ref: ImageRef): string {
	if (registryOf(ref) === DOCKER_HUB && !ref.path.includes('/')) {
		return `library/${ref.path}`;
	}
	return ref.path;
}

/** `docker.io/library/python:3.11-slim` — the fully qualified name Docker would show. */
export function familiarName(ref: ImageRef): string {
	const name = `${registryOf(ref)}/${repositoryOf(ref)}`;
	return name + (ref.tag ? `:${ref.tag}` : '') + (ref.digest ? `@${ref.digest}` : '');
}

/** The tag a reference resolves: the written one, or `latest` when there is none (as `docker pull` does). */
export function tagOf(ref: ImageRef): string {
	return ref.tag ?? 'latest';
}

/** The host[:port] to send registry API requests to (`registry-1.docker.io` for Docker Hub). */
export function apiHostOf(ref: ImageRef): string {
	const registry = registryOf(ref);
	return registry === DOCKER_HUB ? DOCKER_HUB_API_HOST : registry;
}

/**
 * Normalises a registry as users write it in settings and `config.json` keys (`https://index.docker.io/v1/`,
 * `http://localhost:5000`, `Registry.Example.com/`) to what {@link registryOf} returns (`docker.io`,
 * `localhost:5000`, `registry.example.com`), as docker/cli's `ConvertToHostname` does.
 */
export function normaliseRegistry(text: string): string {
	let host = text.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
	const slash = host.indexOf('/');
	if (slash >= 0) {
		host = host.slice(0, slash);
	}
	host = host.toLowerCase();
	return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}
