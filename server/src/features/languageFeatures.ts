/**
 * Completion, hover, formatting, symbols, folding and syntax diagnostics from `dockerfile-language-service`, under
 * `dockerfileHarden.languageFeatures`. The server cannot see which VS Code extensions are installed, so here `auto`
 * means on; the VS Code client rewrites `auto` to `off` when Docker DX, Container Tools or the Docker extension is
 * present. When the client supports dynamic registration the features are registered only while on, so turning
 * them off needs no restart and VS Code never asks "which formatter?" because of us. Hover is the exception: it is
 * always declared because it also carries our stale-pin check, which no other extension shows; only its
 * language-service part follows the setting.
 */
import { parseableText, parseDockerfile } from '../engine/ast';
import {
	CommandIds,
	DockerfileLanguageServiceFactory,
	type DockerfileLanguageService,
} from 'dockerfile-language-service';
import {
	BulkRegistration,
	Command,
	CompletionRequest,
	DocumentFormattingRequest,
	DocumentRangeFormattingRequest,
	DocumentSymbolRequest,
	FoldingRangeRequest,
	type BulkUnregistration,
	type ClientCapabilities,
	type Connection,
	type Diagnostic,
	type Hover,
	type HoverParams,
	type CancellationToken,
	type MarkupContent,
	type Position,
	type Range,
	type ServerCapabilities,
	type TextDocuments,
	type TextEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ServerCommands } from '../protocol';
import type { DocumentSettings } from '../settings';
import { connectionLog, errorText, type ServerLog } from './diagnostics';

/** The `source` of the language service's syntax diagnostics. */
export const SYNTAX_SOURCE = 'dockerfile-utils';

/**
 * The language service's quick-fix commands under our server prefix, so they never collide with a client command
 * (or with the same commands registered by another Dockerfile extension).
 */
export const languageServiceCommands: readonly string[] = Object.values(CommandIds).map((id) => serverCommandOf(id));

function serverCommandOf(languageServiceCommand: string): string {
	return `${ServerCommands.languageService}.${languageServiceCommand}`;
}

const DOCUMENT_SELECTOR = [
	{ scheme: 'file', language: 'dockerfile' },
	{ scheme: 'untitled', language: 'dockerfile' },
];

/** Characters after which the language service has proposals (rcjsuen's server uses the same). */
const TRIGGER_CHARACTERS = ['=', ' ', '$', '-'];

/** Whether `position` is in the tag of a `FROM` image, where the language service would ask Docker Hub for tags. */
function inImageTag(text: string, position: Position): boolean {
	for (const from of parseDockerfile(text).getFROMs()) {
		const range = from.getImageTagRange();
		if (
			range &&
			(position.line > range.start.line ||
				(position.line === range.start.line && position.character >= range.start.character)) &&
			(position.line < range.end.line ||
				(position.line === range.end.line && position.character <= range.end.character))
		) {
			return true;
		}
	}
	return false;
}

/** The Diagnostic type of the language service's own (older) vscode-languageserver-types. */
type ServiceDiagnostic = Parameters<DockerfileLanguageService['computeCodeActions']>[2]['diagnostics'][number];

/** LSP 3.18 allows markup messages; the language service knows only strings. */
function messageText(diagnostic: Diagnostic): string {
	return typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value;
}

/** Our part of a hover (the stale-pin check). */
export type HoverProvider = (params: HoverParams, token: CancellationToken) => Promise<Hover | null>;

/** Hover contents as markdown text. */
function hoverText(hover: Hover): string {
	const contents = hover.contents;
	const one = (c: unknown): string =>
		typeof c === 'string'
			? c
			: typeof c === 'object' && c !== null && 'value' in c
				? String((c as MarkupContent).value)
				: '';
	return Array.isArray(contents) ? contents.map(one).join('\n\n') : one(contents);
}

/** The language service's hover and ours as one (either may be absent). */
export function mergeHovers(service: Hover | null | undefined, ours: Hover | null): Hover | null {
	if (!service) {
		return ours;
	}
	if (!ours) {
		return service;
	}
	return {
		contents: { kind: 'markdown', value: `${hoverText(service)}\n\n---\n\n${hoverText(ours)}` },
		range: ours.range,
	};
}

/** A quick fix of the language service for one of its syntax diagnostics. */
export interface LanguageServiceFix {
	readonly title: string;
	readonly edits: TextEdit[];
	/** The diagnostic it fixes, when it can be told from the command's arguments. */
	readonly diagnostic: Diagnostic | undefined;
	/** The same fix as a server command (arguments: uri, range). */
	readonly command: Command;
}

/** The language features and their on/off state. */
export class LanguageFeatures {
	private readonly service: DockerfileLanguageService = DockerfileLanguageServiceFactory.createLanguageService();
	private dynamic = false;
	/** Last known state, for request handlers (which must not wait for a settings round trip). */
	private on = false;
	/** The state as of the latest refresh (pending while its setting is read). */
	private state: Promise<boolean> = Promise.resolve(false);
	private generation = 0;
	/** Registrations and unregistrations, one after the other. */
	private registering: Promise<void> = Promise.resolve();
	private registration: BulkUnregistration | undefined;
	private readonly log: ServerLog;

	constructor(
		private readonly connection: Connection,
		private readonly documents: TextDocuments<TextDocument>,
		private readonly settings: DocumentSettings,
		private readonly extraHover?: HoverProvider,
	) {
		this.log = connectionLog(connection);
		this.service.setLogger({ log: (message) => this.log.info(message) });
	}

	/**
	 * Reads the client's capabilities and returns the capabilities to declare statically: none when the features can
	 * be registered dynamically, all of them otherwise (their handlers then answer nothing while off).
	 */
	initialize(capabilities: ClientCapabilities): ServerCapabilities {
		const td = capabilities.textDocument;
		this.service.setCapabilities({
			completion: td?.completion,
			hover: td?.hover,
			foldingRange: td?.foldingRange,
		});
		this.dynamic = [
			td?.completion,
			td?.hover,
			td?.formatting,
			td?.rangeFormatting,
			td?.documentSymbol,
			td?.foldingRange,
		].every((c) => c?.dynamicRegistration === true);
		if (this.dynamic) {
			return { hoverProvider: true };
		}
		return {
			completionProvider: { resolveProvider: true, triggerCharacters: TRIGGER_CHARACTERS },
			hoverProvider: true,
			documentFormattingProvider: true,
			documentRangeFormattingProvider: true,
			documentSymbolProvider: true,
			foldingRangeProvider: true,
		};
	}

	/** Wires the request handlers. */
	listen(): void {
		const c = this.connection;
		c.onCompletion((params) => {
			const document = this.document(params.textDocument.uri);
			if (!document) {
				return [];
			}
			const text = document.getText();
			// Tag completion would query Docker Hub: no network while typing (PRODUCT.md "Pin to digest").
			if (inImageTag(text, params.position)) {
				return [];
			}
			return this.service.computeCompletionItems(text, params.position);
		});
		c.onCompletionResolve((item) => (this.on ? this.service.resolveCompletionItem(item) : item));
		c.onHover(async (params, token) => {
			const document = this.document(params.textDocument.uri);
			const service = document ? this.service.computeHover(document.getText(), params.position) : null;
			const ours = this.extraHover ? await this.extraHover(params, token) : null;
			return mergeHovers(service, ours);
		});
		c.onDocumentFormatting((params) => {
			const document = this.document(params.textDocument.uri);
			return document ? this.service.format(document.getText(), params.options) : [];
		});
		c.onDocumentRangeFormatting((params) => {
			const document = this.document(params.textDocument.uri);
			return document ? this.service.formatRange(document.getText(), params.range, params.options) : [];
		});
		c.onDocumentSymbol((params) => {
			const document = this.document(params.textDocument.uri);
			return document ? this.service.computeSymbols(params.textDocument, document.getText()) : [];
		});
		c.onFoldingRanges((params) => {
			const document = this.document(params.textDocument.uri);
			return document ? this.service.computeFoldingRanges(document.getText()) : [];
		});
	}

	/**
	 * Re-reads the setting and (un)registers the features. Call after `initialized` and on every settings change.
	 * Resolves when the registration is done; analyses wait only for the setting, never for the client's answer to
	 * a registration.
	 */
	refresh(): Promise<void> {
		const generation = ++this.generation;
		const state = this.settings.global().then((settings) => settings.languageFeatures !== 'off');
		this.state = state;
		void state.then((on) => {
			if (generation === this.generation) {
				this.on = on;
			}
		});
		this.registering = this.registering.then(async () => {
			const on = await state;
			if (this.dynamic && generation === this.generation && on !== (this.registration !== undefined)) {
				await this.register(on);
			}
		});
		return this.registering;
	}

	private async register(on: boolean): Promise<void> {
		try {
			if (on) {
				this.registration = await this.connection.client.register(this.registrations());
			} else {
				const registration = this.registration;
				this.registration = undefined;
				registration?.dispose();
			}
		} catch (error) {
			this.log.error(`Registering the language features failed: ${errorText(error)}`);
		}
	}

	/** Syntax validation, or `undefined` while the features are off. Waits for a refresh in progress. */
	async syntaxValidator(): Promise<((text: string) => Diagnostic[]) | undefined> {
		const on = await this.state;
		// parseableText: dockerfile-utils parses with dockerfile-ast, whose quadratic case would stall the server.
		return on ? (text) => this.service.validate(parseableText(text)) : undefined;
	}

	/**
	 * Quick fixes for the language service's syntax diagnostics in a code action request, with their edits computed
	 * now (rcjsuen's server does the same), and the equivalent server command for clients that want commands.
	 */
	quickFixes(document: TextDocument, range: Range, diagnostics: readonly Diagnostic[]): LanguageServiceFix[] {
		if (!this.on) {
			return [];
		}
		// analyzeDiagnostics rewrites `code` with parseInt: give it copies, and only dockerfile-utils diagnostics, so
		// our string codes (and the objects of the request) are never touched.
		const syntax = diagnostics.filter((d) => d.source === SYNTAX_SOURCE);
		if (syntax.length === 0) {
			return [];
		}
		const copies: ServiceDiagnostic[] = syntax.map((d) => ({ ...structuredClone(d), message: messageText(d) }));
		const text = document.getText();
		const fixes: LanguageServiceFix[] = [];
		for (const command of this.service.computeCodeActions({ uri: document.uri }, range, { diagnostics: copies })) {
			const args: unknown[] = command.arguments ?? [];
			let edits: TextEdit[];
			try {
				edits = this.service.computeCommandEdits(text, command.command, args);
			} catch (error) {
				this.log.error(`${command.command} failed: ${errorText(error)}`);
				continue;
			}
			if (edits.length === 0) {
				continue;
			}
			const at = JSON.stringify(args[1]);
			fixes.push({
				title: command.title,
				edits,
				diagnostic: syntax.find((d) => JSON.stringify(d.range) === at),
				command: Command.create(command.title, serverCommandOf(command.command), ...args),
			});
		}
		return fixes;
	}

	/** The edits of a language service command (`args` as the language service made them: uri, range). */
	commandEdits(serverCommand: string, args: readonly unknown[]): { uri: string; edits: TextEdit[] } | undefined {
		const languageServiceCommand = Object.values(CommandIds).find((id) => serverCommandOf(id) === serverCommand);
		const uri = args[0];
		if (languageServiceCommand === undefined || typeof uri !== 'string') {
			return undefined;
		}
		const document = this.documents.get(uri);
		if (!document) {
			return undefined;
		}
		return { uri, edits: this.service.computeCommandEdits(document.getText(), languageServiceCommand, [...args]) };
	}

	/** The open document, when the features are on. */
	private document(uri: string): TextDocument | undefined {
		return this.on ? this.documents.get(uri) : undefined;
	}

	private registrations(): BulkRegistration {
		const bulk = BulkRegistration.create();
		const documentSelector = DOCUMENT_SELECTOR;
		bulk.add(CompletionRequest.type, {
			documentSelector,
			resolveProvider: true,
			triggerCharacters: TRIGGER_CHARACTERS,
		});
		bulk.add(DocumentFormattingRequest.type, { documentSelector });
		bulk.add(DocumentRangeFormattingRequest.type, { documentSelector });
		bulk.add(DocumentSymbolRequest.type, { documentSelector });
		bulk.add(FoldingRangeRequest.type, { documentSelector });
		return bulk;
	}
}
