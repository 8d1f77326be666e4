/**
 * `.dockerfile-harden.yaml` (and `.hadolint.yaml`) for the language server: loaded per Dockerfile directory, cached
 * until a watched config file changes, laid under the editor's settings. A bad key shows as a diagnostic on the
 * config file itself (file, line, key) and in the log; the other keys still apply.
 */
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import {
	applyConfig,
	EMPTY_CONFIG,
	formatConfigError,
	loadConfig,
	type ConfigError,
	type LoadedConfig,
	type ProjectConfig,
} from '../node/config';
import { DIAGNOSTIC_SOURCE, type Settings } from '../protocol';
import type { ServerLog } from './diagnostics';

/** Files whose change can change findings: config files and the build-context files rules read. */
export const WATCHED_FILES = [
	'**/.dockerfile-harden.yaml',
	'**/.hadolint.{yaml,yml}',
	'**/*requirements*.{txt,in}',
	'**/{.dockerignore,*.dockerignore}',
	'**/{package-lock.json,npm-shrinkwrap.json}',
	'**/*.{pem,key}',
] as const;

/** Whether a changed file is a config file (the cache must be dropped) rather than a build-context file. */
export function isConfigFile(uri: string): boolean {
	return /(?:^|\/)(?:\.dockerfile-harden\.yaml|\.hadolint\.ya?ml)$/.test(uri);
}

/** Config files per directory, and their problems shown where they are. */
export class ProjectConfigs {
	private readonly byDir = new Map<string, LoadedConfig>();
	/** Config files that currently show problems, so they can be cleared. */
	private readonly published = new Set<string>();
	private readonly logged = new Set<string>();

	constructor(
		private readonly connection: Connection,
		private readonly log: ServerLog,
		/** Whether the workspace is trusted: an untrusted one may only set rule levels. */
		private readonly trusted: () => boolean,
	) {}

	/** The editor's settings with the document's config files underneath. */
	apply(uri: string, settings: Settings): Settings {
		return applyConfig(settings, this.forDocument(uri));
	}

	/** What the config files of a document set; nothing for documents that are not files. */
	forDocument(uri: string): ProjectConfig {
		if (!uri.startsWith('file:')) {
			return EMPTY_CONFIG;
		}
		let dir: string;
		try {
			dir = dirname(fileURLToPath(uri));
		} catch {
			return EMPTY_CONFIG;
		}
		let loaded = this.byDir.get(dir);
		if (!loaded) {
			loaded = loadConfig(dir);
			this.byDir.set(dir, loaded);
			this.show(loaded.errors);
		}
		if (this.trusted()) {
			return loaded.config;
		}
		// Regular expressions could be made to hang the server, and registries to leak credentials: in an untrusted
		// workspace (as for the restricted VS Code settings) only rule levels come from the repository.
		return { ...EMPTY_CONFIG, rules: loaded.config.rules };
	}

	/** Forgets every loaded file (a config file changed) and clears the problems shown. */
	invalidate(): void {
		this.byDir.clear();
		this.logged.clear();
		for (const uri of this.published) {
			this.connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
		}
		this.published.clear();
	}

	private show(errors: readonly ConfigError[]): void {
		const byFile = new Map<string, Diagnostic[]>();
		for (const error of errors) {
			const line = formatConfigError(error);
			if (!this.logged.has(line)) {
				this.logged.add(line);
				this.log.error(`Config file problem: ${line}`);
			}
			const start = { line: error.line - 1, character: error.column - 1 };
			const list = byFile.get(error.file) ?? [];
			list.push({
				range: { start, end: { line: start.line, character: start.character + Math.max(1, error.key.length) } },
				severity: DiagnosticSeverity.Error,
				source: DIAGNOSTIC_SOURCE,
				message: `${error.key ? `${error.key} ` : ''}${error.message}. This key is ignored; the rest of the file applies.`,
			});
			byFile.set(error.file, list);
		}
		for (const [file, diagnostics] of byFile) {
			const uri = pathToFileURL(file).toString();
			this.published.add(uri);
			this.connection.sendDiagnostics({ uri, diagnostics }).catch(() => undefined);
		}
	}
}
