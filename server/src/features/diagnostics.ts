/**
 * Push diagnostics: every open or changed document is analysed at once (the analysis takes about a millisecond, so
 * there is no debounce) and published with its version. A result is dropped when a newer version or newer settings
 * arrived while it waited for its settings, so the editor never shows findings of text the user already changed.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { BuildContext } from '../engine/context';
import { lint, type HardenDiagnostic } from '../engine/lint';
import { fsContext } from '../node/fsContext';
import type { Settings } from '../protocol';
import type { DocumentSettings } from '../settings';

/**
 * Larger documents are not analysed while typing (a generated or binary file opened by mistake): the editor stays
 * responsive, and the CLI still checks them.
 */
export const MAX_ANALYSED_LENGTH = 2 * 1024 * 1024;

/** The build context of a document: its directory for `file:` URIs, none for untitled or virtual documents. */
export function buildContextFor(uri: string): BuildContext | undefined {
	if (!uri.startsWith('file:')) {
		return undefined;
	}
	try {
		return fsContext(dirname(fileURLToPath(uri)));
	} catch {
		return undefined;
	}
}

/** The result of one analysis, kept so code actions can check their diagnostics are current. */
export interface AnalysedDocument {
	readonly version: number;
	readonly diagnostics: readonly HardenDiagnostic[];
	/** `dockerfile-utils` syntax diagnostics (empty when language features are off). */
	readonly syntax: readonly Diagnostic[];
}

/** Source of syntax diagnostics; resolves to `undefined` when language features are off. */
export type SyntaxValidator = () => Promise<((text: string) => Diagnostic[]) | undefined>;

/** Analyses documents and publishes their diagnostics. */
export class DiagnosticsPublisher {
	/** Generation per document: a run publishes only if no later run started for its document. */
	private readonly generation = new Map<string, number>();
	private readonly results = new Map<string, AnalysedDocument>();
	/** Documents too large to analyse, so the log says so once per document. */
	private readonly tooLarge = new Set<string>();

	constructor(
		private readonly connection: Connection,
		private readonly documents: TextDocuments<TextDocument>,
		private readonly settings: DocumentSettings,
		private readonly syntaxValidator: SyntaxValidator,
	) {
		this.logger = connectionLog(connection);
	}

	/** Analyses the document's current version and publishes the result unless it is stale by then. */
	validate(document: TextDocument): void {
		this.run(document.uri).catch((error: unknown) => {
			this.logger.error(`Analysing ${document.uri} failed: ${errorText(error)}`);
		});
	}

	/** Re-analyses every open document (settings changed). */
	validateAll(): void {
		for (const document of this.documents.all()) {
			this.validate(document);
		}
	}

	/** Forgets a closed document and clears its diagnostics in the editor. */
	close(uri: string): void {
		this.generation.delete(uri);
		this.results.delete(uri);
		this.connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
	}

	/** The last published analysis of `uri`, if any. */
	analysed(uri: string): AnalysedDocument | undefined {
		return this.results.get(uri);
	}

	/** Lints a text the way published diagnostics are computed (code actions and commands reuse it). */
	lintText(uri: string, text: string, settings: Settings): HardenDiagnostic[] {
		return lint(text, { settings, buildContext: buildContextFor(uri), logger: this.logger }).diagnostics;
	}

	/** The server's log; the engine reports a rule that failed here too. */
	readonly logger: ServerLog;

	private async run(uri: string): Promise<void> {
		const generation = (this.generation.get(uri) ?? 0) + 1;
		this.generation.set(uri, generation);
		const [settings, syntax] = await Promise.all([this.settings.get(uri), this.syntaxValidator()]);
		// Let edits already queued on the connection arrive first: settings are usually cached, so without this
		// yield every keystroke of a burst would be analysed in turn before the next one is even read.
		await new Promise((resolve) => setImmediate(resolve));
		const document = this.documents.get(uri);
		if (!document || this.generation.get(uri) !== generation) {
			return;
		}
		const text = document.getText();
		if (text.length > MAX_ANALYSED_LENGTH) {
			if (!this.tooLarge.has(uri)) {
				this.tooLarge.add(uri);
				this.logger.warn(
					`${uri} is ${Math.round(text.length / 1024)} KB; files over ${MAX_ANALYSED_LENGTH / 1024 / 1024} MB are not analysed.`,
				);
			}
			this.results.set(uri, { version: document.version, diagnostics: [], syntax: [] });
			await this.connection.sendDiagnostics({ uri, version: document.version, diagnostics: [] });
			return;
		}
		this.tooLarge.delete(uri);
		const diagnostics = settings.enable ? this.lintText(uri, text, settings) : [];
		let syntaxDiagnostics: Diagnostic[] = [];
		if (settings.enable && syntax) {
			try {
				syntaxDiagnostics = syntax(text);
			} catch (error) {
				this.logger.error(`Syntax validation of ${uri} failed: ${errorText(error)}`);
			}
		}
		this.results.set(uri, { version: document.version, diagnostics, syntax: syntaxDiagnostics });
		await this.connection.sendDiagnostics({
			uri,
			version: document.version,
			diagnostics: [...diagnostics, ...syntaxDiagnostics],
		});
	}
}

/** The server's log (the client's output channel). */
export interface ServerLog {
	error(message: string): void;
	warn(message: string): void;
	info(message: string): void;
}

/**
 * Logs through `connection.console`, which throws once the connection is closed (a late failure during shutdown);
 * such a message has nowhere to go and is dropped instead.
 */
export function connectionLog(connection: Connection): ServerLog {
	const safe =
		(write: (message: string) => void) =>
		(message: string): void => {
			try {
				write(message);
			} catch {
				// The connection is gone.
			}
		};
	return {
		error: safe((m) => connection.console.error(m)),
		warn: safe((m) => connection.console.warn(m)),
		info: safe((m) => connection.console.log(m)),
	};
}

/** A message for the log, from anything thrown. */
export function errorText(error: unknown): string {
	return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
