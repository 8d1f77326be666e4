/**
 * Where fixes that add, move or copy whole instructions put them: the comment lines that belong to an instruction,
 * an instruction's text, and keywords written in the file's own case.
 */
import type { Instruction } from 'dockerfile-ast';
import { heredocsOf, parseDockerfile } from './ast';
import type { Position } from 'vscode-languageserver-types';
import type { FileModel } from './model';

const lineCache = new WeakMap<FileModel, string[]>();

function linesOf(model: FileModel): string[] {
	let lines = lineCache.get(model);
	if (!lines) {
		lines = model.document.getText().split(/\r\n|\r|\n/);
		lineCache.set(model, lines);
	}
	return lines;
}

/**
 * The first line of the comment lines directly above an instruction (no blank line between), or the instruction's
 * own first line. A suppression comment (`# dockerfile-harden ignore=…`) is such a line: whatever goes before the
 * instruction goes before it too, so the comment keeps applying to its instruction.
 */
export function attachedStartLine(model: FileModel, instruction: Instruction): number {
	const instructions = model.dockerfile.getInstructions();
	const index = instructions.indexOf(instruction);
	const previousEnd = index > 0 ? instructions[index - 1].getRange().end.line : -1;
	const lines = linesOf(model);
	let line = instruction.getRange().start.line;
	while (line - 1 > previousEnd && /^\s*#/.test(lines[line - 1] ?? '')) {
		line--;
	}
	return line;
}

/** Where to insert a line so that it comes before `instruction` and the comments attached to it. */
export function beforeInstruction(model: FileModel, instruction: Instruction): Position {
	return { line: attachedStartLine(model, instruction), character: 0 };
}

/** The instruction's text as written, from its keyword to its end (continuation lines and heredocs included). */
export function instructionText(model: FileModel, instruction: Instruction): string {
	return model.document.getText(instruction.getRange());
}

/** The instruction's text with the comment lines attached to it. */
export function instructionBlockText(model: FileModel, instruction: Instruction): string {
	return model.document.getText({
		start: { line: attachedStartLine(model, instruction), character: 0 },
		end: instruction.getRange().end,
	});
}

/** A keyword in the case most of the file's keywords are written in (upper case on a tie). */
export function keywordLike(model: FileModel, keyword: string): string {
	let lower = 0;
	let other = 0;
	for (const instruction of model.dockerfile.getInstructions()) {
		const written = instruction.getInstruction();
		if (written === written.toLowerCase()) {
			lower++;
		} else {
			other++;
		}
	}
	return lower > other ? keyword.toLowerCase() : keyword.toUpperCase();
}

/**
 * Whether an instruction ends in a line continuation (its last line ends with the escape character, as at the end of
 * a file): a line added after it would become part of it.
 */
export function endsWithContinuation(model: FileModel, instruction: Instruction): boolean {
	// Docker skips comment and empty lines inside a continuation, so `FROM x \` then `# note` at the end of the file
	// is still open (found by the fuzzer): the last line that counts is the last other one.
	const lines = instructionText(model, instruction).split(/\r\n|\r|\n/);
	for (let i = lines.length - 1; i >= 0; i--) {
		const line = lines[i].trim();
		if (line !== '' && !line.startsWith('#')) {
			return line.endsWith(model.escapeChar);
		}
	}
	return false;
}

/** Whether an instruction ends in a here-document without its closing line: a line added after it would be a line of the body. */
export function endsInOpenHeredoc(instruction: Instruction): boolean {
	return heredocsOf(instruction).some((heredoc) => heredoc.getDelimiterRange() === null);
}

/**
 * Whether an instruction added on a new line after `instruction` would be read as one of its own: the parser is
 * asked, on the text up to that instruction's end with a probe line appended. {@link endsWithContinuation} and
 * {@link endsInOpenHeredoc} name the usual reasons it would not; this also covers the ones they cannot see, such as
 * a here-document that dockerfile-ast opens but cannot report (found by the fuzzer: `RUN \<CR>#s<LF><<-`, where
 * DH101's USER became a line of the body and fix-all added it again on every pass).
 */
export function lineAfterStandsAlone(model: FileModel, instruction: Instruction): boolean {
	const text = model.document.getText();
	const end = model.document.offsetAt(instruction.getRange().end);
	const probe = `${text.slice(0, end)}\nUSER dockerfile-harden-probe\n`;
	const last = parseDockerfile(probe).getInstructions().at(-1);
	return last?.getKeyword() === 'USER' && last.getRange().start.line > instruction.getRange().end.line;
}
