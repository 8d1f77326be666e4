/**
 * What must hold for any input text, whatever it is: the properties the fuzzers check (test/fuzz/*.test.ts with
 * fixed seeds, `npm run fuzz` for long runs) and the regression tests replay.
 *
 * - The engine never throws and no rule fails (`lint().failedRules` stays empty).
 * - It finishes within a time bound per kilobyte.
 * - Every finding has a range inside the document.
 * - Every fix's edits land on valid positions (not past a line's end, not inside a CRLF or a surrogate pair); applying
 *   them changes nothing outside them; the result re-parses with no new syntax error (dockerfile-utils): a valid file
 *   stays valid, a broken one gets no more errors of a new kind.
 * - So does fix-all's output, and fix-all is idempotent on it.
 *
 * Syntax is compared only for text without lone CRs (see {@link checkInvariants}).
 */
import { validate, ValidationCode } from '../harness/dockerfileUtils';
import { DockerfileParser } from 'dockerfile-ast';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseableText } from '../../server/src/engine/ast';
import { applyEdits, fixAll } from '../../server/src/engine/fixer';
import { lint, type HardenDiagnostic, type LintOptions } from '../../server/src/engine/lint';
import { clearShellCache } from '../../server/src/engine/shell';
import type { FixEdit, FixSafety } from '../../server/src/protocol';

/** One broken property: which one, and details for the report. */
export interface Violation {
	readonly property:
		| 'throws'
		| 'rule-failed'
		| 'too-slow'
		| 'range'
		| 'edit-position'
		| 'text-outside-edit'
		| 'fix-syntax'
		| 'fix-all-syntax'
		| 'fix-all-idempotent';
	readonly detail: string;
}

/**
 * The time bound, in CPU time: a fixed allowance (a first analysis, GC pauses) plus a budget per kilobyte. A real
 * file costs about 0.6 ms per KiB (docs/performance.md); adversarial shell text (thousands of `))`, `||` or `>>`)
 * makes tree-sitter's error recovery quadratic until the parse budget (shell.ts `parseBudgetMs`) stops it, which
 * costs up to about 90 ms per KiB. The bound sits above that: what trips it is work that grows faster than the
 * input, which is what "hangs" means.
 */
export const TIME_BOUND = { baseMs: 300, perKiBMs: 100 } as const;

/** The time allowed for analysing `text` once. */
export function timeBoundMs(text: string): number {
	return TIME_BOUND.baseMs + (TIME_BOUND.perKiBMs * text.length) / 1024;
}

/** What {@link checkInvariants} checks besides the text. */
export interface CheckOptions {
	/** Also check the time bound (off where timing is meaningless, e.g. under a debugger). Default: on. */
	readonly timing?: boolean;
	/** Fix safeties fix-all applies. Default: safe and review. */
	readonly safeties?: readonly FixSafety[];
	readonly lintOptions?: LintOptions;
}

/**
 * CPU time of this process in milliseconds: the bound is about work, and wall time on a shared machine also counts
 * the time other processes had the core.
 */
function cpuMs(): number {
	const usage = process.cpuUsage();
	return (usage.user + usage.system) / 1000;
}

/**
 * Runs `work` and records a `too-slow` violation when it takes more CPU time than {@link timeBoundMs} allows for
 * `text`, twice in a row (once more before blaming the engine: a GC pause or a busy machine is not super-linear work).
 */
function withinBound<T>(text: string, what: string, options: CheckOptions, out: Violation[], work: () => T): T {
	let start = cpuMs();
	let result = work();
	let elapsed = cpuMs() - start;
	if (options.timing !== false && elapsed > timeBoundMs(text)) {
		start = cpuMs();
		result = work();
		elapsed = Math.min(elapsed, cpuMs() - start);
		if (elapsed > timeBoundMs(text)) {
			out.push({
				property: 'too-slow',
				detail: `${what}: ${elapsed.toFixed(0)} ms for ${(text.length / 1024).toFixed(1)} KiB (bound ${timeBoundMs(text).toFixed(0)} ms)`,
			});
		}
	}
	return result;
}

/** dockerfile-utils' syntax errors: how many, and their messages. */
export interface SyntaxErrors {
	readonly count: number;
	readonly messages: ReadonlySet<string>;
}

/**
 * Whether `diagnostic` is dockerfile-utils' "Instruction has no arguments" on an instruction dockerfile-ast reads
 * arguments in. They disagree when the first argument starts with the escape character: for ENV and LABEL
 * dockerfile-ast's getPropertyArguments() skips it while getArguments() reads it, so `ENV \\x=2`, which Docker reads
 * as `x=2`, gets the report. Set aside whatever follows the escape: an escaped blank (`ENV \\  A=1`) is an error for
 * Docker too, but a fix only leaves one where the input already had that word, which Docker rejected before the fix.
 */
function misreadArguments(diagnostic: Diagnostic, linesWithArguments: () => ReadonlySet<number>): boolean {
	return diagnostic.code === ValidationCode.ARGUMENT_MISSING && linesWithArguments().has(diagnostic.range.start.line);
}

/** dockerfile-utils' syntax errors in `text`, as the fuzzers compare them (exported for the regression tests). */
export function syntaxErrors(text: string): SyntaxErrors {
	// As the server calls it: dockerfile-utils parses with dockerfile-ast, quadratic on a one-line comment file.
	const parseable = parseableText(text);
	let lines: Set<number> | undefined;
	// The lines where an instruction with arguments starts, parsed once and only when a report needs them.
	const linesWithArguments = (): ReadonlySet<number> =>
		(lines ??= new Set(
			DockerfileParser.parse(parseable)
				.getInstructions()
				.filter((i) => i.getArguments().length > 0)
				.map((i) => i.getInstructionRange().start.line),
		));
	const errors = validate(parseable).filter((d) => d.severity === 1 && !misreadArguments(d, linesWithArguments));
	return {
		count: errors.length,
		messages: new Set(errors.map((d) => (typeof d.message === 'string' ? d.message : d.message.value))),
	};
}

/** {@link brokenSyntax} for an output text; `undefined` also when dockerfile-utils cannot read it (see checkFix). */
function brokenSyntaxOf(before: SyntaxErrors, output: string): string | undefined {
	try {
		return brokenSyntax(before, syntaxErrors(output));
	} catch {
		return undefined;
	}
}

/**
 * What a fix broke, if anything. A valid file must stay valid. A file that already had errors must not get more of a
 * kind it did not have: a fix that copies a line copies its error too (DH501 splits a stage, so an invalid FROM
 * appears twice), and a fix that removes part of a broken line can change how dockerfile-utils words the error it
 * already had (`ENV PASSWORD=1 A` without the secret is `ENV A`); neither breaks anything that worked.
 */
function brokenSyntax(before: SyntaxErrors, after: SyntaxErrors): string | undefined {
	if (before.count === 0) {
		return after.count === 0 ? undefined : [...after.messages].join('; ');
	}
	const added = [...after.messages].filter((message) => !before.messages.has(message));
	return after.count > before.count && added.length > 0 ? added.join('; ') : undefined;
}

function errorText(error: unknown): string {
	return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Whether `position` names a real place in the document (and round-trips through an offset). */
function validPosition(document: TextDocument, position: { line: number; character: number }): boolean {
	if (!Number.isInteger(position.line) || !Number.isInteger(position.character)) {
		return false;
	}
	if (position.line < 0 || position.character < 0 || position.line >= document.lineCount) {
		return false;
	}
	const back = document.positionAt(document.offsetAt(position));
	return back.line === position.line && back.character === position.character;
}

/** Whether an offset falls between the halves of a surrogate pair or of a CRLF. */
function splitsPair(text: string, offset: number): boolean {
	if (offset <= 0 || offset >= text.length) {
		return false;
	}
	const before = text.charCodeAt(offset - 1);
	const after = text.charCodeAt(offset);
	const surrogates = before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
	return surrogates || (before === 0x0d && after === 0x0a);
}

/** Checks one fix: valid positions, nothing changed outside its edits, no new syntax errors. */
function checkFix(
	text: string,
	document: TextDocument,
	diagnostic: HardenDiagnostic,
	edits: readonly FixEdit[],
	baseErrors: SyntaxErrors | undefined,
	out: Violation[],
): void {
	const where = `${diagnostic.code} at ${diagnostic.range.start.line}:${diagnostic.range.start.character}`;
	for (const edit of edits) {
		if (!validPosition(document, edit.range.start) || !validPosition(document, edit.range.end)) {
			out.push({
				property: 'edit-position',
				detail: `${where}: edit range ${JSON.stringify(edit.range)} is not in the document`,
			});
			return;
		}
		const start = document.offsetAt(edit.range.start);
		const end = document.offsetAt(edit.range.end);
		if (splitsPair(text, start) || splitsPair(text, end)) {
			out.push({
				property: 'edit-position',
				detail: `${where}: edit ${JSON.stringify(edit.range)} splits a CRLF or a surrogate pair`,
			});
			return;
		}
	}
	const spans = edits
		.map((e) => ({ start: document.offsetAt(e.range.start), end: document.offsetAt(e.range.end), newText: e.newText }))
		.sort((a, b) => a.start - b.start || a.end - b.end);
	const output = applyEdits(text, edits);
	// Rebuild the expected output from the untouched pieces and the new texts: any other difference is lost text.
	let expected = '';
	let last = 0;
	for (const span of spans) {
		expected += text.slice(last, span.start) + span.newText;
		last = span.end;
	}
	expected += text.slice(last);
	if (output !== expected) {
		out.push({ property: 'text-outside-edit', detail: `${where}: applying the fix changed text outside its edits` });
		return;
	}
	if (baseErrors === undefined) {
		return;
	}
	let after: SyntaxErrors;
	try {
		after = syntaxErrors(output);
	} catch {
		// The oracle, not the fix: dockerfile-utils 0.16.3 overflows its stack on a BOM followed by an instruction
		// that uses a variable in a file without FROM (`\uFEFFRUN $d`), which DH301 can leave by removing the ARG.
		return;
	}
	const broken = brokenSyntax(baseErrors, after);
	if (broken !== undefined) {
		out.push({
			property: 'fix-syntax',
			detail: `${where}: fix "${diagnostic.data.fix?.title}" adds syntax errors: ${broken}`,
		});
	}
}

/**
 * Checks every property on `text`. Returns the violations (empty when everything holds); never throws (an exception
 * from the engine is a violation).
 */
export function checkInvariants(text: string, options: CheckOptions = {}): Violation[] {
	const out: Violation[] = [];
	const lintOptions = options.lintOptions ?? {};
	const safeties = options.safeties ?? ['safe', 'review'];
	const failures: string[] = [];
	const logger = { error: (message: string): void => void failures.push(message) };

	let diagnostics: HardenDiagnostic[];
	try {
		// Cold: the shell parse cache must not hide the cost of this text.
		const result = withinBound(text, 'analysis', options, out, () => {
			clearShellCache();
			return lint(text, { ...lintOptions, logger });
		});
		if (result.failedRules.length > 0) {
			out.push({ property: 'rule-failed', detail: `${result.failedRules.join(', ')}: ${failures.join(' | ')}` });
		}
		diagnostics = result.diagnostics;
	} catch (error) {
		out.push({ property: 'throws', detail: `lint threw: ${errorText(error)}` });
		return out;
	}

	const document = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
	for (const d of diagnostics) {
		if (!validPosition(document, d.range.start) || !validPosition(document, d.range.end)) {
			out.push({ property: 'range', detail: `${d.code}: range ${JSON.stringify(d.range)} is not in the document` });
		} else if (document.offsetAt(d.range.start) > document.offsetAt(d.range.end)) {
			out.push({ property: 'range', detail: `${d.code}: range ${JSON.stringify(d.range)} ends before it starts` });
		}
	}

	// The syntax oracle is dockerfile-utils, which reads a lone CR as a line break (and then loses parser directives
	// after the first), while Docker reads it as part of a line: a file with lone CRs is one line to the builder.
	// There the two disagree, so syntax is compared only for text without them; every other property still holds.
	// The server runs the same syntax check on every version of a document (language features on): it is timed too.
	let baseErrors: SyntaxErrors | undefined;
	try {
		const errors = withinBound(text, 'syntax check', options, out, () => syntaxErrors(text));
		baseErrors = /\r(?!\n)/.test(text) ? undefined : errors;
	} catch {
		// dockerfile-utils itself cannot read this text: there is no syntax baseline to compare with.
		baseErrors = undefined;
	}
	for (const d of diagnostics) {
		const edits = d.data.fix?.edits;
		if (edits && edits.length > 0) {
			try {
				checkFix(text, document, d, edits, baseErrors, out);
			} catch (error) {
				out.push({ property: 'throws', detail: `applying the fix of ${d.code} threw: ${errorText(error)}` });
			}
		}
	}

	try {
		const fixed = fixAll(text, { ...lintOptions, logger, safeties });
		if (fixed.output !== text) {
			const broken = baseErrors === undefined ? undefined : brokenSyntaxOf(baseErrors, fixed.output);
			if (broken !== undefined) {
				out.push({ property: 'fix-all-syntax', detail: `fix-all adds syntax errors: ${broken}` });
			}
			const again = fixAll(fixed.output, { ...lintOptions, logger, safeties });
			if (again.output !== fixed.output) {
				out.push({
					property: 'fix-all-idempotent',
					detail: `fix-all changes its own output again (${again.applied.map((a) => a.ruleId).join(', ')})`,
				});
			}
		}
		if (failures.length > 0 && !out.some((v) => v.property === 'rule-failed')) {
			out.push({ property: 'rule-failed', detail: `during fix-all: ${failures.join(' | ')}` });
		}
	} catch (error) {
		out.push({ property: 'throws', detail: `fixAll threw: ${errorText(error)}` });
	}
	return out;
}
