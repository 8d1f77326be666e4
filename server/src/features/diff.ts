/**
 * Turns "old text → new text" into a few small edits, so applying fix-all moves no cursor, breakpoint or fold that
 * sits on an untouched line (vscode-eslint's `diff.ts` does the same for ESLint's fixed output).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from 'vscode-languageserver/node';
import { editScript } from '../engine/lineDiff';

/** Splits into lines that keep their terminator, so joining them gives the text back. */
function splitLines(text: string): string[] {
	return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

interface Hunk {
	/** Old line range [start, end). */
	readonly oldStart: number;
	readonly oldEnd: number;
	/** New line range [start, end). */
	readonly newStart: number;
	readonly newEnd: number;
}

/** Runs of changed lines between `a` and `b`, from the shared edit script. */
function lineHunks(a: readonly string[], b: readonly string[]): Hunk[] {
	const hunks: Hunk[] = [];
	let i = 0;
	let j = 0;
	let open: { i: number; j: number } | undefined;
	const close = (): void => {
		if (open) {
			hunks.push({ oldStart: open.i, oldEnd: i, newStart: open.j, newEnd: j });
			open = undefined;
		}
	};
	for (const op of editScript(a, b, (x, y) => x === y)) {
		if (op.kind === ' ') {
			close();
			i++;
			j++;
		} else {
			open ??= { i, j };
			if (op.kind === '-') {
				i++;
			} else {
				j++;
			}
		}
	}
	close();
	return hunks;
}

/** Whether cutting `text` at `offset` would split a `\r\n` pair or a surrogate pair. */
function splitsPair(text: string, offset: number): boolean {
	if (offset <= 0 || offset >= text.length) {
		return false;
	}
	const before = text.charCodeAt(offset - 1);
	const after = text.charCodeAt(offset);
	return (
		(before === 0x0d && after === 0x0a) || (before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff)
	);
}

/**
 * The edits that turn `oldText` into `newText`: one per changed run of lines, each trimmed to the characters that
 * differ. Applying them (in any order; they never overlap) to `oldText` gives exactly `newText`.
 */
export function minimalEdits(oldText: string, newText: string): TextEdit[] {
	if (oldText === newText) {
		return [];
	}
	const oldLines = splitLines(oldText);
	const newLines = splitLines(newText);
	const oldOffsets = [0];
	for (const line of oldLines) {
		oldOffsets.push(oldOffsets[oldOffsets.length - 1] + line.length);
	}
	const newOffsets = [0];
	for (const line of newLines) {
		newOffsets.push(newOffsets[newOffsets.length - 1] + line.length);
	}
	const document = TextDocument.create('file:///diff', 'dockerfile', 0, oldText);
	return lineHunks(oldLines, newLines).map((h) => {
		let start = oldOffsets[h.oldStart];
		let end = oldOffsets[h.oldEnd];
		let newStart = newOffsets[h.newStart];
		let newEnd = newOffsets[h.newEnd];
		while (start < end && newStart < newEnd && oldText[start] === newText[newStart]) {
			start++;
			newStart++;
		}
		while (end > start && newEnd > newStart && oldText[end - 1] === newText[newEnd - 1]) {
			end--;
			newEnd--;
		}
		// Never leave an edit boundary inside a CRLF or a surrogate pair: editors treat those as one unit.
		while (splitsPair(oldText, start) || splitsPair(newText, newStart)) {
			start--;
			newStart--;
		}
		while (splitsPair(oldText, end) || splitsPair(newText, newEnd)) {
			end++;
			newEnd++;
		}
		return {
			range: { start: document.positionAt(start), end: document.positionAt(end) },
			newText: newText.slice(newStart, newEnd),
		};
	});
}
