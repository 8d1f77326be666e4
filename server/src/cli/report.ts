/**
 * The CLI's report model, shared by the formatters: what was checked, what was found, what was fixed. Formatters
 * are pure functions of this model, so their output is deterministic and testable without a file system.
 */
import type { HardenDiagnostic } from '../engine/lint';
import type { FixData } from '../protocol';
import { redactSecrets } from './diff';
import type { Severity } from '../rules/types';

/** The findings of one checked file. */
export interface FileReport {
	/** The path as shown to the user: relative to the working directory, forward slashes (`<stdin>` for stdin). */
	readonly path: string;
	/** The absolute path on disk; `undefined` for stdin. */
	readonly absolutePath: string | undefined;
	/** Findings to report, sorted by position (after fixing: what remains). */
	readonly diagnostics: readonly HardenDiagnostic[];
	/** How many fixes were applied (or, with `--diff`, would be). */
	readonly fixed: number;
}

/** Everything a formatter needs. */
export interface Report {
	/** Files sorted by path. */
	readonly files: readonly FileReport[];
	/** Absolute working directory; SARIF's `%SRCROOT%`. */
	readonly cwd: string;
	/** The package version. */
	readonly version: string;
	/** Whether ANSI colours may be used (stylish only). */
	readonly color: boolean;
	/** Whether a fix mode ran, and whether it wrote files or only printed a diff. */
	readonly fixMode: 'none' | 'write' | 'diff';
	/** Whether any read or internal error happened (SARIF `executionSuccessful`). */
	readonly hadErrors: boolean;
}

/** LSP severity number → our level name. */
export function severityName(severity: HardenDiagnostic['severity']): Severity {
	switch (severity) {
		case 1:
			return 'error';
		case 2:
			return 'warning';
		case 3:
			return 'info';
		default:
			return 'hint';
	}
}

/** A finding's message as plain text (LSP 3.18 allows markup; the engine writes plain strings). */
export function messageText(d: HardenDiagnostic): string {
	return typeof d.message === 'string' ? d.message : d.message.value;
}

/** LSP severity number of a level, for thresholds (lower is more severe). */
export const SEVERITY_RANK: Readonly<Record<Severity, 1 | 2 | 3 | 4>> = { error: 1, warning: 2, info: 3, hint: 4 };

/** Totals over a report. */
export interface Counts {
	readonly problems: number;
	readonly errors: number;
	readonly warnings: number;
	readonly infos: number;
	readonly hints: number;
	/** Findings whose precomputed fix is safe (what `--fix` would apply). */
	readonly fixable: number;
	/** Findings whose fix needs review (what `--fix-unsafe` adds). */
	readonly fixableUnsafe: number;
	/** Fixes applied. */
	readonly fixed: number;
	/** Files in which at least one fix was applied. */
	readonly fixedFiles: number;
}

/** Counts the findings of some files. */
export function countFindings(files: readonly FileReport[]): Counts {
	let errors = 0;
	let warnings = 0;
	let infos = 0;
	let hints = 0;
	let fixable = 0;
	let fixableUnsafe = 0;
	let fixed = 0;
	let fixedFiles = 0;
	for (const file of files) {
		fixed += file.fixed;
		fixedFiles += file.fixed > 0 ? 1 : 0;
		for (const d of file.diagnostics) {
			switch (severityName(d.severity)) {
				case 'error':
					errors++;
					break;
				case 'warning':
					warnings++;
					break;
				case 'info':
					infos++;
					break;
				default:
					hints++;
			}
			const safety = d.data.fix?.safety;
			if (safety === 'safe') {
				fixable++;
			} else if (safety === 'review') {
				fixableUnsafe++;
			}
		}
	}
	return {
		problems: errors + warnings + infos + hints,
		errors,
		warnings,
		infos,
		hints,
		fixable,
		fixableUnsafe,
		fixed,
		fixedFiles,
	};
}

/** `1 problem`, `2 problems`. */
export function plural(count: number, word: string): string {
	return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** 1-based line and column of an LSP position (columns stay in UTF-16 code units, as LSP and SARIF count them). */
export function oneBased(position: { readonly line: number; readonly character: number }): {
	line: number;
	column: number;
} {
	return { line: position.line + 1, column: position.character + 1 };
}

/** `Fixed 3 problems in 2 files` (or `Would fix …` with `--diff`); `undefined` when no fix mode ran. */
export function fixSummary(report: Report): string | undefined {
	if (report.fixMode === 'none') {
		return undefined;
	}
	const counts = countFindings(report.files);
	const verb = report.fixMode === 'diff' ? 'Would fix' : 'Fixed';
	return `${verb} ${plural(counts.fixed, 'problem')} in ${plural(counts.fixedFiles, 'file')}`;
}

/**
 * Whether printing a fix's replacement text would print a credential. Rules never put one there, but a report
 * that is uploaded to a code-scanning service should not depend on that alone: such a fix is left out.
 */
export function fixRevealsSecret(fix: FixData): boolean {
	return fix.edits.some((edit) => redactSecrets(edit.newText) !== edit.newText);
}
