/**
 * Typed accessors over dockerfile-ast instructions, so rules need no casts: each returns an empty answer for
 * instructions that do not have the feature.
 */
import {
	Arg,
	Copy,
	DockerfileParser,
	Env,
	JSONInstruction,
	ModifiableInstruction,
	Onbuild,
	Run,
	type Dockerfile,
	type Flag,
	type Heredoc,
	type Instruction,
	type JSONArgument,
	type Property,
} from 'dockerfile-ast';

/**
 * The text to give dockerfile-ast (and dockerfile-utils, which parses with it). Version 0.7.1 reads parser directives
 * in quadratic time when the whole file is one line that starts with `#` (78 KiB of `# # #…` took 6 s, 2 MB would
 * take half an hour): such a text is parsed with a line break appended, which changes no position and no result.
 */
export function parseableText(text: string): string {
	return /^\uFEFF?[ \t]*#/.test(text) && !/[\r\n]/.test(text) ? `${text}\n` : text;
}

/** Parses a Dockerfile with dockerfile-ast, avoiding its quadratic case ({@link parseableText}). */
export function parseDockerfile(text: string): Dockerfile {
	return DockerfileParser.parse(parseableText(text));
}

/** `--flag` options (`RUN --mount=…`, `COPY --from=…`). */
export function flagsOf(instruction: Instruction): Flag[] {
	return instruction instanceof ModifiableInstruction ? instruction.getFlags() : [];
}

/** The flag with this name (case-insensitive), if any. */
export function flagOf(instruction: Instruction, name: string): Flag | undefined {
	return flagsOf(instruction).find((f) => f.getName().toLowerCase() === name);
}

const heredocCache = new WeakMap<Instruction, Heredoc[]>();

/**
 * Here-documents of RUN and COPY, also as the trigger of an ONBUILD (memoised per instruction: treat as
 * read-only).
 */
export function heredocsOf(instruction: Instruction): Heredoc[] {
	if (instruction instanceof Onbuild) {
		// `ONBUILD RUN <<EOF` opens a here-document in this file as much as `RUN <<EOF` does.
		const trigger = instruction.getTriggerInstruction();
		return trigger ? heredocsOf(trigger) : [];
	}
	if (!(instruction instanceof Run || instruction instanceof Copy)) {
		return [];
	}
	// dockerfile-ast re-reads every argument of the instruction on each call, which made this the costliest call of
	// an analysis; it only finds here-documents in arguments that start with `<<`, so text without `<<` has none.
	if (!instruction.getTextContent().includes('<<')) {
		return [];
	}
	let heredocs = heredocCache.get(instruction);
	if (!heredocs) {
		try {
			heredocs = instruction.getHeredocs();
		} catch {
			// dockerfile-ast 0.7.1 throws when a continuation line ending in a lone CR holds `<<` in a comment
			// (`RUN \<CR>#a<<`): it counts a here-document it never recorded. There is none to report.
			heredocs = [];
		}
		heredocCache.set(instruction, heredocs);
	}
	return heredocs;
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
