/**
 * Applies fixes: every fix of the allowed safeties, in passes (at most {@link MAX_PASSES}), never two overlapping
 * or touching edits in one pass (ESLint's `SourceCodeFixer`). Each pass re-analyses the text, so later fixes see
 * earlier ones.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileChange, FixEdit, FixSafety } from '../protocol';
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

/** A fix applied in one pass, with its edits in the coordinates of that pass's text. */
export interface AppliedStep {
	readonly diagnostic: HardenDiagnostic;
	readonly edits: readonly FixEdit[];
}

/** What {@link fixAll} returns. */
export interface FixAllResult {
	readonly output: string;
	readonly passes: number;
	readonly applied: readonly AppliedFix[];
	/** Per pass, the fixes applied (for composing a labelled preview of every pass). */
	readonly steps: readonly (readonly AppliedStep[])[];
	/** Files beside the Dockerfile the applied fixes write (the caller writes them). */
	readonly files: readonly FileChange[];
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

/** A file change's identity, to take each one once over all passes. */
function fileKey(file: FileChange): string {
	return `${file.path}\0${file.action}\0${file.text}`;
}

/** Whether a fix only writes files (no edit of the Dockerfile) and every file it writes was already taken. */
function doneFileOnly(d: HardenDiagnostic, taken: ReadonlySet<string>): boolean {
	const fix = d.data.fix;
	return fix !== undefined && fix.edits.length === 0 && (fix.details?.files ?? []).every((f) => taken.has(fileKey(f)));
}

/** Applies every fix of the given safeties until none is left or {@link MAX_PASSES} passes ran. */
export function fixAll(text: string, options: LintOptions & { readonly safeties: readonly FixSafety[] }): FixAllResult {
	let output = text;
	const applied: AppliedFix[] = [];
	const steps: AppliedStep[][] = [];
	const files: FileChange[] = [];
	const filesTaken = new Set<string>();
	let passes = 0;
	let result = lint(output, options);
	while (passes < MAX_PASSES) {
		// A fix that only writes a file is reported until the file exists: take it once.
		const open = result.diagnostics.filter((d) => !doneFileOnly(d, filesTaken));
		const { edits, taken } = selectFixes(output, open, options.safeties);
		if (taken.length === 0) {
			break;
		}
		passes++;
		for (const d of taken) {
			applied.push({ ruleId: d.code, title: d.data.fix!.title, line: d.range.start.line });
			for (const file of d.data.fix!.details?.files ?? []) {
				if (!filesTaken.has(fileKey(file))) {
					filesTaken.add(fileKey(file));
					files.push(file);
				}
			}
		}
		steps.push(taken.map((d) => ({ diagnostic: d, edits: d.data.fix!.edits })));
		const next = edits.length > 0 ? applyEdits(output, edits) : output;
		if (next === output) {
			if (edits.length > 0) {
				break;
			}
			continue;
		}
		output = next;
		result = lint(output, options);
	}
	return {
		output,
		passes,
		applied,
		steps,
		files,
		remaining: result.diagnostics.filter((d) => !doneFileOnly(d, filesTaken)),
	};
}
