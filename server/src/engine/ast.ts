/**
 * Typed accessors over dockerfile-ast instructions, so rules need no casts: each returns an empty answer for
 * instructions that do not have the feature.
 */
import {
	Arg,
	Copy,
	DockerfileParser,
	Env,
	Instruction,
	JSONInstruction,
	ModifiableInstruction,
	Onbuild,
	Run,
	type Dockerfile,
	type Flag,
	type Argument,
	type Heredoc,
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

/**
 * dockerfile-ast 0.7.1 re-reads an instruction's arguments from its text on every `getArguments()`, and calls it
 * itself several times per instruction while parsing (a JSON-form instruction reads them three times), then once per
 * `getFlags()`, `getArgumentsRange()`, … and dockerfile-utils' validation once per check. Reading them was a third of
 * an analysis and more than half of a validation. An instruction's text and range never change after the parser made
 * it, so the list is read once per instruction; each caller gets its own copy, because
 * `ModifiableInstruction.getArguments()` shifts the flags off the array it gets.
 *
 * Installed on the class the parser, dockerfile-utils and dockerfile-language-service share (one copy of
 * dockerfile-ast in the bundle); test/engine/ast.test.ts checks the lists equal the unmemoised ones.
 */
function memoiseRawArguments(): void {
	const prototype = Instruction.prototype as unknown as { getRawArguments(): Argument[] };
	const read = prototype.getRawArguments;
	if (typeof read !== 'function' || (read as { memoised?: boolean }).memoised) {
		return;
	}
	const lists = new WeakMap<object, Argument[]>();
	const memoised = function (this: Instruction): Argument[] {
		let list = lists.get(this);
		if (!list) {
			list = read.call(this);
			lists.set(this, list);
		}
		return list.slice();
	};
	Object.defineProperty(memoised, 'memoised', { value: true });
	Object.defineProperty(memoised, 'unmemoised', { value: read });
	prototype.getRawArguments = memoised;
}
memoiseRawArguments();

let lastParse: { content: string; dockerfile: Dockerfile } | undefined;

/** Drops the parse {@link memoiseLastParse} keeps (the benchmark times parses that cannot reuse one). */
export function forgetLastParse(): void {
	lastParse = undefined;
}

/**
 * The server analyses each version of a document twice: our rules and dockerfile-utils' syntax check (through
 * dockerfile-language-service), and each parsed the same text, which was a third of the time from a keystroke to its
 * diagnostics. `DockerfileParser.parse` now keeps its last result and gives it again for the same text. Nothing
 * writes to a parsed Dockerfile (dockerfile-ast's only lazy fields, such as an instruction's flags, are filled the
 * same way whoever asks first), so sharing it changes no answer; it holds one document.
 */
function memoiseLastParse(): void {
	const parser = DockerfileParser as { parse: (content: string) => Dockerfile } & { unmemoised?: unknown };
	if (parser.unmemoised) {
		return;
	}
	const parse = parser.parse.bind(DockerfileParser);
	parser.parse = (content: string): Dockerfile => {
		let last = lastParse;
		if (last?.content !== content) {
			lastParse = undefined;
			last = { content, dockerfile: parse(content) };
			lastParse = last;
		}
		return last.dockerfile;
	};
	parser.unmemoised = parse;
}
memoiseLastParse();

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

/**
 * `NAME=value` properties of ARG and ENV, in order. A property dockerfile-ast places over the keyword's blank or over
 * the one before it is dropped: with an escaped blank (`ENV D=x \  D=`) it reads a phantom one named " " that spans
 * the keyword's blank and the real first property, which no finding or removal may use.
 */
export function propertiesOf(instruction: Instruction): Property[] {
	if (instruction instanceof Arg) {
		const p = instruction.getProperty();
		return p ? [p] : [];
	}
	if (!(instruction instanceof Env)) {
		return [];
	}
	const properties = instruction.getProperties();
	let last = instruction.getInstructionRange().end;
	return properties.filter((property) => {
		const { start, end } = property.getRange();
		if (start.line < last.line || (start.line === last.line && start.character <= last.character)) {
			return false;
		}
		last = end;
		return true;
	});
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
