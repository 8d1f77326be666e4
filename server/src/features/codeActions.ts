/**
 * Code actions: for each of our diagnostics its precomputed fix, "Ignore DHxxx for this instruction", "Ignore DHxxx
 * in this file" and "Show documentation for DHxxx"; the language service's quick fixes for its syntax diagnostics;
 * and `source.fixAll.dockerfileHarden` (every safe fix, in passes) for `editor.codeActionsOnSave`.
 */
import { parseDockerfile } from '../engine/ast';
import {
	CodeAction,
	CodeActionKind,
	Command,
	TextDocumentEdit,
	type CodeActionParams,
	type Diagnostic,
	type TextDocuments,
	type TextEdit,
	type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAll, type FixAllResult } from '../engine/fixer';
import { eolOf, type HardenDiagnostic } from '../engine/lint';
import { parseSuppressionComment, type SuppressionComment } from '../engine/suppressions';
import {
	DIAGNOSTIC_SOURCE,
	FIX_ALL_KIND,
	ServerCommands,
	type DiagnosticData,
	type FixData,
	type FixSafety,
	type Settings,
	type ShowDocsParams,
} from '../protocol';
import type { DocumentSettings } from '../settings';
import { buildContextFor, type DiagnosticsPublisher } from './diagnostics';
import { minimalEdits } from './diff';
import type { LanguageFeatures } from './languageFeatures';
import { CHECKSUM_TITLE, PIN_TITLE, isPinData, type PinService } from './pinning';

/** What the client can do, read from its capabilities at `initialize`. */
export interface ClientSupport {
	/** Code actions may be returned as `CodeAction` literals (else only as `Command`s). */
	codeActionLiterals: boolean;
	/** Workspace edits may use versioned `documentChanges`. */
	documentChanges: boolean;
	/** The client implements `window/showDocument`. */
	showDocument: boolean;
	/** The client shows server-created progress (`window/workDoneProgress/create`). */
	workDoneProgress?: boolean;
	/** Workspace edits may carry change annotations (VS Code shows a preview for those that need confirmation). */
	changeAnnotations?: boolean;
	/** Workspace edits may create files. */
	createFiles?: boolean;
}

/** Where a suppression comment applies. */
export type SuppressionScope = 'instruction' | 'file';

/** Argument of {@link ServerCommands.applyFix} (clients without code action literals). */
export interface ApplyFixParams {
	readonly uri: string;
	readonly version: number;
	readonly edits: readonly TextEdit[];
}

/** Argument of {@link ServerCommands.addSuppression} (clients without code action literals). */
export interface AddSuppressionParams {
	readonly uri: string;
	readonly version: number;
	readonly ruleId: string;
	/** 0-based line of the finding. */
	readonly line: number;
	readonly scope: SuppressionScope;
}

/** Title of the fix-all action. */
export const FIX_ALL_TITLE = 'Fix all safe Dockerfile Harden issues';

/** A workspace edit of one document, versioned when the client supports it (it then refuses a stale edit). */
export function workspaceEdit(
	uri: string,
	version: number,
	edits: readonly TextEdit[],
	support: Pick<ClientSupport, 'documentChanges'>,
): WorkspaceEdit {
	return support.documentChanges
		? { documentChanges: [TextDocumentEdit.create({ uri, version }, [...edits])] }
		: { changes: { [uri]: [...edits] } };
}

/** Whether a request's `only` asks for `kind` (`only` lists kinds whose sub-kinds are wanted too). */
export function kindRequested(only: readonly string[] | undefined, kind: string): boolean {
	return only === undefined || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

/** Every fix of `safeties` applied to the document's current text, in passes (never `network` fixes). */
export function fixDocument(
	document: TextDocument,
	settings: Settings,
	safeties: readonly FixSafety[],
	logger: { error(message: string): void },
): FixAllResult {
	return fixAll(document.getText(), {
		settings,
		buildContext: buildContextFor(document.uri),
		logger,
		safeties: safeties.filter((s) => s !== 'network'),
	});
}

// Suppression comments ------------------------------------------------------------------------------------------

/** A parser directive as BuildKit reads one; only known names count, the first other line ends them. */
const PARSER_DIRECTIVE = /^[ \t]*#[ \t]*(syntax|escape|check)[ \t]*=[ \t]*\S/i;

/** A `# dockerfile-harden [global] ignore=` comment on `line` (any case and spacing), to add an id to. */
function ownComment(line: string, global: boolean): SuppressionComment | undefined {
	const comment = parseSuppressionComment(line);
	return comment?.tool === 'dockerfile-harden' && comment.global === global ? comment : undefined;
}

function lineRanges(text: string): (readonly [number, number])[] {
	return parseDockerfile(text)
		.getInstructions()
		.map((i) => [i.getRange().start.line, i.getRange().end.line] as const);
}

function insertAt(line: number, character: number, newText: string): TextEdit {
	const position = { line, character };
	return { range: { start: position, end: position }, newText };
}

/** Where line 0's text starts: after a byte order mark, which must stay the first character of the file. */
function lineStart(text: string, line: number): number {
	return line === 0 && text.startsWith('\uFEFF') ? 1 : 0;
}

/**
 * The edit that suppresses `ruleId` for a finding starting on `line`: for the instruction, a
 * `# dockerfile-harden ignore=` line directly above it (or the id added to one already there), with the
 * instruction's indentation and the file's line ending; for the file, a `# dockerfile-harden global ignore=` line
 * after the parser directives (or the id added to the first one). `undefined` when the line is in no instruction
 * (a parser directive, a comment): an instruction comment there would suppress nothing, or break the directive.
 */
export function suppressionEdit(
	text: string,
	ruleId: string,
	line: number,
	scope: SuppressionScope,
): TextEdit | undefined {
	const lines = text.split(/\r\n|\r|\n/);
	const instructions = lineRanges(text);
	const inInstruction = (l: number): boolean => instructions.some(([s, e]) => s <= l && l <= e);
	const eol = eolOf(text);
	if (scope === 'instruction') {
		const instruction = instructions.find(([s, e]) => s <= line && line <= e);
		if (!instruction) {
			return undefined;
		}
		const start = instruction[0];
		const above = start > 0 && !inInstruction(start - 1) ? ownComment(lines[start - 1], false) : undefined;
		if (above) {
			return insertAt(start - 1, above.codesEnd, `,${ruleId}`);
		}
		const column = lineStart(text, start);
		const indent = /^[ \t]*/.exec(lines[start].slice(column))![0];
		return insertAt(start, column, `${indent}# dockerfile-harden ignore=${ruleId}${eol}`);
	}
	for (let l = 0; l < lines.length; l++) {
		const existing = inInstruction(l) ? undefined : ownComment(lines[l], true);
		if (existing) {
			return insertAt(l, existing.codesEnd, `,${ruleId}`);
		}
	}
	let directives = 0;
	while (directives < lines.length && PARSER_DIRECTIVE.test(lines[directives].slice(lineStart(text, directives)))) {
		directives++;
	}
	const comment = `# dockerfile-harden global ignore=${ruleId}`;
	if (directives === lines.length) {
		// Only directives and no final line break: the comment becomes a new last line.
		const last = lines.length - 1;
		return insertAt(last, lines[last].length, `${eol}${comment}`);
	}
	return insertAt(directives, lineStart(text, directives), `${comment}${eol}`);
}

// The provider --------------------------------------------------------------------------------------------------

/** What the code action provider works with. */
export interface CodeActionContextDeps {
	readonly documents: TextDocuments<TextDocument>;
	readonly settings: DocumentSettings;
	readonly diagnostics: DiagnosticsPublisher;
	readonly languageFeatures: LanguageFeatures;
	readonly support: () => ClientSupport;
	/** The registry features ("Pin to digest", "Update digest", "Add --checksum"). */
	readonly pins?: PinService;
}

/** A code action, and the same action as a command for clients that take no code action literals. */
interface Candidate {
	readonly action: CodeAction;
	readonly command: Command;
}

function dataOf(diagnostic: Diagnostic): Partial<DiagnosticData> {
	return typeof diagnostic.data === 'object' && diagnostic.data !== null
		? (diagnostic.data as Partial<DiagnosticData>)
		: {};
}

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
	return (
		a.start.line === b.start.line &&
		a.start.character === b.start.character &&
		a.end.line === b.end.line &&
		a.end.character === b.end.character
	);
}

/** Answers `textDocument/codeAction`. */
export class CodeActionProvider {
	constructor(private readonly deps: CodeActionContextDeps) {}

	/** The actions for a request: code action literals, or commands for clients without literal support. */
	async provide(params: CodeActionParams): Promise<(CodeAction | Command)[]> {
		const { uri } = params.textDocument;
		const settings = await this.deps.settings.get(uri);
		// Read the document after the settings round trip: edits must target the text as it is now.
		const document = this.deps.documents.get(uri);
		if (!document || !settings.enable) {
			return [];
		}
		const { only, diagnostics } = params.context;
		const candidates: Candidate[] = [];
		if (kindRequested(only, CodeActionKind.QuickFix)) {
			candidates.push(...this.updateDigests(document, params));
			candidates.push(...this.quickFixes(document, diagnostics));
			candidates.push(...this.languageServiceFixes(document, params));
		}
		if (only !== undefined && kindRequested(only, FIX_ALL_KIND)) {
			const fixAllAction = this.fixAll(document, settings);
			if (fixAllAction) {
				candidates.push(fixAllAction);
			}
		}
		const literals = this.deps.support().codeActionLiterals;
		return candidates.map((c) => (literals ? c.action : c.command));
	}

	private edit(document: TextDocument, edits: readonly TextEdit[]): WorkspaceEdit {
		return workspaceEdit(document.uri, document.version, edits, this.deps.support());
	}

	/** The diagnostic of the current analysis that `diagnostic` stands for, if it belongs to the current version. */
	private currentOf(document: TextDocument, diagnostic: Diagnostic): HardenDiagnostic | undefined {
		const analysed = this.deps.diagnostics.analysed(document.uri);
		if (!analysed || analysed.version !== document.version) {
			// The text changed since the last analysis: the fix's positions may be off. A new analysis is on its way.
			return undefined;
		}
		return analysed.diagnostics.find((d) => d.code === diagnostic.code && sameRange(d.range, diagnostic.range));
	}

	/** The fix of a diagnostic, if the diagnostic belongs to the analysis of the document's current version. */
	private fixOf(document: TextDocument, diagnostic: Diagnostic): FixData | undefined {
		const current = this.currentOf(document, diagnostic);
		if (!current) {
			return undefined;
		}
		// Always the fix of the current analysis: a client may send back the data of an older version whose range
		// happens to match (same-length edit), and its edit would corrupt the line.
		return current.data.fix;
	}

	/**
	 * The network fixes of a diagnostic, as commands: the server resolves the digest (or downloads the file) only when
	 * the user picks one, never to offer it.
	 */
	private networkFixes(document: TextDocument, diagnostic: Diagnostic): Candidate[] {
		const current = this.currentOf(document, diagnostic);
		if (!current || !this.deps.pins) {
			return [];
		}
		const candidates: Candidate[] = [];
		const sent = dataOf(diagnostic);
		const pin = isPinData(sent.pin) ? sent.pin : current.data.pin;
		if (pin) {
			const command = Command.create(PIN_TITLE, ServerCommands.pinImage, { uri: document.uri, pin });
			const action = CodeAction.create(PIN_TITLE, command, CodeActionKind.QuickFix);
			action.diagnostics = [diagnostic];
			candidates.push({ action, command });
		}
		const checksum = current.data.checksum;
		if (checksum) {
			const command = Command.create(CHECKSUM_TITLE, ServerCommands.addChecksum, { uri: document.uri, checksum });
			const action = CodeAction.create(CHECKSUM_TITLE, command, CodeActionKind.QuickFix);
			action.diagnostics = [diagnostic];
			candidates.push({ action, command });
		}
		return candidates;
	}

	/** "Update digest" where a hover found that a pinned tag moved. */
	private updateDigests(document: TextDocument, params: CodeActionParams): Candidate[] {
		return (this.deps.pins?.updateCommands(document, params.range) ?? []).map(({ command }) => {
			const action = CodeAction.create(command.title, command, CodeActionKind.QuickFix);
			return { action, command };
		});
	}

	private quickFixes(document: TextDocument, diagnostics: readonly Diagnostic[]): Candidate[] {
		const fixes: Candidate[] = [];
		const ignores: Candidate[] = [];
		const docs: Candidate[] = [];
		const seen = new Set<string>();
		const text = document.getText();
		const { uri, version } = document;
		for (const diagnostic of diagnostics) {
			if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') {
				continue;
			}
			const ruleId = diagnostic.code;
			const line = diagnostic.range.start.line;
			const fix = this.fixOf(document, diagnostic);
			if (fix && fix.safety !== 'network' && fix.edits.length > 0) {
				const action = CodeAction.create(fix.title, this.edit(document, fix.edits), CodeActionKind.QuickFix);
				action.diagnostics = [diagnostic];
				action.isPreferred = fix.safety === 'safe';
				const args: ApplyFixParams = { uri, version, edits: fix.edits };
				fixes.push({ action, command: Command.create(fix.title, ServerCommands.applyFix, args) });
			}
			fixes.push(...this.networkFixes(document, diagnostic));
			for (const scope of ['instruction', 'file'] as const) {
				const edit = suppressionEdit(text, ruleId, line, scope);
				const key = `${scope}:${ruleId}:${edit ? JSON.stringify(edit.range.start) : ''}`;
				if (!edit || seen.has(key)) {
					continue;
				}
				seen.add(key);
				const title =
					scope === 'instruction' ? `Ignore ${ruleId} for this instruction` : `Ignore ${ruleId} in this file`;
				const action = CodeAction.create(title, this.edit(document, [edit]), CodeActionKind.QuickFix);
				action.diagnostics = [diagnostic];
				const args: AddSuppressionParams = { uri, version, ruleId, line, scope };
				ignores.push({ action, command: Command.create(title, ServerCommands.addSuppression, args) });
			}
			if (!seen.has(`docs:${ruleId}`)) {
				seen.add(`docs:${ruleId}`);
				const title = `Show documentation for ${ruleId}`;
				const args: ShowDocsParams = { ruleId };
				const command = Command.create(title, ServerCommands.showDocs, args);
				const action = CodeAction.create(title, command, CodeActionKind.QuickFix);
				action.diagnostics = [diagnostic];
				docs.push({ action, command });
			}
		}
		return [...fixes, ...ignores, ...docs];
	}

	private languageServiceFixes(document: TextDocument, params: CodeActionParams): Candidate[] {
		return this.deps.languageFeatures.quickFixes(document, params.range, params.context.diagnostics).map((fix) => {
			const action = CodeAction.create(fix.title, this.edit(document, fix.edits), CodeActionKind.QuickFix);
			if (fix.diagnostic) {
				action.diagnostics = [fix.diagnostic];
			}
			return { action, command: fix.command };
		});
	}

	private fixAll(document: TextDocument, settings: Settings): Candidate | undefined {
		const text = document.getText();
		const result = fixDocument(document, settings, ['safe'], this.deps.diagnostics.logger);
		if (result.output === text) {
			return undefined;
		}
		const action = CodeAction.create(
			FIX_ALL_TITLE,
			this.edit(document, minimalEdits(text, result.output)),
			FIX_ALL_KIND,
		);
		const command = Command.create(FIX_ALL_TITLE, ServerCommands.applyAllFixes, {
			uri: document.uri,
			version: document.version,
		});
		return { action, command };
	}
}
