/**
 * Drives the real language server in process over a pair of in-memory streams (vscode-languageserver-node's own
 * tests do the same). The test side is a typed protocol connection that answers the server's requests
 * (`workspace/configuration`, `workspace/applyEdit`, registrations, `window/showDocument`) and records them.
 * Tests wait on what the server sends, never on fixed sleeps.
 */
// First: the in-process server's dockerfile-utils gets the patches the bundled one has.
import './dockerfileUtils';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
	ApplyWorkspaceEditRequest,
	CodeActionRequest,
	ConfigurationRequest,
	DidChangeConfigurationNotification,
	DidChangeTextDocumentNotification,
	DidCloseTextDocumentNotification,
	DidOpenTextDocumentNotification,
	ExecuteCommandRequest,
	HoverRequest,
	InitializedNotification,
	InitializeRequest,
	LogMessageNotification,
	PublishDiagnosticsNotification,
	RegistrationRequest,
	ShowDocumentRequest,
	ShowMessageNotification,
	ShutdownRequest,
	UnregistrationRequest,
	WorkDoneProgress,
	WorkDoneProgressCreateRequest,
	createProtocolConnection,
	StreamMessageReader,
	StreamMessageWriter,
	type ApplyWorkspaceEditParams,
	type ApplyWorkspaceEditResult,
	type ClientCapabilities,
	type CodeAction,
	type CodeActionContext,
	type Command,
	type ConfigurationParams,
	type Diagnostic,
	type Hover,
	type InitializeResult,
	type LogMessageParams,
	type ProtocolConnection,
	type PublishDiagnosticsParams,
	type Position,
	type Range,
	type Registration,
	type ShowDocumentParams,
	type ShowMessageParams,
	type Unregistration,
	type WorkDoneProgressBegin,
	type WorkDoneProgressEnd,
	type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import { createConnection, type Connection } from 'vscode-languageserver/node';
import { startServer } from '../../server/src/startServer';

/** The repository root (tests run from out/test/...). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The `file:` URI of a path relative to the repository root. */
export function repoUri(relative: string): string {
	return pathToFileURL(path.join(REPO_ROOT, relative)).toString();
}

/** A stream whose writes come out of its read side (vscode-languageserver-node's `TestStream`). */
class TestStream extends Duplex {
	override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
		this.emit('data', chunk);
		done();
	}

	override _read(): void {
		// Data is pushed by _write.
	}
}

/** What VS Code 1.91 announces, for the parts the server looks at. */
export const VSCODE_CAPABILITIES: ClientCapabilities = {
	workspace: {
		applyEdit: true,
		configuration: true,
		didChangeConfiguration: { dynamicRegistration: true },
		workspaceEdit: { documentChanges: true },
		executeCommand: { dynamicRegistration: true },
	},
	textDocument: {
		synchronization: { dynamicRegistration: true },
		publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
		codeAction: {
			dynamicRegistration: true,
			isPreferredSupport: true,
			dataSupport: true,
			codeActionLiteralSupport: {
				codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source', 'source.fixAll'] },
			},
		},
		completion: {
			dynamicRegistration: true,
			completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
		},
		hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
		formatting: { dynamicRegistration: true },
		rangeFormatting: { dynamicRegistration: true },
		documentSymbol: { dynamicRegistration: true },
		foldingRange: { dynamicRegistration: true, lineFoldingOnly: true },
	},
	window: { showDocument: { support: true } },
};

/** A client that supports nothing optional (plain LSP 3.0-style editors). */
export const MINIMAL_CAPABILITIES: ClientCapabilities = {};

/** Options of {@link LspSession.start}. */
export interface SessionOptions {
	readonly capabilities?: ClientCapabilities;
	/** What the client answers for the `dockerfileHarden` section (any JSON, also of the wrong shape). */
	readonly settings?: unknown;
	/** `initializationOptions` (the VS Code client sends workspace trust and its proxy there). */
	readonly initializationOptions?: unknown;
}

/** How long a wait may take before the test fails with a message instead of hanging. */
const WAIT_LIMIT_MS = 10_000;

interface Waiter {
	readonly predicate: (params: PublishDiagnosticsParams) => boolean;
	readonly resolve: (params: PublishDiagnosticsParams) => void;
}

/** A running server and the test's side of the connection. */
export class LspSession {
	/** The answer to every `workspace/configuration` item of our section. Tests change it, then notify. */
	settings: unknown;
	/** What `workspace/applyEdit` answers. */
	applyEditResult: ApplyWorkspaceEditResult = { applied: true };
	/** When set, answers `workspace/applyEdit` instead (a test that plays the editor: changes documents, then answers). */
	applyEditHandler: ((params: ApplyWorkspaceEditParams) => Promise<ApplyWorkspaceEditResult>) | undefined;
	readonly published: PublishDiagnosticsParams[] = [];
	readonly appliedEdits: ApplyWorkspaceEditParams[] = [];
	readonly configurationRequests: ConfigurationParams[] = [];
	readonly registrations: Registration[] = [];
	readonly unregistrations: Unregistration[] = [];
	readonly shownDocuments: ShowDocumentParams[] = [];
	readonly messages: ShowMessageParams[] = [];
	readonly logs: LogMessageParams[] = [];
	/** Tokens of `window/workDoneProgress/create` requests, and every `$/progress` notification. */
	readonly progressTokens: (string | number)[] = [];
	readonly progress: (WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd)[] = [];
	initializeResult!: InitializeResult;

	private readonly waiters: Waiter[] = [];
	private configurationGate: Promise<void> | undefined;

	private constructor(
		readonly client: ProtocolConnection,
		private readonly server: Connection,
		settings: unknown,
	) {
		this.settings = settings;
		client.onNotification(PublishDiagnosticsNotification.type, (params) => {
			this.published.push(params);
			for (const waiter of [...this.waiters]) {
				if (waiter.predicate(params)) {
					this.waiters.splice(this.waiters.indexOf(waiter), 1);
					waiter.resolve(params);
				}
			}
		});
		client.onRequest(ConfigurationRequest.type, async (params) => {
			this.configurationRequests.push(params);
			await this.configurationGate;
			return params.items.map((item) => (item.section === 'dockerfileHarden' ? this.settings : null));
		});
		client.onRequest(ApplyWorkspaceEditRequest.type, (params) => {
			this.appliedEdits.push(params);
			return this.applyEditHandler ? this.applyEditHandler(params) : this.applyEditResult;
		});
		client.onRequest(RegistrationRequest.type, (params) => {
			this.registrations.push(...params.registrations);
		});
		client.onRequest(UnregistrationRequest.type, (params) => {
			this.unregistrations.push(...params.unregisterations);
		});
		client.onRequest(ShowDocumentRequest.type, (params) => {
			this.shownDocuments.push(params);
			return { success: true };
		});
		client.onNotification(ShowMessageNotification.type, (params) => {
			this.messages.push(params);
		});
		client.onNotification(LogMessageNotification.type, (params) => {
			this.logs.push(params);
		});
		client.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
			this.progressTokens.push(params.token);
			client.onProgress(WorkDoneProgress.type, params.token, (value) => {
				this.progress.push(value);
			});
		});
	}

	/** Starts a server, sends `initialize` and `initialized`. */
	static async start(options: SessionOptions = {}): Promise<LspSession> {
		const up = new TestStream();
		const down = new TestStream();
		// Reader/writer rather than raw streams: with raw streams the library exits the process when a stream ends.
		const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
		startServer(server);
		const client = createProtocolConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
		const session = new LspSession(client, server, options.settings ?? {});
		client.listen();
		session.initializeResult = await client.sendRequest(InitializeRequest.type, {
			// null: no parent-process watchdog (it would keep the test process alive).
			processId: null,
			rootUri: pathToFileURL(REPO_ROOT).toString(),
			capabilities: options.capabilities ?? VSCODE_CAPABILITIES,
			...(options.initializationOptions !== undefined ? { initializationOptions: options.initializationOptions } : {}),
		});
		await client.sendNotification(InitializedNotification.type, {});
		return session;
	}

	/** Holds every answer to `workspace/configuration` until the returned function is called. */
	holdConfiguration(): () => void {
		let release!: () => void;
		this.configurationGate = new Promise<void>((resolve) => {
			release = resolve;
		});
		return () => {
			this.configurationGate = undefined;
			release();
		};
	}

	/**
	 * The first diagnostics, from the `from`-th publication on (already received or still to come), that satisfy
	 * `predicate`.
	 */
	diagnostics(predicate: (params: PublishDiagnosticsParams) => boolean, from = 0): Promise<PublishDiagnosticsParams> {
		const found = this.published.slice(from).find(predicate);
		if (found) {
			return Promise.resolve(found);
		}
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters.splice(this.waiters.indexOf(waiter), 1);
				reject(
					new Error(
						`No matching publishDiagnostics within ${WAIT_LIMIT_MS} ms; got ${JSON.stringify(this.published.map((p) => [p.uri, p.version, p.diagnostics.length]))}`,
					),
				);
			}, WAIT_LIMIT_MS);
			const waiter: Waiter = {
				predicate,
				resolve: (params) => {
					clearTimeout(timer);
					resolve(params);
				},
			};
			this.waiters.push(waiter);
		});
	}

	/** The diagnostics published for `uri` at `version`. */
	diagnosticsOf(uri: string, version: number, from = 0): Promise<PublishDiagnosticsParams> {
		return this.diagnostics((p) => p.uri === uri && p.version === version, from);
	}

	/** Opens a document and waits for its first diagnostics. */
	async open(uri: string, text: string, version = 1): Promise<PublishDiagnosticsParams> {
		const from = this.published.length;
		await this.client.sendNotification(DidOpenTextDocumentNotification.type, {
			textDocument: { uri, languageId: 'dockerfile', version, text },
		});
		return this.diagnosticsOf(uri, version, from);
	}

	/** Replaces a document's whole text (does not wait). */
	change(uri: string, version: number, text: string): Promise<void> {
		return this.client.sendNotification(DidChangeTextDocumentNotification.type, {
			textDocument: { uri, version },
			contentChanges: [{ text }],
		});
	}

	/** Closes a document (does not wait). */
	close(uri: string): Promise<void> {
		return this.client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
	}

	/** Replaces the settings and tells the server, as VS Code does (`settings: null`: pull them again). */
	async changeSettings(settings: unknown): Promise<void> {
		this.settings = settings;
		await this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
	}

	/** `textDocument/codeAction`. */
	codeActions(uri: string, range: Range, context: CodeActionContext): Promise<(CodeAction | Command)[]> {
		return this.client
			.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context })
			.then((result) => result ?? []);
	}

	/** `workspace/executeCommand`. */
	execute(command: string, ...args: unknown[]): Promise<unknown> {
		return this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
	}

	/** `textDocument/hover`. */
	hover(uri: string, position: Position): Promise<Hover | null> {
		return this.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
	}

	/**
	 * Waits until the server handled everything sent so far: it handles messages in order, so the answer to a
	 * request sent now comes after all of them.
	 */
	async settle(): Promise<void> {
		await this.execute('dockerfileHarden.server.listRules');
	}

	/** Shuts the server down (without `exit`, which would end the test process) and closes both ends. */
	async dispose(): Promise<void> {
		await this.client.sendRequest(ShutdownRequest.type);
		this.client.dispose();
		this.server.dispose();
	}
}

/** Our diagnostics only (not the language service's). */
export function ours(diagnostics: readonly Diagnostic[]): Diagnostic[] {
	return diagnostics.filter((d) => d.source === 'dockerfile-harden');
}

/** `[code, line]` of each diagnostic, for compact exact assertions. */
export function codesAndLines(diagnostics: readonly Diagnostic[]): [string | number | undefined, number][] {
	return diagnostics.map((d) => [d.code, d.range.start.line]);
}
