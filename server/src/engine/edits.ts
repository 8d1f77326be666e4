/**
 * Edits that remove a word or a property without leaving a gap or joining lines: the removal takes the spaces after
 * the word when it has any on its line, otherwise the spaces before it.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';

function isBlank(c: string | undefined): boolean {
	return c === ' ' || c === '\t';
}

function isLineBreak(c: string | undefined): boolean {
	return c === '\n' || c === '\r';
}

/**
 * The range that removes the text from `start` to `end` (document offsets) with its separating blanks. When that
 * empties the last line of an instruction, the continuation that led to it goes too: otherwise the line before would
 * continue into the next instruction (Docker skips the empty line), as `ENV A=1 \` did once the fuzzer's
 * `PYTHONHTTPSVERIFY=0` below it was removed.
 *
 * A removal that ends its line must not leave the line ending in the escape character either: Docker reads an escape
 * character followed only by blanks as a continuation. An escape that escapes the one blank before the removed text,
 * after a blank of its own (`ENV D= \ PASSWORD`), goes with it; any other (`D=x\  P`, where it escapes a blank of
 * D's value, or a run like `D=a\\ P`) would have to stay, so that layout has no removal (`undefined`).
 */
export function removalRange(
	document: TextDocument,
	start: number,
	end: number,
	escapeChar: string,
): Range | undefined {
	const text = document.getText();
	let s = start;
	let e = end;
	if (isBlank(text[e])) {
		while (isBlank(text[e])) {
			e++;
		}
	} else if (e >= text.length || isLineBreak(text[e])) {
		while (s > 0 && isBlank(text[s - 1])) {
			s--;
		}
	}
	// (Text that runs straight into the next word, as dockerfile-ast reads `D=x \  D=`, goes alone: taking the blanks
	// before it too would join the words on either side.)
	const endsLine = e >= text.length || isLineBreak(text[e]);
	if (endsLine) {
		// What the line would end with: the text before `s`, blanks aside.
		let p = s;
		while (p > 0 && isBlank(text[p - 1])) {
			p--;
		}
		let run = 0;
		while (p - run > 0 && text[p - run - 1] === escapeChar) {
			run++;
		}
		if (run > 1) {
			return undefined;
		}
		if (run === 1) {
			// The escape may go only when it escapes the one blank that starts the removed word (`D=a \ PASSWORD`);
			// `D=x\  P` (it escapes a blank of D's value) or `x \  -k` (an argument of one blank) would lose text.
			const escapesRemovedBlank = p + 1 === start && (p - 1 === 0 || /[ \t\r\n]/.test(text[p - 2]));
			if (!escapesRemovedBlank) {
				return undefined;
			}
			s = p - 1;
			while (s > 0 && isBlank(text[s - 1])) {
				s--;
			}
		}
	}
	if (s > 0 && isLineBreak(text[s - 1]) && endsLine) {
		// The line is now empty and ends the instruction: the continuation that led to it goes too.
		const continuation = continuationLeadingTo(text, s, ['\\', '`']);
		if (continuation !== undefined) {
			s = continuation;
		}
	}
	return { start: document.positionAt(s), end: document.positionAt(e) };
}

/**
 * Where the continuation that carries an instruction onto the line starting at `lineStart` begins (the blanks before
 * its escape character), so that removing from there to the end of the removed text ends the instruction on its last
 * line with content. Lines between that hold nothing, or only an escape character, are part of the continuation
 * (Docker skips them) and go with it: stopping at one of them left `ENV X=1 \` continuing into the next instruction
 * (found by the fuzzer). `undefined` when the line with content before is a comment (the parser drops it, escape and
 * all) or does not end with an escape character in `escapes`.
 */
export function continuationLeadingTo(text: string, lineStart: number, escapes: readonly string[]): number | undefined {
	let end = lineStart;
	while (end > 0) {
		// The line before `end`: from its start to its line break.
		let lineEnd = end - 1;
		if (text[lineEnd] === '\n' && text[lineEnd - 1] === '\r') {
			lineEnd--;
		}
		const start = Math.max(text.lastIndexOf('\n', lineEnd - 1), text.lastIndexOf('\r', lineEnd - 1)) + 1;
		const line = text.slice(start, lineEnd);
		const content = line.replace(/[ \t]+$/, '');
		const last = content.at(-1);
		const emptyContinuation = last !== undefined && escapes.includes(last) && content.slice(0, -1).trim() === '';
		if (content.trim() === '' || emptyContinuation) {
			end = start;
			continue;
		}
		if (content.trimStart().startsWith('#') || last === undefined || !escapes.includes(last)) {
			return undefined;
		}
		let q = start + content.length - 1;
		while (q > start && isBlank(text[q - 1])) {
			q--;
		}
		return q;
	}
	return undefined;
}

/** The range of a whole instruction with its line break, to delete it (first and last lines kept intact around it). */
export function instructionRemovalRange(document: TextDocument, range: Range): Range {
	const text = document.getText();
	let end = document.offsetAt(range.end);
	if (text[end] === '\r' && text[end + 1] === '\n') {
		end += 2;
	} else if (text[end] === '\n' || text[end] === '\r') {
		end += 1;
	}
	return { start: { line: range.start.line, character: 0 }, end: document.positionAt(end) };
}
