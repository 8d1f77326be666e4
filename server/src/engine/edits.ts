/**
 * Edits that remove a word or a property without leaving a gap or joining lines: the removal takes the spaces after
 * the word when it has any on its line, otherwise the spaces before it.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';

function isBlank(c: string | undefined): boolean {
	return c === ' ' || c === '\t';
}

/** The range that removes the text from `start` to `end` (document offsets) with its separating blanks. */
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
