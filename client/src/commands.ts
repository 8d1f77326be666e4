/**
 * The user commands. They forward to server commands through an injected `executeServerCommand` and talk to the
 * user through injected functions, so they run in plain Node tests. No analysis happens here.
 */
import {
	ClientCommands,
	ServerCommands,
	type ApplyAllFixesParams,
	type ApplyAllFixesResult,
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
	/** Sends `workspace/executeCommand` to the server. */
	executeServerCommand(command: string, args: readonly unknown[]): Promise<unknown>;
	activeDocument(): EditorDocument | undefined;
	showInformationMessage(message: string): unknown;
	showWarningMessage(message: string): unknown;
	showErrorMessage(message: string): unknown;
	pick(items: readonly RulePickItem[], placeholder: string): PromiseLike<RulePickItem | undefined>;
	openExternal(url: string): PromiseLike<unknown>;
	showOutput(): void;
}

/** A command handler for each id of {@link ClientCommands}. */
export type CommandHandlers = Record<(typeof ClientCommands)[keyof typeof ClientCommands], () => Promise<void>>;

/** Told when Pin All Images to Digests runs: the registry client comes in a later version. */
export const PIN_NOT_YET_MESSAGE =
	'Pin All Images to Digests needs the registry client, which comes in a later version of Dockerfile Harden. ' +
	'Nothing was changed and no registry was contacted. Until then, the DH201 findings show each image to pin.';

/** Added to every Harden Dockerfile summary while the larger rewrites are not there yet. */
export const HARDEN_LATER_NOTE =
	'Secret mounts, a non-root user and multi-stage rewrites come in a later version of Harden Dockerfile.';

function count(n: number, one: string, many: string): string {
	return `${n} ${n === 1 ? one : many}`;
}

function isApplyAllFixesResult(value: unknown): value is ApplyAllFixesResult {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const r = value as Partial<ApplyAllFixesResult>;
	return typeof r.outcome === 'string' && typeof r.applied === 'number' && typeof r.remaining === 'number';
}

/** What Harden Dockerfile tells the user afterwards. */
export function hardenSummary(result: ApplyAllFixesResult): string {
	const left =
		result.remaining > 0
			? ` ${count(result.remaining, 'finding still needs', 'findings still need')} a human (see the Problems panel).`
			: '';
	switch (result.outcome) {
		case 'applied': {
			const titles = [...new Set(result.titles)].join('; ');
			return `Harden Dockerfile applied ${count(result.applied, 'fix', 'fixes')}: ${titles}.${left} ${HARDEN_LATER_NOTE}`;
		}
		case 'nothing':
			return `Harden Dockerfile found nothing it can fix automatically.${left} ${HARDEN_LATER_NOTE}`;
		case 'stale':
			return 'The Dockerfile changed while Harden Dockerfile ran. Nothing was changed; run it again.';
		case 'rejected':
			return 'VS Code did not apply the fixes (the file may have changed). Nothing was changed; run it again.';
		case 'unknownDocument':
			return 'The language server does not know this document yet. Try again in a moment.';
	}
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
			const args: ApplyAllFixesParams = { uri: document.uri, version: document.version, includeReview: true };
			const result = await deps.executeServerCommand(ServerCommands.applyAllFixes, [args]);
			if (!isApplyAllFixesResult(result)) {
				deps.showErrorMessage('Harden Dockerfile got no answer from the language server.');
				return;
			}
			const summary = hardenSummary(result);
			if (result.outcome === 'applied' || result.outcome === 'nothing') {
				deps.showInformationMessage(summary);
			} else {
				deps.showWarningMessage(summary);
			}
		}),
		[ClientCommands.pinImageDigests]: guarded('Pin All Images to Digests', async () => {
			deps.showInformationMessage(PIN_NOT_YET_MESSAGE);
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
