/**
 * The engine's entry point: text and settings in, diagnostics with precomputed fixes out. No I/O: the build context
 * and the logger come in through interfaces.
 */
import type { Instruction } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import {
	DEFAULT_SETTINGS,
	DIAGNOSTIC_SOURCE,
	docsUrl,
	type DiagnosticData,
	type FixData,
	type FixEdit,
	type RuleLevel,
	type Settings,
} from '../protocol';
import { allRules, resolveSuppressionCode } from '../rules';
import type { Fixer, InstructionListener, Listeners, Report, Rule, RuleContext, Severity } from '../rules/types';
import { parseDockerfile } from './ast';
import type { BuildContext } from './context';
import { FileModel, type Stage } from './model';
import { isSuppressed, readSuppressions } from './suppressions';

/** Where the engine writes what users should not see as findings (a rule that failed). */
export interface EngineLogger {
	error(message: string): void;
}

/** Inputs besides the text. */
export interface LintOptions {
	readonly settings?: Settings;
	readonly buildContext?: BuildContext;
	readonly logger?: EngineLogger;
	/** Run only these rules (tests); default: every rule of the catalogue. */
	readonly rules?: readonly Rule[];
}

/** A diagnostic of ours: an LSP diagnostic whose `data` says which rule and which fix. */
export interface HardenDiagnostic extends Diagnostic {
	readonly code: string;
	readonly data: DiagnosticData;
}

/** What {@link lint} returns. */
export interface LintResult {
	readonly diagnostics: HardenDiagnostic[];
	/** Rules that threw on this text (their findings are dropped). */
	readonly failedRules: readonly string[];
}

const SEVERITY: Record<Severity, 1 | 2 | 3 | 4> = { error: 1, warning: 2, info: 3, hint: 4 };

/** Any of a rule's listeners (by instruction keyword, `stage:exit`, `file:exit`). */
type AnyListener = InstructionListener | ((stage: Stage) => void) | (() => void);

/**
 * The level a rule runs at under `settings` (`off` when disabled). Keys name a rule by id or name in any case
 * (`dh101`, `No-Root-User`); when several name the same rule the last one wins, as config and settings are merged
 * in that order.
 */
export function ruleLevel(rule: Rule, settings: Settings): RuleLevel {
	let level: RuleLevel | undefined;
	for (const [key, value] of Object.entries(settings.rules)) {
		const k = key.trim();
		if (k.toUpperCase() === rule.meta.id || k.toLowerCase() === rule.meta.name) {
			level = value;
		}
	}
	return level ?? rule.meta.defaultSeverity;
}

const loggedFailures = new Set<string>();

/** The document's line ending. */
export function eolOf(text: string): string {
	if (text.includes('\r\n')) {
		return '\r\n';
	}
	// Old Mac line ends: Docker reads such a file as one line, but a fix must not add a second kind of line end.
	return text.includes('\r') && !text.includes('\n') ? '\r' : '\n';
}

function makeFixer(eol: string): Fixer {
	return {
		eol,
		replace: (range, newText) => ({ range, newText }),
		insertAt: (position, newText) => ({ range: { start: position, end: position }, newText }),
		remove: (range) => ({ range, newText: '' }),
	};
}

/** Replaces `{{key}}` placeholders. */
export function formatMessage(template: string, data: Readonly<Record<string, string | number>> | undefined): string {
	return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
		data && key in data ? String(data[key]) : whole,
	);
}

function comparePositions(a: Range['start'], b: Range['start']): number {
	return a.line - b.line || a.character - b.character;
}

/** Checks a fix's edits: inside the document, sorted, not overlapping. */
function validEdits(document: TextDocument, edits: readonly FixEdit[]): boolean {
	const length = document.getText().length;
	let lastEnd = -1;
	const offsets = edits
		.map((e) => [document.offsetAt(e.range.start), document.offsetAt(e.range.end)] as const)
		.sort((a, b) => a[0] - b[0]);
	for (const [start, end] of offsets) {
		if (start > end || end > length || start < lastEnd) {
			return false;
		}
		lastEnd = end;
	}
	return true;
}

/** Analyses a Dockerfile. Never throws on any input text. */
export function lint(text: string, options: LintOptions = {}): LintResult {
	const settings = options.settings ?? DEFAULT_SETTINGS;
	if (!settings.enable) {
		return { diagnostics: [], failedRules: [] };
	}
	const document = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
	const dockerfile = parseDockerfile(text);
	const model = new FileModel(document, dockerfile, dockerfile.getEscapeCharacter());
	const eol = eolOf(text);
	const fixer = makeFixer(eol);
	const rules = (options.rules ?? allRules).filter((r) => ruleLevel(r, settings) !== 'off');

	const diagnostics: HardenDiagnostic[] = [];
	const failed = new Set<string>();
	const active: { rule: Rule; listeners: Listeners; reports: HardenDiagnostic[] }[] = [];
	const related = new Map<HardenDiagnostic, readonly number[]>();

	const fail = (rule: Rule, error: unknown): void => {
		failed.add(rule.meta.id);
		const message = error instanceof Error ? error.message : String(error);
		const key = `${rule.meta.id}:${message}`;
		if (!loggedFailures.has(key)) {
			loggedFailures.add(key);
			options.logger?.error(`Rule ${rule.meta.id} (${rule.meta.name}) failed and was skipped: ${message}`);
		}
	};

	for (const rule of rules) {
		const reports: HardenDiagnostic[] = [];
		const severity = ruleLevel(rule, settings) as Severity;
		const context: RuleContext<string> = {
			document,
			text,
			dockerfile,
			model,
			settings,
			buildContext: options.buildContext,
			report: (report: Report<string>) => {
				const diagnostic = toDiagnostic(rule, severity, report, document, fixer);
				reports.push(diagnostic);
				if (report.relatedLines) {
					related.set(diagnostic, report.relatedLines);
				}
			},
		};
		try {
			active.push({ rule, listeners: rule.create(context), reports });
		} catch (error) {
			fail(rule, error);
		}
	}

	// Listeners by event, collected once: an instruction reaches only the rules that listen to its keyword (with 20+
	// rules, asking each one per instruction was a tenth of an analysis). Rule order is kept within each event.
	const byEvent = new Map<string, { entry: (typeof active)[number]; listener: AnyListener }[]>();
	for (const entry of active) {
		for (const [event, listener] of Object.entries(entry.listeners) as [string, AnyListener | undefined][]) {
			if (typeof listener === 'function') {
				let list = byEvent.get(event);
				if (!list) {
					list = [];
					byEvent.set(event, list);
				}
				list.push({ entry, listener });
			}
		}
	}
	const emit = (event: string, call: (listener: AnyListener) => void): void => {
		const list = byEvent.get(event);
		if (!list) {
			return;
		}
		for (const { entry, listener } of list) {
			if (failed.has(entry.rule.meta.id)) {
				continue;
			}
			try {
				call(listener);
			} catch (error) {
				fail(entry.rule, error);
			}
		}
	};

	for (const stage of model.stages) {
		const visit = (instruction: Instruction): void =>
			emit(instruction.getKeyword(), (l) => (l as InstructionListener)(instruction, stage));
		visit(stage.from);
		for (const instruction of stage.instructions) {
			visit(instruction);
		}
		emit('stage:exit', (l) => (l as (s: Stage) => void)(stage));
	}
	emit('file:exit', (l) => (l as () => void)());

	const suppressions = readSuppressions(text, dockerfile, resolveSuppressionCode);
	for (const entry of active) {
		if (failed.has(entry.rule.meta.id)) {
			continue;
		}
		for (const d of entry.reports) {
			const lines = [d.range.start.line, ...(related.get(d) ?? [])];
			if (!lines.some((line) => isSuppressed(suppressions, d.code, line))) {
				diagnostics.push(d);
			}
		}
	}
	// Codes are ASCII (`DH101`): a plain comparison orders them as localeCompare does, without the collator's cost.
	diagnostics.sort(
		(a, b) => comparePositions(a.range.start, b.range.start) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
	);
	return { diagnostics, failedRules: [...failed] };
}

function toDiagnostic(
	rule: Rule,
	severity: Severity,
	report: Report<string>,
	document: TextDocument,
	fixer: Fixer,
): HardenDiagnostic {
	const { meta } = rule;
	const template = meta.messages[report.messageId];
	if (template === undefined) {
		throw new Error(`unknown messageId "${report.messageId}"`);
	}
	let fix: FixData | undefined;
	if (report.fix && meta.fix) {
		const result = report.fix(fixer);
		const edits = result === null ? [] : 'range' in result ? [result as FixEdit] : (result as readonly FixEdit[]);
		// A fix may only write files beside the Dockerfile (DH305's .dockerignore).
		const writesFiles = (report.fixDetails?.files?.length ?? 0) > 0;
		if ((edits.length > 0 || writesFiles) && validEdits(document, edits)) {
			fix = {
				title: formatMessage(meta.fix.title, report.data),
				safety: meta.fix.safety,
				edits,
				...(report.fixDetails ? { details: report.fixDetails } : {}),
			};
		}
	}
	// Optional keys only when present, so diagnostics without them stay byte-for-byte what they were.
	const data: DiagnosticData = {
		ruleId: meta.id,
		ruleName: meta.name,
		...(fix ? { fix } : {}),
		...(report.pin ? { pin: report.pin } : {}),
		...(report.checksum ? { checksum: report.checksum } : {}),
	};
	return {
		range: report.range,
		severity: SEVERITY[severity],
		code: meta.id,
		codeDescription: { href: docsUrl(meta.id, meta.name) },
		source: DIAGNOSTIC_SOURCE,
		message: formatMessage(template, report.data),
		data,
	};
}
