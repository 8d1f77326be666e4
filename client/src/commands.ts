/**
 * The user commands. They forward to server commands through an injected `executeServerCommand` and talk to the
 * user through injected functions, so they run in plain Node tests. No analysis happens here.
 */
import type { CancellationToken } from 'vscode-languageclient';
import {
	ClientCommands,
	ServerCommands,
	pinSummary,
	type HardenParams,
	type HardenResult,
	type PinAllImagesParams,
	type PinResult,
	type RuleInfo,
} from '../../server/src/protocol';

/** The document in the active editor. */
export interface EditorDocument {
	readonly uri: string;
	readonly version: number;
	readonly languageId: string;
}

/** An entry of the "Show Rule Documentation" pick. */
export interface RulePickItem {
	readonly label: string;
	readonly description: string;
	readonly url: string;
}

/** What the commands need from VS Code and the language client. */
export interface CommandDeps {
	/** Sends `workspace/executeCommand` to the server; cancelling `token` cancels the request. */
	executeServerCommand(command: string, args: readonly unknown[], token?: CancellationToken): Promise<unknown>;
	/** Runs `task` under a cancellable progress notification titled `title`. */
	withProgress<T>(title: string, task: (token: CancellationToken) => Promise<T>): PromiseLike<T>;
	activeDocument(): EditorDocument | undefined;
	showInformationMessage(message: string): unknown;
	showWarningMessage(message: string): unknown;
	showErrorMessage(message: string): unknown;
	pick(items: readonly RulePickItem[], placeholder: string): PromiseLike<RulePickItem | undefined>;
	openExternal(url: string): PromiseLike<unknown>;
	showOutput(): void;
	/** Shows `message` with a "Show Summary" action that opens `markdown` beside the editor. */
	offerSummary(message: string, markdown: string): PromiseLike<unknown>;
}

/** A command handler for each id of {@link ClientCommands}. */
export type CommandHandlers = Record<(typeof ClientCommands)[keyof typeof ClientCommands], () => Promise<void>>;

/** The title of Pin All Images to Digests' progress notification. */
export const PIN_PROGRESS_TITLE = 'Pinning images to digests';

function count(n: number, one: string, many: string): string {
	return `${n} ${n === 1 ? one : many}`;
}

function isPinResult(value: unknown): value is PinResult {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const r = value as Partial<PinResult>;
	return typeof r.outcome === 'string' && Array.isArray(r.references);
}

/** How Pin All Images to Digests tells the user: the message and how loud. */
export function pinAllMessage(result: PinResult): {
	readonly level: 'info' | 'warning' | 'error';
	readonly text: string;
} {
	const failed = result.references.some((r) => r.status === 'failed');
	const text = result.outcome === 'applied' || result.message === undefined ? pinSummary(result) : result.message;
	switch (result.outcome) {
		case 'applied':
			return { level: failed ? 'warning' : 'info', text };
		case 'nothing':
			return { level: failed ? 'error' : 'info', text };
		case 'cancelled':
			return { level: 'info', text: result.message ?? 'Pin All Images to Digests was cancelled; nothing was changed.' };
		case 'unknownDocument':
			return { level: 'warning', text: 'The language server does not know this document yet. Try again in a moment.' };
		default:
			return { level: 'warning', text };
	}
}

/** What Harden Dockerfile tells the user afterwards (one line; the full summary opens on request). */
export function hardenMessage(result: HardenResult): { level: 'info' | 'warning'; text: string } {
	const left =
		result.remaining > 0
			? ` ${count(result.remaining, 'finding still needs', 'findings still need')} a person.`
			: ' Nothing is left for a person.';
	const secrets =
		result.secrets.length > 0
			? ` The build now needs ${count(result.secrets.length, 'secret', 'secrets')} (${result.secrets.map((s) => s.id).join(', ')}): see the summary for the command.`
			: '';
	switch (result.outcome) {
		case 'applied':
			return {
				level: 'info',
				text: `Harden Dockerfile applied the changes of ${count(result.rules.length, 'rule', 'rules')} (${result.rules.join(', ')}).${left}${secrets}`,
			};
		case 'nothing':
			return { level: 'info', text: `Harden Dockerfile found nothing it can change.${left}` };
		case 'stale':
			return {
				level: 'warning',
				text: 'The Dockerfile changed while Harden Dockerfile ran. Nothing was changed; run it again.',
			};
		case 'rejected':
			return {
				level: 'warning',
				text: 'The changes were not applied (cancelled in the preview, or the file changed). Nothing was changed.',
			};
		case 'cancelled':
			return { level: 'warning', text: 'Harden Dockerfile was cancelled; nothing was changed.' };
		case 'unknownDocument':
			return { level: 'warning', text: 'The language server does not know this document yet. Try again in a moment.' };
	}
}

function isHardenResult(value: unknown): value is HardenResult {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const r = value as Partial<HardenResult>;
	return (
		typeof r.outcome === 'string' && Array.isArray(r.rules) && typeof r.summary === 'string' && Array.isArray(r.secrets)
	);
}

/** Builds the handlers of the user commands. */
export function createCommands(deps: CommandDeps): CommandHandlers {
	const guarded = (name: string, run: () => Promise<void>) => async (): Promise<void> => {
		try {
			await run();
		} catch (error) {
			deps.showErrorMessage(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
		}
	};

	const dockerfile = (): EditorDocument | undefined => {
		const document = deps.activeDocument();
		if (!document || document.languageId !== 'dockerfile') {
			deps.showWarningMessage('Open a Dockerfile in the editor first.');
			return undefined;
		}
		return document;
	};

	return {
		[ClientCommands.hardenDockerfile]: guarded('Harden Dockerfile', async () => {
			const document = dockerfile();
			if (!document) {
				return;
			}
			// The server shows the preview (change annotations) and, in a trusted workspace, pins with progress.
			const args: HardenParams = { uri: document.uri, version: document.version, pin: true };
			const result = await deps.executeServerCommand(ServerCommands.harden, [args]);
			if (!isHardenResult(result)) {
				deps.showErrorMessage('Harden Dockerfile got no answer from the language server.');
				return;
			}
			const { level, text } = hardenMessage(result);
			if (level === 'warning') {
				deps.showWarningMessage(text);
				return;
			}
			await deps.offerSummary(text, result.summary);
		}),
		[ClientCommands.pinImageDigests]: guarded('Pin All Images to Digests', async () => {
			const document = dockerfile();
			if (!document) {
				return;
			}
			// quiet: this client shows the progress (cancellable) and the report itself.
			const args: PinAllImagesParams = { uri: document.uri, version: document.version, quiet: true };
			const result = await deps.withProgress(PIN_PROGRESS_TITLE, (token) =>
				deps.executeServerCommand(ServerCommands.pinAllImages, [args], token),
			);
			if (!isPinResult(result)) {
				deps.showErrorMessage('Pin All Images to Digests got no answer from the language server.');
				return;
			}
			const { level, text } = pinAllMessage(result);
			if (level === 'info') {
				deps.showInformationMessage(text);
			} else if (level === 'warning') {
				deps.showWarningMessage(text);
			} else {
				deps.showErrorMessage(text);
			}
		}),
		[ClientCommands.showRuleDocs]: guarded('Show Rule Documentation', async () => {
			const rules = await deps.executeServerCommand(ServerCommands.listRules, []);
			const items: RulePickItem[] = (Array.isArray(rules) ? (rules as RuleInfo[]) : []).map((rule) => ({
				label: `${rule.id} — ${rule.summary}`,
				description: rule.name,
				url: rule.url,
			}));
			const chosen = await deps.pick(items, 'Choose a rule to read its documentation');
			if (chosen) {
				await deps.openExternal(chosen.url);
			}
		}),
		[ClientCommands.showOutput]: guarded('Show Output', async () => {
			deps.showOutput();
		}),
	};
}
