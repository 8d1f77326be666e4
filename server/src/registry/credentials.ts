/**
 * Registry credentials the way the Docker CLI finds them (docker/cli `configfile`, `credentials/native_store.go`):
 * `DOCKER_AUTH_CONFIG` first, then `credHelpers[registry]`, then `credsStore`, then `auths` in
 * `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`). Credential helpers run as
 * `docker-credential-<name> get` through `execFile` — never a shell — with a timeout, the server URL on stdin.
 * Nothing here logs or returns a secret in a message.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER_HUB, DOCKER_HUB_AUTH_KEY, normaliseRegistry } from '../engine/imageRef';

/** Credentials for one registry. */
export interface Credentials {
	readonly username?: string;
	/** A password or personal access token, sent only as Basic auth to the registry or its HTTPS token service. */
	readonly password?: string;
	/** An OAuth2 refresh token (`identitytoken`, or a helper's `<token>` user), exchanged at the token service. */
	readonly identityToken?: string;
	/** A bearer token to send to the registry as it is (`registrytoken`). */
	readonly registryToken?: string;
	/** Where they came from, for messages: a file path, `DOCKER_AUTH_CONFIG` or `docker-credential-<name>`. */
	readonly source: string;
}

/** The outcome of a lookup: credentials, or none (anonymous) with the reason a source could not be used. */
export interface CredentialLookup {
	readonly credentials?: Credentials;
	/**
	 * What went wrong with a source, as a clause to fold into a sentence (a helper that is missing or timed out, a
	 * config that is not JSON); no trailing full stop.
	 */
	readonly problem?: string;
}

/** Something that finds credentials for a registry (`docker.io`, `host:port`). */
export interface CredentialSource {
	lookup(registry: string): Promise<CredentialLookup>;
}

/** Options of {@link DockerCredentials}. */
export interface DockerCredentialsOptions {
	/** The environment: `DOCKER_CONFIG`, `DOCKER_AUTH_CONFIG`, and `PATH` for the helpers. */
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Where `.docker/config.json` is when `DOCKER_CONFIG` is not set. */
	readonly homeDir: string;
	/** How long a credential helper may take. */
	readonly helperTimeoutMs?: number;
}

/** The part of a config file's `auths` entry we read. */
interface AuthEntry {
	readonly auth?: unknown;
	readonly username?: unknown;
	readonly password?: unknown;
	readonly identitytoken?: unknown;
	readonly registrytoken?: unknown;
}

/** The part of `config.json` we read. */
interface ConfigFile {
	readonly auths?: Readonly<Record<string, AuthEntry>>;
	readonly credsStore?: unknown;
	readonly credHelpers?: Readonly<Record<string, unknown>>;
}

/** A helper suffix as Docker allows it; anything else (a path, an option) is refused rather than executed. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Docker's `tokenUsername`: a helper answering this user name returned an identity token, not a password. */
const TOKEN_USERNAME = '<token>';

const DEFAULT_HELPER_TIMEOUT_MS = 15_000;

/** How long a helper's answer is reused: helpers may prompt (a keychain) and are slow to start. */
const HELPER_CACHE_MS = 5 * 60_000;

function record(value: unknown): Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The directory of `config.json`: `$DOCKER_CONFIG`, else `~/.docker`. */
export function dockerConfigDir(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
	return text(env.DOCKER_CONFIG) ?? join(homeDir, '.docker');
}

/** The key a registry's credentials are stored under (Docker Hub's is `https://index.docker.io/v1/`). */
export function credentialKey(registry: string): string {
	return normaliseRegistry(registry) === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : normaliseRegistry(registry);
}

/** The value of `map` whose key normalises to `registry` (exact key first, as docker/cli does). */
function entryFor<T>(map: Readonly<Record<string, T>> | undefined, registry: string): T | undefined {
	if (!map) {
		return undefined;
	}
	const key = credentialKey(registry);
	if (Object.prototype.hasOwnProperty.call(map, key)) {
		return map[key];
	}
	const wanted = normaliseRegistry(registry);
	for (const [k, v] of Object.entries(map)) {
		if (normaliseRegistry(k) === wanted) {
			return v;
		}
	}
	return undefined;
}

/** Credentials from an `auths` entry; `undefined` when it holds none (an empty `{}` next to a credsStore). */
export function credentialsFromEntry(entry: AuthEntry | undefined, source: string): Credentials | undefined {
	if (!entry) {
		return undefined;
	}
	let username = text(entry.username);
	let password = text(entry.password);
	const auth = text(entry.auth);
	if (auth) {
		const decoded = Buffer.from(auth, 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon > 0) {
			username = decoded.slice(0, colon);
			password = decoded.slice(colon + 1);
		}
	}
	const identityToken = text(entry.identitytoken);
	const registryToken = text(entry.registrytoken);
	if (!password && !identityToken && !registryToken) {
		return undefined;
	}
	return {
		source,
		...(username ? { username } : {}),
		...(password ? { password } : {}),
		...(identityToken ? { identityToken } : {}),
		...(registryToken ? { registryToken } : {}),
	};
}

function parseJson(raw: string): unknown {
	try {
		return JSON.parse(raw) as unknown;
	} catch {
		return undefined;
	}
}

/** The credential source the Docker CLI would use. */
export class DockerCredentials implements CredentialSource {
	private readonly helperCache = new Map<string, { at: number; result: Promise<CredentialLookup> }>();

	constructor(private readonly options: DockerCredentialsOptions) {}

	/** The path of `config.json`. */
	get configPath(): string {
		return join(dockerConfigDir(this.options.env, this.options.homeDir), 'config.json');
	}

	/** Finds the credentials for a registry (`docker.io`, `host:port`). Never rejects. */
	async lookup(registry: string): Promise<CredentialLookup> {
		const problems: string[] = [];
		const fromEnv = this.fromAuthConfigEnv(registry, problems);
		if (fromEnv) {
			return { credentials: fromEnv };
		}
		const config = this.readConfig(problems);
		const helper = text(entryFor(config?.credHelpers, registry)) ?? text(config?.credsStore);
		if (helper) {
			const result = await this.fromHelper(helper, registry);
			if (result.credentials) {
				return result;
			}
			if (result.problem) {
				problems.push(result.problem);
			}
		}
		const fromFile = credentialsFromEntry(entryFor(config?.auths, registry), this.configPath);
		if (fromFile) {
			return { credentials: fromFile };
		}
		return problems.length > 0 ? { problem: problems.join('; ') } : {};
	}

	private fromAuthConfigEnv(registry: string, problems: string[]): Credentials | undefined {
		const raw = text(this.options.env.DOCKER_AUTH_CONFIG);
		if (!raw) {
			return undefined;
		}
		const parsed = parseJson(raw);
		if (parsed === undefined) {
			problems.push('DOCKER_AUTH_CONFIG is not valid JSON');
			return undefined;
		}
		const auths = record(record(parsed).auths) as Record<string, AuthEntry>;
		return credentialsFromEntry(entryFor(auths, registry), 'DOCKER_AUTH_CONFIG');
	}

	private readConfig(problems: string[]): ConfigFile | undefined {
		let raw: string;
		try {
			raw = readFileSync(this.configPath, 'utf8');
		} catch {
			// No config file: anonymous, as for Docker.
			return undefined;
		}
		const parsed = parseJson(raw);
		if (parsed === undefined) {
			problems.push(`${this.configPath} is not valid JSON`);
			return undefined;
		}
		const r = record(parsed);
		return {
			auths: record(r.auths) as Record<string, AuthEntry>,
			credsStore: r.credsStore,
			credHelpers: record(r.credHelpers),
		};
	}

	private fromHelper(name: string, registry: string): Promise<CredentialLookup> {
		const key = `${name}\u0000${credentialKey(registry)}`;
		const cached = this.helperCache.get(key);
		if (cached && Date.now() - cached.at < HELPER_CACHE_MS) {
			return cached.result;
		}
		const result = this.runHelper(name, registry);
		this.helperCache.set(key, { at: Date.now(), result });
		return result;
	}

	private runHelper(name: string, registry: string): Promise<CredentialLookup> {
		const program = `docker-credential-${name}`;
		if (!HELPER_NAME.test(name)) {
			return Promise.resolve({ problem: `the credential helper name "${name}" is not valid, so it was not run` });
		}
		const timeout = this.options.helperTimeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
		return new Promise((resolve) => {
			const child = execFile(
				program,
				['get'],
				{
					env: { ...this.options.env } as NodeJS.ProcessEnv,
					timeout,
					maxBuffer: 1024 * 1024,
					windowsHide: true,
					encoding: 'utf8',
				},
				(error, stdout) => {
					if (error) {
						const code = (error as NodeJS.ErrnoException).code;
						if (code === 'ENOENT') {
							resolve({ problem: `the credential helper ${program} is not installed or not on PATH` });
						} else if (error.killed || (error as { signal?: unknown }).signal === 'SIGTERM') {
							resolve({ problem: `the credential helper ${program} did not answer within ${timeout / 1000} s` });
						} else if (/credentials not found/i.test(stdout)) {
							// The helper's documented answer for "no credentials": anonymous.
							resolve({});
						} else {
							resolve({ problem: `the credential helper ${program} failed (exit code ${String(code)})` });
						}
						return;
					}
					const answer = record(parseJson(stdout));
					const username = text(answer.Username);
					const secret = text(answer.Secret);
					if (!secret) {
						resolve({});
						return;
					}
					resolve({
						credentials:
							username === TOKEN_USERNAME
								? { source: program, identityToken: secret }
								: { source: program, ...(username ? { username } : {}), password: secret },
					});
				},
			);
			child.stdin?.on('error', () => {
				// A helper that exits without reading stdin: its exit status tells what happened.
			});
			child.stdin?.end(credentialKey(registry));
		});
	}
}
