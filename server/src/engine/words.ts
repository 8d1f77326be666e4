/**
 * The words of an instruction as BuildKit reads them: the strings of the JSON form, or the shell-form arguments
 * with their quotes removed (`ADD "https://x" /y` fetches https://x).
 */
import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import { jsonStringsOf } from './ast';

/** One word of an instruction and where it is written. */
export interface InstructionWord {
	readonly value: string;
	readonly range: Range;
}

/** Removes one pair of matching surrounding quotes. */
export function unquote(text: string): string {
	return text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.at(-1) === text[0] ? text.slice(1, -1) : text;
}

/** The instruction's words (flags excluded for COPY/ADD/RUN…, which dockerfile-ast leaves out of the arguments). */
export function wordsOf(instruction: Instruction): InstructionWord[] {
	const json = jsonStringsOf(instruction);
	if (json.length > 0) {
		return json.map((s) => ({ value: s.getJSONValue(), range: s.getRange() }));
	}
	return instruction.getArguments().map((a) => ({ value: unquote(a.getValue()), range: a.getRange() }));
}
