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
 */
export function removalRange(document: TextDocument, start: number, end: number): Range {
	const text = document.getText();
	let s = start;
	let e = end;
	if (isBlank(text[e])) {
		while (isBlank(text[e])) {
			e++;
		}
	} else {
		while (s > 0 && isBlank(text[s - 1])) {
			s--;
		}
	}
	if (s > 0 && isLineBreak(text[s - 1]) && (e >= text.length || isLineBreak(text[e]))) {
		// The line is now empty and ends the instruction: find the line break before it, then the escape character
		// (`\` or a backtick) that ends the line before, after its blanks.
		let q = s - 1;
		if (text[q] === '\n' && text[q - 1] === '\r') {
			q--;
		}
		q--;
		while (q >= 0 && isBlank(text[q])) {
			q--;
		}
		if (text[q] === '\\' || text[q] === '`') {
			q--;
			while (q >= 0 && isBlank(text[q])) {
				q--;
			}
			s = q + 1;
		}
	}
	return { start: document.positionAt(s), end: document.positionAt(e) };
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
