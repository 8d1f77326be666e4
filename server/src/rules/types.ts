/**
 * The shape of a rule (ESLint's `meta` + `create`, Ruff's fix applicability). One rule per file in this folder.
 */
import type { Dockerfile, Instruction } from 'dockerfile-ast';
import type { Position, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ChecksumData, FixDetails, FixEdit, FixSafety, PinData, Settings } from '../protocol';
import type { BuildContext } from '../engine/context';
import type { FileModel, Stage } from '../engine/model';

/** Severity of a finding (LSP: Error, Warning, Information, Hint). */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** The seed's layers (../shared/seed): where the advice comes from. */
export type SeedLayer = 'baseline' | 'layer 1' | 'layer 2' | 'layer 3' | 'layer 4' | 'layer 5' | 'layer 6';

/** A rule's description. */
export interface RuleMeta<MessageId extends string> {
	/** Stable id, never reused: `DH` + 3 digits. */
	readonly id: `DH${number}`;
	/** kebab-case name, equal to the rule's file name. */
	readonly name: string;
	readonly layer: SeedLayer;
	readonly defaultSeverity: Severity;
	/** Message templates; `{{key}}` is replaced by the report's data. One sentence of problem, one of remedy. */
	readonly messages: Readonly<Record<MessageId, string>>;
	/** The fix the rule offers, if any. `title` may use the same `{{key}}` placeholders. */
	readonly fix?: { readonly safety: FixSafety; readonly title: string };
	readonly docs: {
		/** One line: what the rule finds. */
		readonly summary: string;
	};
	/** Equivalent checks in other tools, for the docs and for `# hadolint ignore=` comments. */
	readonly equivalents?: {
		readonly hadolint?: readonly string[];
		readonly trivy?: readonly string[];
		readonly checkov?: readonly string[];
		readonly buildkit?: readonly string[];
	};
}

/** Builds a fix's edits. */
export interface Fixer {
	/** The document's line ending (`\n` or `\r\n`). */
	readonly eol: string;
	replace(range: Range, text: string): FixEdit;
	insertAt(position: Position, text: string): FixEdit;
	remove(range: Range): FixEdit;
}

/** One finding, as a rule reports it. */
export interface Report<MessageId extends string> {
	readonly range: Range;
	readonly messageId: MessageId;
	/** Values for the message's placeholders. Never a secret value. */
	readonly data?: Readonly<Record<string, string | number>>;
	/**
	 * Lines of other instructions the finding is about (an ARG default reported for the FROM that uses it): a
	 * suppression comment on any of those instructions applies too.
	 */
	readonly relatedLines?: readonly number[];
	/** The fix, when one applies to this finding. Its safety is `meta.fix.safety`. */
	readonly fix?: (fixer: Fixer) => FixEdit | readonly FixEdit[] | null;
	/** Secrets, files and notes that come with the fix (review fixes); ignored without `fix`. */
	readonly fixDetails?: FixDetails;
	/** An image reference the network fix "Pin to digest" resolves (the engine never contacts a registry). */
	readonly pin?: PinData;
	/** A remote URL the network fix "Add --checksum" downloads. */
	readonly checksum?: ChecksumData;
}

/** What a rule sees. */
export interface RuleContext<MessageId extends string> {
	readonly document: TextDocument;
	readonly text: string;
	readonly dockerfile: Dockerfile;
	readonly model: FileModel;
	readonly settings: Settings;
	/** The build context's files, when the caller can read them. */
	readonly buildContext: BuildContext | undefined;
	report(report: Report<MessageId>): void;
}

/** Dockerfile instruction keywords, upper case. */
export const KEYWORDS = [
	'ADD',
	'ARG',
	'CMD',
	'COPY',
	'ENTRYPOINT',
	'ENV',
	'EXPOSE',
	'FROM',
	'HEALTHCHECK',
	'LABEL',
	'MAINTAINER',
	'ONBUILD',
	'RUN',
	'SHELL',
	'STOPSIGNAL',
	'USER',
	'VOLUME',
	'WORKDIR',
] as const;

/** A listener for one instruction of a stage. */
export type InstructionListener = (instruction: Instruction, stage: Stage) => void;

/** Listeners by instruction keyword, plus exit hooks (ESLint's `Program:exit`). */
export type Listeners = {
	readonly [K in (typeof KEYWORDS)[number]]?: InstructionListener;
} & {
	readonly 'stage:exit'?: (stage: Stage) => void;
	readonly 'file:exit'?: () => void;
};

/** A rule. */
export interface Rule<MessageId extends string = string> {
	readonly meta: RuleMeta<MessageId>;
	create(context: RuleContext<MessageId>): Listeners;
}

/** Identity helper that checks a rule's types (typescript-eslint's `createRule`). */
export function defineRule<MessageId extends string>(rule: Rule<MessageId>): Rule<MessageId> {
	return rule;
}
