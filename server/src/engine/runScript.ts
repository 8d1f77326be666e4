/**
 * Turns a `RUN` instruction into the shell commands it runs, each word located in the Dockerfile.
 *
 * Docker hands the shell the instruction with its line continuations (escape character + newline) removed and the
 * comment lines inside a continuation dropped; here-document bodies pass through untouched. We rebuild exactly that
 * text, keep a map from each of its characters back to the document, and parse it with {@link parseShell}.
 */
import type { Instruction } from 'dockerfile-ast';
import type { Position, Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { heredocsOf, isExecForm, jsonStringsOf } from './ast';
import { parseShell, type ShellCommand, type ShellWord } from './shell';

/** A word of a `RUN` command with its place in the document. */
export interface RunWord {
	readonly text: string;
	readonly value: string;
	readonly dynamic: boolean;
	/** Whether the word is a JSON string of an exec-form instruction (an option is added as `, "--opt"`). */
	readonly json: boolean;
	/** Document offsets. */
	readonly start: number;
	readonly end: number;
	readonly range: Range;
}

/** A simple command of a `RUN` instruction. */
export interface RunCommand {
	readonly assignments: readonly RunWord[];
	/** The command name and its arguments. */
	readonly words: readonly RunWord[];
	readonly range: Range;
	/** Commands of one pipeline share this key; `undefined` outside a pipeline. */
	readonly pipeline: string | undefined;
	readonly pipeIndex: number;
	readonly declaration: boolean;
}

/** What a `RUN` instruction runs. */
export interface RunScript {
	/** `shell`: shell form; `exec`: JSON form; `none`: not a POSIX shell (e.g. `SHELL ["powershell", …]`). */
	readonly form: 'shell' | 'exec' | 'none';
	readonly commands: readonly RunCommand[];
	readonly hasError: boolean;
	/**
	 * Where text appended to the RUN runs after everything it does (`… && rm -rf /var/lib/apt/lists/*`): only for
	 * a shell-form RUN without here-documents that parsed cleanly and does not end in the background.
	 */
	readonly appendAt: Position | undefined;
}

/** Shells whose scripts this module understands. */
export const POSIX_SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'mksh', 'busybox']);

/** `/usr/bin/pip3` → `pip3`. */
export function basename(path: string): string {
	const i = path.lastIndexOf('/');
	return i < 0 ? path : path.slice(i + 1);
}

/**
 * Where each character of a logical text sits in the document, as runs of consecutive offsets: one entry per line
 * of a RUN rather than one number per character (which made rebuilding the text a fifth of an analysis).
 */
class OffsetMap {
	/** Where each run starts in the logical text, and the document offset it starts at. */
	private readonly logicalStarts: number[] = [];
	private readonly documentStarts: number[] = [];
	private length = 0;
	private endOffset: number;

	/** @param emptyOffset the document offset of an empty text's end */
	constructor(emptyOffset: number) {
		this.endOffset = emptyOffset;
	}

	/** Appends `count` logical characters copied from the document at `offset`. */
	append(offset: number, count: number): void {
		if (count <= 0) {
			return;
		}
		const last = this.logicalStarts.length - 1;
		if (last < 0 || this.documentStarts[last] + (this.length - this.logicalStarts[last]) !== offset) {
			this.logicalStarts.push(this.length);
			this.documentStarts.push(offset);
		}
		this.length += count;
		this.endOffset = offset + count;
	}

	/** The document offset of logical character `i`; from the text's length on, the offset just after the last one. */
	at(i: number): number {
		if (i >= this.length) {
			return this.endOffset;
		}
		let lo = 0;
		let hi = this.logicalStarts.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (this.logicalStarts[mid] <= i) {
				lo = mid;
			} else {
				hi = mid - 1;
			}
		}
		return this.documentStarts[lo] + (i - this.logicalStarts[lo]);
	}
}

interface Logical {
	readonly text: string;
	readonly offsets: OffsetMap;
}

/**
 * Analyses a `RUN` instruction.
 *
 * @param shell the stage's shell (`SHELL` instruction), `undefined` for the default `/bin/sh -c`
 */
export function analyseRun(
	document: TextDocument,
	instruction: Instruction,
	escapeChar: string,
	shell: readonly string[] | undefined,
): RunScript {
	if (shell && shell.length > 0 && !POSIX_SHELLS.has(basename(shell[0]).replace(/\.exe$/i, ''))) {
		return { form: 'none', commands: [], hasError: false, appendAt: undefined };
	}
	if (isExecForm(instruction)) {
		return analyseExec(document, instruction);
	}
	const args = instruction.getArguments();
	if (args.length === 0) {
		return { form: 'shell', commands: [], hasError: false, appendAt: undefined };
	}
	const start = document.offsetAt(args[0].getRange().start);
	const end = document.offsetAt(instruction.getRange().end);
	const raw = rawRegions(document, instruction);
	const logical = buildLogical(document.getText(), start, end, escapeChar, raw);
	const parsed = parseScripts(logical.text);
	const script = locate(document, logical, parsed);
	// Only a RUN without here-documents: text appended after a body would not run after it.
	const append = raw.length === 0 && !parsed.hasError ? parsed.appendAt : undefined;
	return {
		...script,
		appendAt: append === undefined ? undefined : document.positionAt(logical.offsets.at(append - 1) + 1),
	};
}

function analyseExec(document: TextDocument, run: Instruction): RunScript {
	const strings = jsonStringsOf(run);
	const words: RunWord[] = strings.map((s) => {
		const range = s.getRange();
		const text = document.getText(range);
		return {
			text,
			value: s.getJSONValue(),
			dynamic: false,
			json: true,
			start: document.offsetAt(range.start),
			end: document.offsetAt(range.end),
			range,
		};
	});
	if (words.length === 0) {
		return { form: 'exec', commands: [], hasError: false, appendAt: undefined };
	}
	// ["sh", "-c", "script"]: the script is shell code. Locate it only when the JSON string has no escapes, so
	// offsets inside it map one to one.
	if (words.length >= 3 && POSIX_SHELLS.has(basename(words[0].value)) && words[1].value === '-c') {
		const script = words[2];
		const inner = script.text.slice(1, -1);
		if (!inner.includes('\\')) {
			const offsets = new OffsetMap(script.start + 1);
			offsets.append(script.start + 1, inner.length);
			const located = locate(document, { text: inner, offsets }, parseScripts(inner));
			return { ...located, form: 'exec', appendAt: undefined };
		}
	}
	const range = { start: words[0].range.start, end: words[words.length - 1].range.end };
	return {
		form: 'exec',
		commands: [{ assignments: [], words, range, pipeline: undefined, pipeIndex: 0, declaration: false }],
		hasError: false,
		appendAt: undefined,
	};
}

/** Here-document bodies and their closing delimiters: passed to the shell as written. */
function rawRegions(document: TextDocument, run: Instruction): [number, number][] {
	const regions: [number, number][] = [];
	for (const heredoc of heredocsOf(run)) {
		const content = heredoc.getContentRange();
		const delimiter = heredoc.getDelimiterRange();
		const first = content?.start ?? delimiter?.start;
		const last = delimiter?.end ?? content?.end;
		if (!first || !last) {
			continue;
		}
		const start = document.offsetAt({ line: first.line, character: 0 });
		const end = document.offsetAt(last);
		if (end > start) {
			regions.push([start, end]);
		}
	}
	return regions.sort((a, b) => a[0] - b[0]);
}

const CR = 0x0d;
const LF = 0x0a;

function isBlank(c: string | undefined): boolean {
	return c === ' ' || c === '\t';
}

/**
 * Rebuilds the text Docker gives the shell, with its map back to document offsets. Text without escape characters,
 * carriage returns or here-documents is copied a slice at a time.
 */
function buildLogical(text: string, start: number, end: number, escapeChar: string, raw: [number, number][]): Logical {
	const parts: string[] = [];
	const offsets = new OffsetMap(start);
	const escapeCode = escapeChar.charCodeAt(0);
	const copy = (from: number, to: number): void => {
		if (to > from) {
			parts.push(text.slice(from, to));
			offsets.append(from, to - from);
		}
	};
	let r = 0;
	let i = start;
	while (i < end) {
		while (r < raw.length && raw[r][1] <= i) {
			r++;
		}
		if (r < raw.length && raw[r][0] <= i) {
			// Inside a here-document: copy as is, except that CRLF becomes LF.
			const stop = Math.min(raw[r][1], end);
			let from = i;
			for (; i < stop; i++) {
				if (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF) {
					copy(from, i);
					from = i + 1;
				}
			}
			copy(from, stop);
			continue;
		}
		// Copy up to the next character that needs a look: the escape character, a CR, or a here-document. (A scan
		// bounded by the instruction: indexOf would search the rest of the document each time.)
		const limit = r < raw.length && raw[r][0] < end ? raw[r][0] : end;
		let next = i;
		while (next < limit) {
			const code = text.charCodeAt(next);
			if (code === escapeCode || code === CR) {
				break;
			}
			next++;
		}
		copy(i, next);
		i = next;
		if (i >= end || (r < raw.length && raw[r][0] <= i)) {
			continue;
		}
		const c = text[i];
		if (c === escapeChar) {
			let j = i + 1;
			while (j < end && isBlank(text[j])) {
				j++;
			}
			if (text[j] === '\r' && text[j + 1] === '\n') {
				j++;
			}
			if (j >= end || text[j] === '\n') {
				i = skipContinuationFillers(text, j + 1, end);
				continue;
			}
		}
		if (c === '\r' && text[i + 1] === '\n') {
			i++;
			continue;
		}
		copy(i, i + 1);
		i++;
	}
	return { text: parts.join(''), offsets };
}

/** After a continuation, Docker drops empty lines and comment lines. */
function skipContinuationFillers(text: string, from: number, end: number): number {
	let i = from;
	for (;;) {
		let k = i;
		while (k < end && isBlank(text[k])) {
			k++;
		}
		if (k < end && text[k] === '#') {
			const nl = text.indexOf('\n', k);
			if (nl < 0 || nl >= end) {
				return end;
			}
			i = nl + 1;
			continue;
		}
		if (text[k] === '\r' && text[k + 1] === '\n') {
			k++;
		}
		if (k < end && text[k] === '\n') {
			i = k + 1;
			continue;
		}
		return i;
	}
}

interface OffsetCommand {
	readonly command: ShellCommand;
	/** Added to the command's offsets to get logical offsets (non-zero for nested scripts). */
	readonly shift: number;
}

const HEREDOC_ONLY = /^\s*(?:<<-?\s*(["']?)[A-Za-z_][\w.-]*\1\s*)+$/;

/**
 * Parses the logical text. `RUN <<EOF` (no command) runs the body as a script; so does `RUN bash <<EOF`. A body
 * with a non-shell shebang (`#!/usr/bin/env python3`) is not shell code.
 */
function parseScripts(text: string): { commands: OffsetCommand[]; hasError: boolean; appendAt: number | undefined } {
	const firstLineEnd = text.indexOf('\n');
	const commandLine = firstLineEnd < 0 ? text : text.slice(0, firstLineEnd);
	// A command line of only `<<EOF` operators is not valid shell; only the bodies are code.
	const heredocOnly = HEREDOC_ONLY.test(commandLine);
	const parsed = heredocOnly ? { commands: [], hasError: false, appendAt: undefined } : parseShell(text);
	const commands: OffsetCommand[] = [];
	let hasError = parsed.hasError;
	const addBody = (start: number, end: number): void => {
		const body = text.slice(start, end);
		if (!isShellBody(body)) {
			return;
		}
		const inner = parseShell(body);
		hasError ||= inner.hasError;
		for (const command of inner.commands) {
			commands.push({ command, shift: start });
		}
	};
	if (heredocOnly) {
		for (const body of heredocBodiesAfter(text, firstLineEnd)) {
			addBody(body[0], body[1]);
		}
	}
	for (const command of parsed.commands) {
		commands.push({ command, shift: 0 });
		const name = command.words[0]?.value;
		if (
			name &&
			POSIX_SHELLS.has(basename(name)) &&
			!command.words.some((w) => w.value === '-c') &&
			command.heredocs.length > 0
		) {
			for (const body of command.heredocs) {
				addBody(body.start, body.end);
			}
		}
	}
	commands.sort((a, b) => a.command.start + a.shift - (b.command.start + b.shift));
	return { commands, hasError, appendAt: parsed.appendAt };
}

function isShellBody(body: string): boolean {
	const first = body.trimStart();
	if (!first.startsWith('#!')) {
		return true;
	}
	const line = first.slice(2, first.indexOf('\n') < 0 ? undefined : first.indexOf('\n')).trim();
	const parts = line.split(/\s+/);
	const interpreter = basename(parts[0] ?? '') === 'env' ? (parts[1] ?? '') : basename(parts[0] ?? '');
	return POSIX_SHELLS.has(basename(interpreter));
}

/** Bodies of `<<EOF` here-documents when the command line has no command (tree-sitter then has no command node). */
function heredocBodiesAfter(text: string, firstLineEnd: number): [number, number][] {
	if (firstLineEnd < 0) {
		return [];
	}
	const names: { name: string; strip: boolean }[] = [];
	const re = /<<(-?)\s*(["']?)([A-Za-z_][\w.-]*)\2/g;
	const commandLine = text.slice(0, firstLineEnd);
	for (let m = re.exec(commandLine); m; m = re.exec(commandLine)) {
		names.push({ name: m[3], strip: m[1] === '-' });
	}
	const bodies: [number, number][] = [];
	let pos = firstLineEnd + 1;
	for (const { name, strip } of names) {
		const start = pos;
		let end = text.length;
		let next = text.length;
		let lineStart = pos;
		while (lineStart < text.length) {
			const nl = text.indexOf('\n', lineStart);
			const lineEnd = nl < 0 ? text.length : nl;
			const line = text.slice(lineStart, lineEnd);
			if ((strip ? line.replace(/^\t+/, '') : line) === name) {
				end = lineStart;
				next = nl < 0 ? text.length : nl + 1;
				break;
			}
			lineStart = lineEnd + 1;
		}
		bodies.push([start, end]);
		pos = next;
	}
	return bodies;
}

function locate(
	document: TextDocument,
	logical: Logical,
	parsed: { commands: OffsetCommand[]; hasError: boolean },
): RunScript {
	const { offsets } = logical;
	const toDoc = (start: number, end: number): { start: number; end: number; range: Range } => {
		const s = offsets.at(start);
		const e = end > start ? offsets.at(end - 1) + 1 : s;
		return { start: s, end: e, range: { start: document.positionAt(s), end: document.positionAt(e) } };
	};
	const word = (w: ShellWord, shift: number): RunWord => {
		const at = toDoc(w.start + shift, w.end + shift);
		return { text: w.text, value: w.value, dynamic: w.dynamic, json: false, ...at };
	};
	const commands: RunCommand[] = parsed.commands.map(({ command, shift }) => ({
		assignments: command.assignments.map((w) => word(w, shift)),
		words: command.words.map((w) => word(w, shift)),
		range: toDoc(command.start + shift, command.end + shift).range,
		pipeline: command.pipeline === undefined ? undefined : `${shift}:${command.pipeline}`,
		pipeIndex: command.pipeIndex,
		declaration: command.declaration,
	}));
	return { form: 'shell', commands, hasError: parsed.hasError, appendAt: undefined };
}
