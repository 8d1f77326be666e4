/**
 * Server commands (`workspace/executeCommand`). Their ids start with `dockerfileHarden.server.` so they never equal a
 * client command: vscode-languageclient registers every server command as a VS Code command.
 */
import {
	CancellationToken,
	MessageType,
	ShowMessageNotification,
	type Connection,
	type ExecuteCommandParams,
	type TextDocuments,
	type TextEdit,
	type WorkDoneProgressReporter,
	type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { allRules, findRule } from '../rules';
import {
	ServerCommands,
	docsUrl,
	type AddChecksumParams,
	type ApplyAllFixesParams,
	type ApplyAllFixesResult,
	type HardenParams,
	type PinAllImagesParams,
	type PinImageParams,
	type RuleInfo,
	type ShowDocsParams,
} from '../protocol';
import type { DocumentSettings } from '../settings';
import {
	fixDocument,
	suppressionEdit,
	workspaceEdit,
	type AddSuppressionParams,
	type ApplyFixParams,
	type ClientSupport,
} from './codeActions';
import { errorText, type DiagnosticsPublisher } from './diagnostics';
import { minimalEdits } from './diff';
import { languageServiceCommands, type LanguageFeatures } from './languageFeatures';
import { harden } from './harden';
import type { PinService } from './pinning';

/** Every command the server executes (its `executeCommandProvider.commands`). */
export const serverCommandIds: readonly string[] = [
	ServerCommands.applyFix,
	ServerCommands.applyAllFixes,
	ServerCommands.addSuppression,
	ServerCommands.showDocs,
	ServerCommands.listRules,
	ServerCommands.pinImage,
	ServerCommands.pinAllImages,
	ServerCommands.addChecksum,
	ServerCommands.harden,
	...languageServiceCommands,
];

/** What the commands work with. */
export interface CommandDeps {
	readonly connection: Connection;
	readonly documents: TextDocuments<TextDocument>;
	readonly settings: DocumentSettings;
	readonly diagnostics: DiagnosticsPublisher;
	readonly languageFeatures: LanguageFeatures;
	readonly support: () => ClientSupport;
	readonly pins: PinService;
}

function record(value: unknown): Record<string, unknown> {
	return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** The catalogue for the client's rule picker. */
export function ruleInfos(): RuleInfo[] {
	return allRules.map((r) => ({
		id: r.meta.id,
		name: r.meta.name,
		summary: r.meta.docs.summary,
		url: docsUrl(r.meta.id, r.meta.name),
	}));
}

/** Runs server commands. */
export class CommandHandler {
	constructor(private readonly deps: CommandDeps) {}

	/**
	 * Answers `workspace/executeCommand`. Unknown commands and bad arguments are logged and answered with null. The
	 * registry commands take the request's cancellation and, when the client attached one, its progress.
	 */
	async execute(
		params: ExecuteCommandParams,
		token: CancellationToken = CancellationToken.None,
		workDone?: WorkDoneProgressReporter,
	): Promise<unknown> {
		const attached = params.workDoneToken !== undefined ? workDone : undefined;
		const args = params.arguments ?? [];
		const first = record(args[0]);
		switch (params.command) {
			case ServerCommands.applyAllFixes:
				return this.applyAllFixes(first as Partial<ApplyAllFixesParams>);
			case ServerCommands.applyFix:
				return this.applyFix(first as Partial<ApplyFixParams>);
			case ServerCommands.addSuppression:
				return this.addSuppression(first as Partial<AddSuppressionParams>);
			case ServerCommands.showDocs:
				return this.showDocs(first as Partial<ShowDocsParams>);
			case ServerCommands.listRules:
				return ruleInfos();
			case ServerCommands.pinImage:
				return this.deps.pins.pinImage(first as Partial<PinImageParams>, token, attached);
			case ServerCommands.pinAllImages:
				return this.deps.pins.pinAll(first as Partial<PinAllImagesParams>, token, attached);
			case ServerCommands.addChecksum:
				return this.deps.pins.addChecksum(first as Partial<AddChecksumParams>, token);
			case ServerCommands.harden:
				return harden({ ...this.deps, log: this.deps.diagnostics.logger }, first as Partial<HardenParams>, token);
			default:
				if (languageServiceCommands.includes(params.command)) {
					const result = this.deps.languageFeatures.commandEdits(params.command, args);
					if (result) {
						const document = this.deps.documents.get(result.uri);
						if (document) {
							await this.apply(params.command, document, result.edits);
						}
					}
					return null;
				}
				this.deps.diagnostics.logger.error(`Unknown command ${params.command}`);
				return null;
		}
	}

	/** Every safe (and, if asked, review) fix of the document as one edit; a summary for the client. */
	private async applyAllFixes(params: Partial<ApplyAllFixesParams>): Promise<ApplyAllFixesResult> {
		const none = { applied: 0, remaining: 0, titles: [] };
		const uri = typeof params.uri === 'string' ? params.uri : undefined;
		if (uri === undefined || !this.deps.documents.get(uri)) {
			return { outcome: 'unknownDocument', ...none };
		}
		const settings = await this.deps.settings.get(uri);
		const document = this.deps.documents.get(uri);
		if (!document) {
			return { outcome: 'unknownDocument', ...none };
		}
		if (typeof params.version === 'number' && params.version !== document.version) {
			return { outcome: 'stale', ...none };
		}
		const result = fixDocument(
			document,
			settings,
			params.includeReview === true ? ['safe', 'review'] : ['safe'],
			this.deps.diagnostics.logger,
		);
		const remaining = result.remaining.length;
		const text = document.getText();
		if (result.output === text) {
			return { outcome: 'nothing', applied: 0, remaining, titles: [] };
		}
		const applied = await this.apply(ServerCommands.applyAllFixes, document, minimalEdits(text, result.output));
		if (!applied) {
			return { outcome: 'rejected', applied: 0, remaining, titles: [] };
		}
		return {
			outcome: 'applied',
			applied: result.applied.length,
			remaining,
			titles: result.applied.map((a) => `${a.ruleId}: ${a.title}`),
		};
	}

	private async applyFix(params: Partial<ApplyFixParams>): Promise<boolean> {
		const document = this.current(params.uri, params.version);
		if (!document || !Array.isArray(params.edits)) {
			return false;
		}
		return this.apply(ServerCommands.applyFix, document, params.edits);
	}

	private async addSuppression(params: Partial<AddSuppressionParams>): Promise<boolean> {
		const document = this.current(params.uri, params.version);
		const { ruleId, line, scope } = params;
		if (
			!document ||
			typeof ruleId !== 'string' ||
			typeof line !== 'number' ||
			(scope !== 'instruction' && scope !== 'file')
		) {
			return false;
		}
		const edit = suppressionEdit(document.getText(), ruleId, line, scope);
		return edit ? this.apply(ServerCommands.addSuppression, document, [edit]) : false;
	}

	/** Opens the docs of one of our rules (only ours: the URL is never taken from the arguments). */
	private async showDocs(params: Partial<ShowDocsParams>): Promise<boolean> {
		const rule = typeof params.ruleId === 'string' ? findRule(params.ruleId) : undefined;
		if (!rule) {
			return false;
		}
		const url = docsUrl(rule.meta.id, rule.meta.name);
		if (!this.deps.support().showDocument) {
			// A notification, not window/showMessageRequest: nothing waits for the user to dismiss it.
			await this.deps.connection.sendNotification(ShowMessageNotification.type, {
				type: MessageType.Info,
				message: `${rule.meta.id} ${rule.meta.name}: ${url}`,
			});
			return true;
		}
		const result = await this.deps.connection.window.showDocument({ uri: url, external: true });
		return result.success;
	}

	/** The open document at `uri` if it still has `version`. */
	private current(uri: unknown, version: unknown): TextDocument | undefined {
		const document = typeof uri === 'string' ? this.deps.documents.get(uri) : undefined;
		return document && document.version === version ? document : undefined;
	}

	private async apply(command: string, document: TextDocument, edits: readonly TextEdit[]): Promise<boolean> {
		const edit: WorkspaceEdit = workspaceEdit(document.uri, document.version, edits, this.deps.support());
		try {
			const response = await this.deps.connection.workspace.applyEdit({ label: 'Dockerfile Harden', edit });
			if (!response.applied) {
				this.deps.diagnostics.logger.warn(
					`${command}: the client did not apply the edit${response.failureReason ? ` (${response.failureReason})` : ''}.`,
				);
			}
			return response.applied;
		} catch (error) {
			this.deps.diagnostics.logger.error(`${command}: applying the edit failed: ${errorText(error)}`);
			return false;
		}
	}
}
