/**
 * POSIX shell parsing for `RUN` commands, through tree-sitter's bash grammar (web-tree-sitter + tree-sitter-bash).
 *
 * Why tree-sitter: it is a real, error-tolerant parser with exact offsets, kept up to date by the tree-sitter
 * project. Measured over the 813 shell-form `RUN`s of the corpus (docs/decisions/shell-parser.md):
 * shell-quote 31 ms (a tokenizer: no offsets, no `$(…)`, no `${X:+a b}`), tree-sitter 54 ms to parse and 95 ms with
 * the command extraction below, mvdan-sh 142 ms to parse and 1.4 s to walk, bash-parser 0.9 s, sh-syntax 10 s.
 *
 * The grammar is loaded once (asynchronously) by the adapter that owns the files; after that, parsing is synchronous
 * and this module stays free of I/O.
 */
import { Language, Parser, type Node } from 'web-tree-sitter';

/** The two WebAssembly binaries the parser needs, read by the caller. */
export interface ShellParserBinaries {
	/** `web-tree-sitter.wasm` */
	readonly runtime: Uint8Array;
	/** `tree-sitter-bash.wasm` */
	readonly bash: Uint8Array;
}

/** Options of {@link initShellParser}. */
export interface ShellParserOptions {
	/**
	 * A monotonic clock in milliseconds (the host's `performance.now`). With it, a parse that runs past
	 * {@link parseBudgetMs} is abandoned; without it, parses are not timed.
	 */
	readonly clock?: () => number;
}

let parser: Parser | undefined;
let initialising: Promise<void> | undefined;
let clock: (() => number) | undefined;

/**
 * Time allowed to parse one script: tree-sitter's error recovery is quadratic on some invalid input (2,000
 * unmatched `)` took a second, 8,000 sixteen), so a script that takes far longer than any real one (a 10 KiB script
 * parses in about 3 ms) is left unanalysed rather than hanging the editor.
 */
export function parseBudgetMs(length: number): number {
	return 100 + (10 * length) / 1024;
}

/** Loads the bash grammar. Safe to call more than once; later calls wait for the first. */
export function initShellParser(binaries: ShellParserBinaries, options: ShellParserOptions = {}): Promise<void> {
	clock ??= options.clock;
	initialising ??= (async () => {
		await Parser.init({ wasmBinary: binaries.runtime });
		const language = await Language.load(binaries.bash);
		const p = new Parser();
		p.setLanguage(language);
		parser = p;
	})();
	return initialising;
}

/** Whether {@link initShellParser} has finished. */
export function isShellParserReady(): boolean {
	return parser !== undefined;
}

/** A word of a command, with offsets into the parsed script. */
export interface ShellWord {
	/** The source text, quotes included. */
	readonly text: string;
	/** The text with quotes and backslash escapes removed; expansions stay as written (`$X`). */
	readonly value: string;
	readonly start: number;
	readonly end: number;
	/** Whether the value depends on an expansion (`$X`, `$(…)`, `${X}`), so it is not known statically. */
	readonly dynamic: boolean;
}

/** A simple command: `[NAME=value…] name arg…`. */
export interface ShellCommand {
	/** `FOO=bar` prefixes (and the assignments of `export`/`declare`/`local`). */
	readonly assignments: readonly ShellWord[];
	/** The command name then its arguments; empty for a bare assignment. */
	readonly words: readonly ShellWord[];
	readonly start: number;
	readonly end: number;
	/** Commands of the same pipeline share an id; `undefined` when the command is not in a pipeline. */
	readonly pipeline: number | undefined;
	/** Position in its pipeline (0 = first). */
	readonly pipeIndex: number;
	/** Whether this command is a `export`/`declare`/`local`/`readonly`/`typeset`. */
	readonly declaration: boolean;
	/** Bodies of here-documents fed to this command (offsets of the body text). */
	readonly heredocs: readonly { readonly start: number; readonly end: number }[];
}

/** The result of parsing one script. */
export interface ParsedShell {
	readonly commands: readonly ShellCommand[];
	/** Whether the parser had to recover from a syntax error. */
	readonly hasError: boolean;
	/**
	 * Where `&& next` can be added to run after the whole script: the end of its last statement (before a trailing
	 * comment). `undefined` when the script ends in the background (`&`) or has no statement.
	 */
	readonly appendAt: number | undefined;
}

const EMPTY: ParsedShell = { commands: [], hasError: false, appendAt: undefined };
/** A script whose parse ran out of time: nothing known about it, and treated as not valid shell. */
const ABANDONED: ParsedShell = { commands: [], hasError: true, appendAt: undefined };

/** Parse budget: beyond this many characters a script is not analysed (bad input must not hang the engine). */
export const MAX_SCRIPT_LENGTH = 200_000;

const cache = new Map<string, ParsedShell>();
const CACHE_LIMIT = 2000;

/** Forgets memoised parses (benchmarks measure cold analysis with it). */
export function clearShellCache(): void {
	cache.clear();
}

/**
 * Parses a shell script into its simple commands. Results are memoised by text (a keystroke re-analyses a whole
 * file, but changes one `RUN`), so callers must treat them as read-only.
 */
export function parseShell(script: string): ParsedShell {
	if (script.trim() === '' || script.length > MAX_SCRIPT_LENGTH) {
		return EMPTY;
	}
	const cached = cache.get(script);
	if (cached) {
		return cached;
	}
	if (!parser) {
		throw new Error('The shell parser is not initialised: call initShellParser() first.');
	}
	const timer = clock;
	const deadline = timer ? timer() + parseBudgetMs(script.length) : 0;
	const tree = timer
		? parser.parse(script, null, { progressCallback: () => timer() > deadline })
		: parser.parse(script);
	let result: ParsedShell = EMPTY;
	if (!tree) {
		// Abandoned past its budget: start the next parse afresh, and remember this script as unparsable.
		parser.reset();
		result = ABANDONED;
	}
	if (tree) {
		try {
			const commands: ShellCommand[] = [];
			collect(tree.rootNode, commands, script);
			commands.sort((a, b) => a.start - b.start);
			result = { commands, hasError: tree.rootNode.hasError, appendAt: appendPoint(tree.rootNode) };
		} finally {
			tree.delete();
		}
	}
	if (cache.size >= CACHE_LIMIT) {
		cache.clear();
	}
	cache.set(script, result);
	return result;
}

function appendPoint(root: Node): number | undefined {
	let last: Node | undefined;
	let background = false;
	for (const child of root.children) {
		if (!child || child.type === 'comment') {
			continue;
		}
		if (child.isNamed) {
			last = child;
			background = false;
		} else if (child.type === '&') {
			background = true;
		}
	}
	return last && !background ? last.endIndex : undefined;
}

const DECLARATION_KEYWORDS = new Set(['export', 'declare', 'local', 'readonly', 'typeset']);

/** Work for {@link collect}: a node to visit as a statement, as a pipeline member, or for nested substitutions. */
type Visit =
	| { readonly kind: 'statement'; readonly node: Node; readonly parent: Node | undefined }
	| {
			readonly kind: 'member';
			readonly node: Node;
			readonly parent: Node;
			readonly pipeline: number;
			readonly index: number;
	  }
	| { readonly kind: 'nested'; readonly node: Node; readonly parent: Node };

/**
 * Collects the simple commands under `root`, depth first in source order. An explicit stack rather than recursion:
 * tree-sitter nests `a && b && c …` one level per command and `$( $( … ) )` one per substitution, so a long script
 * or deep nesting overflowed the call stack. Each visit carries its node's parent because tree-sitter finds a
 * parent by descending from the root (`Node.parent` costs the depth, which made long scripts quadratic).
 */
function collect(root: Node, out: ShellCommand[], script: string): void {
	let nextPipeline = 0;
	const stack: Visit[] = [{ kind: 'statement', node: root, parent: undefined }];
	// Children are pushed last-first so they are visited first-first, as the recursive walk did.
	const pushChildren = (node: Node, kind: 'statement' | 'nested'): void => {
		if (kind === 'nested' && !mayHoldSubstitution(script, node)) {
			// Most commands have no `$(…)`: asking tree-sitter for every word's children was a third of the walk.
			return;
		}
		const children = node.namedChildren;
		for (let i = children.length - 1; i >= 0; i--) {
			const child = children[i];
			if (child) {
				stack.push({ kind, node: child, parent: node });
			}
		}
	};
	for (let visit = stack.pop(); visit; visit = stack.pop()) {
		const { node } = visit;
		if (visit.kind === 'nested') {
			// Commands inside `$(…)`, backticks and process substitutions within a command's words.
			if (node.type === 'command_substitution' || node.type === 'process_substitution') {
				stack.push({ kind: 'statement', node, parent: visit.parent });
			} else if (node.namedChildCount > 0 && node.type !== 'heredoc_body') {
				pushChildren(node, 'nested');
			}
			continue;
		}
		if (visit.kind === 'member') {
			const inner = unwrapRedirected(node);
			if (inner.type === 'command') {
				out.push(toCommand(inner, inner === node ? visit.parent : node, visit.pipeline, visit.index));
				pushChildren(inner, 'nested');
			} else {
				stack.push({ kind: 'statement', node, parent: visit.parent });
			}
			continue;
		}
		switch (node.type) {
			case 'command':
				out.push(toCommand(node, visit.parent, undefined, 0));
				pushChildren(node, 'nested');
				break;
			case 'declaration_command':
				out.push(toDeclaration(node));
				pushChildren(node, 'nested');
				break;
			case 'variable_assignment':
			case 'variable_assignments':
				// `X=1` alone (no command): an assignment in the shell's own environment.
				out.push(toAssignments(node));
				pushChildren(node, 'nested');
				break;
			case 'pipeline': {
				const pipeline = nextPipeline++;
				const members = node.namedChildren.filter((c): c is Node => c !== null);
				for (let i = members.length - 1; i >= 0; i--) {
					stack.push({ kind: 'member', node: members[i], parent: node, pipeline, index: i });
				}
				break;
			}
			default:
				pushChildren(node, 'statement');
		}
	}
}

/**
 * Whether a node's text could contain a command or process substitution: each one starts with `$(`, a backtick,
 * `<(` or `>(`, so text without any of them has none below it.
 */
function mayHoldSubstitution(script: string, node: Node): boolean {
	const text = script.slice(node.startIndex, node.endIndex);
	return text.includes('$(') || text.includes('`') || text.includes('<(') || text.includes('>(');
}

function unwrapRedirected(node: Node): Node {
	if (node.type === 'redirected_statement') {
		const body = node.childForFieldName('body');
		if (body) {
			return body;
		}
	}
	return node;
}

function heredocBodies(parent: Node | undefined): { start: number; end: number }[] {
	if (!parent || parent.type !== 'redirected_statement') {
		return [];
	}
	const bodies: { start: number; end: number }[] = [];
	for (const redirect of parent.namedChildren) {
		if (redirect?.type === 'heredoc_redirect') {
			for (const part of redirect.namedChildren) {
				if (part?.type === 'heredoc_body') {
					bodies.push({ start: part.startIndex, end: part.endIndex });
				}
			}
		}
	}
	return bodies;
}

/**
 * Builds a command from a node's children: `variable_assignment` children become assignments, the others that
 * `isWord` accepts become words.
 */
function commandFrom(
	node: Node,
	children: readonly (Node | null)[],
	isWord: (child: Node) => boolean,
	extra: Pick<ShellCommand, 'pipeline' | 'pipeIndex' | 'declaration' | 'heredocs'>,
): ShellCommand {
	const assignments: ShellWord[] = [];
	const words: ShellWord[] = [];
	for (const child of children) {
		if (!child) {
			continue;
		}
		if (child.type === 'variable_assignment') {
			assignments.push(toWord(child));
		} else if (isWord(child)) {
			// A command name node wraps the word that names the program.
			words.push(toWord(child.type === 'command_name' ? (child.firstNamedChild ?? child) : child));
		}
	}
	return { assignments, words, start: node.startIndex, end: node.endIndex, ...extra };
}

/** A simple command; `parent` is the node it was reached from (a `redirected_statement` holds its here-documents). */
function toCommand(
	node: Node,
	parent: Node | undefined,
	pipeline: number | undefined,
	pipeIndex: number,
): ShellCommand {
	return commandFrom(node, node.namedChildren, (c) => !c.type.endsWith('redirect') && c.type !== 'comment', {
		pipeline,
		pipeIndex,
		declaration: false,
		heredocs: heredocBodies(parent),
	});
}

/** `export X=1 Y`, `declare -r X`, `local x`: the keyword and its arguments are words. */
function toDeclaration(node: Node): ShellCommand {
	return commandFrom(node, node.children, (c) => DECLARATION_KEYWORDS.has(c.type) || c.isNamed, {
		pipeline: undefined,
		pipeIndex: 0,
		declaration: true,
		heredocs: [],
	});
}

/** `X=1` alone (no command): an assignment in the shell's own environment. */
function toAssignments(node: Node): ShellCommand {
	const children = node.type === 'variable_assignment' ? [node] : node.namedChildren;
	return commandFrom(node, children, () => false, {
		pipeline: undefined,
		pipeIndex: 0,
		declaration: false,
		heredocs: [],
	});
}

const DYNAMIC_TYPES = new Set([
	'simple_expansion',
	'expansion',
	'command_substitution',
	'arithmetic_expansion',
	'process_substitution',
	'brace_expression',
]);

function toWord(node: Node): ShellWord {
	const { value, dynamic } = wordValue(node);
	return { text: node.text, value, start: node.startIndex, end: node.endIndex, dynamic };
}

function wordValue(node: Node): { value: string; dynamic: boolean } {
	switch (node.type) {
		case 'word':
		case 'number':
		case 'variable_name':
			return { value: unescapeBare(node.text), dynamic: false };
		case 'raw_string':
			return { value: node.text.slice(1, -1), dynamic: false };
		case 'string': {
			const inner = node.text.slice(1, -1);
			// Every dynamic part starts with `$`, a backtick, `{`, `<(` or `>(`: a plain string needs no look at its
			// children (each one costs a round trip into tree-sitter).
			const dynamic = /[$`{<>]/.test(inner) && node.namedChildren.some((c) => c !== null && DYNAMIC_TYPES.has(c.type));
			return { value: inner.replace(/\\([$`"\\\n])/g, '$1'), dynamic };
		}
		case 'ansi_c_string':
			return { value: node.text.slice(2, -1), dynamic: false };
		case 'concatenation':
		case 'variable_assignment': {
			let value = '';
			let dynamic = false;
			let last = node.startIndex;
			for (const child of node.children) {
				if (!child) {
					continue;
				}
				// Keep the text between children (`=` in an assignment).
				value += node.text.slice(last - node.startIndex, child.startIndex - node.startIndex);
				const part = child.isNamed ? wordValue(child) : { value: child.text, dynamic: false };
				value += part.value;
				dynamic ||= part.dynamic;
				last = child.endIndex;
			}
			value += node.text.slice(last - node.startIndex);
			return { value, dynamic };
		}
		default:
			return { value: node.text, dynamic: DYNAMIC_TYPES.has(node.type) };
	}
}

function unescapeBare(text: string): string {
	return text.includes('\\') ? text.replace(/\\(.)/gs, '$1') : text;
}
