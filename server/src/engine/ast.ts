/**
 * Typed accessors over dockerfile-ast instructions, so rules need no casts: each returns an empty answer for
 * instructions that do not have the feature.
 */
import {
	Arg,
	Copy,
	Env,
	JSONInstruction,
	ModifiableInstruction,
	Run,
	type Flag,
	type Heredoc,
	type Instruction,
	type JSONArgument,
	type Property,
} from 'dockerfile-ast';

/** `--flag` options (`RUN --mount=…`, `COPY --from=…`). */
export function flagsOf(instruction: Instruction): Flag[] {
	return instruction instanceof ModifiableInstruction ? instruction.getFlags() : [];
}

/** The flag with this name (case-insensitive), if any. */
export function flagOf(instruction: Instruction, name: string): Flag | undefined {
	return flagsOf(instruction).find((f) => f.getName().toLowerCase() === name);
}

/** Here-documents of RUN and COPY. */
export function heredocsOf(instruction: Instruction): Heredoc[] {
	return instruction instanceof Run || instruction instanceof Copy ? instruction.getHeredocs() : [];
}

/** `NAME=value` properties of ARG and ENV. */
export function propertiesOf(instruction: Instruction): Property[] {
	if (instruction instanceof Arg) {
		const p = instruction.getProperty();
		return p ? [p] : [];
	}
	return instruction instanceof Env ? instruction.getProperties() : [];
}

/** The strings of a JSON-form instruction (`["a", "b"]`), or `[]` for shell form. */
export function jsonStringsOf(instruction: Instruction): JSONArgument[] {
	if (!(instruction instanceof JSONInstruction)) {
		return [];
	}
	return instruction.getOpeningBracket() && instruction.getClosingBracket() ? instruction.getJSONStrings() : [];
}

/** Whether an instruction is in JSON (exec) form. */
export function isExecForm(instruction: Instruction): boolean {
	return (
		instruction instanceof JSONInstruction &&
		instruction.getOpeningBracket() !== null &&
		instruction.getClosingBracket() !== null
	);
}
