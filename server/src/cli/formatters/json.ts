/**
 * The machine-readable format: one JSON document with every checked file (clean ones too, so a consumer can tell
 * "checked, nothing found" from "not checked"), each finding in 1-based coordinates plus its LSP range, and totals.
 */
import type { FixData } from '../../protocol';
import type { Severity } from '../../rules/types';
import {
	countFindings,
	fixRevealsSecret,
	oneBased,
	messageText,
	severityName,
	type Counts,
	type Report,
} from '../report';

/** One finding in the JSON report. */
export interface JsonFinding {
	readonly ruleId: string;
	readonly ruleName: string;
	readonly severity: Severity;
	readonly message: string;
	/** 1-based; columns count UTF-16 code units. */
	readonly line: number;
	readonly column: number;
	readonly endLine: number;
	/** 1-based, exclusive (the column after the last character). */
	readonly endColumn: number;
	/** The LSP range (0-based), as editors and the fix edits use. */
	readonly range: {
		readonly start: { readonly line: number; readonly character: number };
		readonly end: { readonly line: number; readonly character: number };
	};
	readonly docsUrl: string | undefined;
	/** The precomputed fix, edits in LSP coordinates of the checked text. */
	readonly fix: FixData | undefined;
}

/** One file in the JSON report. */
export interface JsonFile {
	readonly path: string;
	readonly findings: readonly JsonFinding[];
	readonly fixed: number;
}

/** The JSON report. */
export interface JsonReport {
	readonly tool: { readonly name: 'dockerfile-harden'; readonly version: string };
	readonly files: readonly JsonFile[];
	readonly summary: Counts & { readonly files: number };
}

/** Builds the JSON report object. */
export function toJsonReport(report: Report): JsonReport {
	return {
		tool: { name: 'dockerfile-harden', version: report.version },
		files: report.files.map((file) => ({
			path: file.path,
			findings: file.diagnostics.map((d): JsonFinding => {
				const start = oneBased(d.range.start);
				const end = oneBased(d.range.end);
				return {
					ruleId: d.data.ruleId,
					ruleName: d.data.ruleName,
					severity: severityName(d.severity),
					message: messageText(d),
					line: start.line,
					column: start.column,
					endLine: end.line,
					endColumn: end.column,
					range: { start: { ...d.range.start }, end: { ...d.range.end } },
					docsUrl: d.codeDescription?.href,
					fix: d.data.fix && !fixRevealsSecret(d.data.fix) ? d.data.fix : undefined,
				};
			}),
			fixed: file.fixed,
		})),
		summary: { files: report.files.length, ...countFindings(report.files) },
	};
}

/** Formats a report as pretty-printed JSON. */
export function formatJson(report: Report): string {
	return JSON.stringify(toJsonReport(report), null, 2) + '\n';
}
