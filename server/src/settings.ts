/**
 * Per-document settings, pulled from the client (`workspace/configuration` with the document's URI as scope) and
 * cached as promises so concurrent analyses of one document share one request. Settings are never kept in a global
 * when the client can answer per resource (vscode-eslint's rule): a folder can configure its Dockerfiles differently.
 */
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver/node';
import { connectionLog, type ServerLog } from './features/diagnostics';
import { CONFIGURATION_SECTION, DEFAULT_SETTINGS, normalizeSettings, regexProblem, type Settings } from './protocol';

/** Cache key for the settings without a resource scope (window level). */
const GLOBAL_KEY = '';

/** Where the server gets settings from. */
export class DocumentSettings {
	private readonly cache = new Map<string, Promise<Settings>>();
	private fallback: Settings = DEFAULT_SETTINGS;
	private readonly log: ServerLog;
	/** Invalid secret patterns already reported (each is said once, not on every pull). */
	private readonly reported = new Set<string>();

	/**
	 * @param connection the server's connection
	 * @param canPull whether the client answers `workspace/configuration` (known after `initialize`)
	 */
	constructor(
		private readonly connection: Connection,
		private readonly canPull: () => boolean,
	) {
		this.log = connectionLog(connection);
	}

	/**
	 * Lays something under every document's settings (the project config files): set once by the server.
	 */
	overlay: ((uri: string, settings: Settings) => Settings) | undefined;

	/** The settings of the document at `uri`. Never rejects: a failed request gives the defaults. */
	get(uri: string): Promise<Settings> {
		const overlay = this.overlay;
		return overlay ? this.pull(uri).then((s) => overlay(uri, s)) : this.pull(uri);
	}

	/** The settings without a resource scope, for decisions that are not per document (language features). */
	global(): Promise<Settings> {
		return this.pull(GLOBAL_KEY);
	}

	/**
	 * Forgets every cached value (on `workspace/didChangeConfiguration`). A client that cannot be asked sends the
	 * settings in the notification instead: they become the values for every document.
	 */
	clear(pushed?: unknown): void {
		this.cache.clear();
		if (!this.canPull() && pushed !== undefined) {
			const section =
				typeof pushed === 'object' && pushed !== null
					? (pushed as Record<string, unknown>)[CONFIGURATION_SECTION]
					: undefined;
			this.fallback = this.checked(normalizeSettings(section));
		}
	}

	/** Drops a closed document's entry. */
	delete(uri: string): void {
		this.cache.delete(uri);
	}

	/**
	 * Says once, in the log and as a warning, which secret patterns are not regular expressions: the engine skips
	 * them, and a user who wrote one expects it to work.
	 */
	private checked(settings: Settings): Settings {
		for (const list of ['allowPatterns', 'denyPatterns'] as const) {
			for (const pattern of settings.secrets[list]) {
				const problem = regexProblem(pattern);
				const key = `${list}\0${pattern}`;
				if (problem !== undefined && !this.reported.has(key)) {
					this.reported.add(key);
					const message = `${CONFIGURATION_SECTION}.secrets.${list}: "${pattern}" ${problem}; it is ignored.`;
					this.log.warn(message);
					void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
				}
			}
		}
		return settings;
	}

	private pull(key: string): Promise<Settings> {
		if (!this.canPull()) {
			return Promise.resolve(this.fallback);
		}
		let settings = this.cache.get(key);
		if (!settings) {
			const item =
				key === GLOBAL_KEY ? { section: CONFIGURATION_SECTION } : { scopeUri: key, section: CONFIGURATION_SECTION };
			settings = this.connection.workspace.getConfiguration(item).then(
				(raw: unknown) => this.checked(normalizeSettings(raw)),
				(error: unknown) => {
					this.log.error(`Reading the ${CONFIGURATION_SECTION} settings failed; using the defaults: ${String(error)}`);
					// Ask again next time instead of keeping the defaults until the next configuration change.
					this.cache.delete(key);
					return DEFAULT_SETTINGS;
				},
			);
			this.cache.set(key, settings);
		}
		return settings;
	}
}
