/**
 * Applies fixes: every fix of the allowed safeties, in passes (at most {@link MAX_PASSES}), never two overlapping
 * or touching edits in one pass (ESLint's `SourceCodeFixer`). Each pass re-analyses the text, so later fixes see
 * earlier ones.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FixEdit, FixSafety } from '../protocol';
import { lint, type HardenDiagnostic, type LintOptions } from './lint';

/** ESLint's `MAX_AUTOFIX_PASSES`. */
export const MAX_PASSES = 10;

/** A fix that was applied. */
export interface AppliedFix {
	readonly ruleId: string;
	readonly title: string;
	/** 0-based line of the finding, in the text of the pass that applied it. */
	readonly line: number;
}

/** What {@link fixAll} returns. */
export interface FixAllResult {
	readonly output: string;
	readonly passes: number;
	readonly applied: readonly AppliedFix[];
	/** Findings left after fixing. */
	readonly remaining: readonly HardenDiagnostic[];
}

/** Applies edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: readonly FixEdit[]): string {
	const document = TextDocument.create('file:///x', 'dockerfile', 0, text);
	const located = edits
		.map((e) => ({ start: document.offsetAt(e.range.start), end: document.offsetAt(e.range.end), text: e.newText }))
		.sort((a, b) => a.start - b.start || a.end - b.end);
	let out = '';
	let last = 0;
	for (const e of located) {
		out += text.slice(last, e.start) + e.text;
		last = Math.max(last, e.end);
	}
	return out + text.slice(last);
}

/**
 * Picks the fixes of one pass: sorted by position, each taken only when none of its edits overlaps or touches an
 * edit already taken.
 */
export function selectFixes(
	text: string,
	diagnostics: readonly HardenDiagnostic[],
	safeties: readonly FixSafety[],
): { edits: FixEdit[]; taken: HardenDiagnostic[] } {
	const document = TextDocument.create('file:///x', 'dockerfile', 0, text);
	const candidates = diagnostics
		.filter((d) => d.data.fix && safeties.includes(d.data.fix.safety))
		.map((d) => ({
			d,
			spans: d.data.fix!.edits.map((e) => [document.offsetAt(e.range.start), document.offsetAt(e.range.end)]),
		}))
		.sort((a, b) => Math.min(...a.spans.map((s) => s[0])) - Math.min(...b.spans.map((s) => s[0])));
	const takenSpans: number[][] = [];
	const edits: FixEdit[] = [];
	const taken: HardenDiagnostic[] = [];
	for (const { d, spans } of candidates) {
		const clash = spans.some(([s, e]) => takenSpans.some(([ts, te]) => s <= te && ts <= e));
		if (clash) {
			continue;
		}
		takenSpans.push(...spans);
		edits.push(...d.data.fix!.edits);
		taken.push(d);
	}
	return { edits, taken };
}

/** Applies every fix of the given safeties until none is left or {@link MAX_PASSES} passes ran. */
export function fixAll(
	text: string,
	options: LintOptions & { readonly safeties: readonly FixSafety[] },
): FixAllResult {
	let output = text;
	const applied: AppliedFix[] = [];
	let passes = 0;
	let result = lint(output, options);
	while (passes < MAX_PASSES) {
		const { edits, taken } = selectFixes(output, result.diagnostics, options.safeties);
		if (edits.length === 0) {
			break;
		}
		const next = applyEdits(output, edits);
		passes++;
		for (const d of taken) {
			applied.push({ ruleId: d.code, title: d.data.fix!.title, line: d.range.start.line });
		}
		if (next === output) {
			break;
		}
		output = next;
		result = lint(output, options);
	}
	return { output, passes, applied, remaining: result.diagnostics };
}
