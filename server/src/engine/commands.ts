/**
 * Helpers over the shell commands of RUN instructions: which program really runs (through `sudo`, `env`, …), and
 * how to read a program's options.
 */
import { flagsOf } from './ast';
import type { FileModel, Stage } from './model';
import { basename, type RunCommand, type RunScript, type RunWord } from './runScript';
import type { Instruction } from 'dockerfile-ast';

/** A command with its wrappers (`sudo`, `env`, `exec`, …) removed. */
export interface Invocation {
	/** Basename of the program (`pip3`, `apt-get`). */
	readonly name: string;
	readonly nameWord: RunWord;
	/** Arguments after the program name. */
	readonly args: readonly RunWord[];
	readonly command: RunCommand;
	/** The wrappers it ran through, outermost first (`['sudo', 'gosu']`). */
	readonly wrappers: readonly string[];
}

/** Wrappers and how many option values they take before the real command. */
const WRAPPERS: Record<string, { readonly valueOptions: ReadonlySet<string>; readonly positional?: number }> = {
	sudo: { valueOptions: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '--user', '--group']) },
	doas: { valueOptions: new Set(['-u', '-C']) },
	env: { valueOptions: new Set(['-u', '--unset', '-C', '--chdir', '-S']) },
	exec: { valueOptions: new Set(['-a']) },
	command: { valueOptions: new Set() },
	builtin: { valueOptions: new Set() },
	nohup: { valueOptions: new Set() },
	time: { valueOptions: new Set(['-f', '-o']) },
	nice: { valueOptions: new Set(['-n', '--adjustment']) },
	stdbuf: { valueOptions: new Set(['-i', '-o', '-e']) },
	timeout: { valueOptions: new Set(['-s', '-k', '--signal', '--kill-after']), positional: 1 },
	xargs: { valueOptions: new Set(['-I', '-n', '-P', '-L', '-d', '-a', '-E', '-s']) },
	gosu: { valueOptions: new Set(), positional: 1 },
	'su-exec': { valueOptions: new Set(), positional: 1 },
	chronic: { valueOptions: new Set() },
	eatmydata: { valueOptions: new Set() },
};

/** Whether `name` is a wrapper that runs another command. */
export function isWrapper(name: string): boolean {
	return Object.prototype.hasOwnProperty.call(WRAPPERS, name);
}

/** The programs a command runs through, outermost first: `sudo gosu app pip install x` → sudo, gosu, pip. */
export function programChain(command: RunCommand): string[] {
	const chain: string[] = [];
	walkWrappers(command, (name) => chain.push(name));
	return chain;
}

/**
 * Finds the program a command runs. `sudo -u app env X=1 pip install x` → `pip`. Returns `undefined` for a bare
 * assignment, a declaration, or a program name that is not static.
 */
export function invocation(command: RunCommand): Invocation | undefined {
	if (command.declaration) {
		return undefined;
	}
	const wrappers: string[] = [];
	const found = walkWrappers(command, (name) => wrappers.push(name), wrappers);
	// The last name visited is the program itself, not a wrapper.
	wrappers.pop();
	return found;
}

function walkWrappers(
	command: RunCommand,
	visit: (name: string) => void,
	wrappers: readonly string[] = [],
): Invocation | undefined {
	const words = command.words;
	let i = 0;
	while (i < words.length) {
		const word = words[i];
		if (word.dynamic && i === 0) {
			return undefined;
		}
		const name = basename(word.value);
		const wrapper = WRAPPERS[name];
		if (!wrapper) {
			visit(name);
			return { name, nameWord: word, args: words.slice(i + 1), command, wrappers };
		}
		visit(name);
		i++;
		let positional = wrapper.positional ?? 0;
		while (i < words.length) {
			const w = words[i].value;
			if (w === '--') {
				i++;
				break;
			}
			if (w.startsWith('-')) {
				i += wrapper.valueOptions.has(w) ? 2 : 1;
				continue;
			}
			if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
				i++;
				continue;
			}
			if (positional > 0) {
				positional--;
				i++;
				continue;
			}
			break;
		}
	}
	return undefined;
}

/** Every invocation of the RUN instructions of a stage (only that stage, not its ancestors). */
export function* stageInvocations(
	model: FileModel,
	stage: Stage,
): Generator<{ instruction: Instruction; invocation: Invocation }> {
	for (const instruction of stage.instructions) {
		if (instruction.getKeyword() !== 'RUN') {
			continue;
		}
		for (const command of model.runScript(instruction).commands) {
			const inv = invocation(command);
			if (inv) {
				yield { instruction, invocation: inv };
			}
		}
	}
}

/** Invocations per analysed RUN: most rules ask for them, so each RUN's are worked out once per analysis. */
const invocationCache = new WeakMap<RunScript, Invocation[]>();

/** The invocations of one RUN instruction (shared between callers: treat as read-only). */
export function runInvocations(model: FileModel, instruction: Instruction): Invocation[] {
	const script = model.runScript(instruction);
	let out = invocationCache.get(script);
	if (!out) {
		out = [];
		for (const command of script.commands) {
			const inv = invocation(command);
			if (inv) {
				out.push(inv);
			}
		}
		invocationCache.set(script, out);
	}
	return out;
}

/**
 * Reads an option's value from arguments: `-r FILE`, `-rFILE`, `--requirement FILE`, `--requirement=FILE`.
 * Returns every occurrence, with the word that holds the value.
 */
export function optionValues(
	args: readonly RunWord[],
	short: readonly string[],
	long: readonly string[],
): { value: string; word: RunWord; optionWord: RunWord }[] {
	const out: { value: string; word: RunWord; optionWord: RunWord }[] = [];
	for (let i = 0; i < args.length; i++) {
		const v = args[i].value;
		if (v === '--') {
			break;
		}
		for (const name of long) {
			if (v === name && i + 1 < args.length) {
				out.push({ value: args[i + 1].value, word: args[i + 1], optionWord: args[i] });
			} else if (v.startsWith(`${name}=`)) {
				out.push({ value: v.slice(name.length + 1), word: args[i], optionWord: args[i] });
			}
		}
		for (const name of short) {
			if (v === name && i + 1 < args.length) {
				out.push({ value: args[i + 1].value, word: args[i + 1], optionWord: args[i] });
			} else if (v.startsWith(name) && !v.startsWith('--') && v.length > name.length) {
				out.push({ value: v.slice(name.length), word: args[i], optionWord: args[i] });
			}
		}
	}
	return out;
}

/** Whether any argument is one of `names` or starts with one of `prefixes`. */
export function hasFlag(args: readonly RunWord[], names: readonly string[], prefixes: readonly string[] = []): boolean {
	return args.some((a) => names.includes(a.value) || prefixes.some((p) => a.value.startsWith(p)));
}

const PIP_NAME = /^pip(?:\d+(?:\.\d+)?)?$/;
const PYTHON_NAME = /^python(?:\d+(?:\.\d+)?)?$/;
/** pip's general options that take a value (they may come before the sub-command). */
const PIP_GLOBAL_VALUE_OPTIONS = new Set([
	'--log',
	'--log-file',
	'--proxy',
	'--retries',
	'--timeout',
	'--exists-action',
	'--trusted-host',
	'--cert',
	'--client-cert',
	'--cache-dir',
	'--src',
	'--python',
	'--use-feature',
	'--use-deprecated',
	'--root-user-action',
	'--keyring-provider',
]);

/** A `pip install` (also `python -m pip install` and `uv pip install`). */
export interface PipInstall {
	readonly tool: 'pip' | 'uv';
	/** The `install` word: fixes insert options after it. */
	readonly installWord: RunWord;
	/** Arguments after `install`. */
	readonly args: readonly RunWord[];
	/** General options before `install` (`pip --no-cache-dir install …`). */
	readonly generalOptions: readonly RunWord[];
	readonly invocation: Invocation;
}

/** Recognises a pip install. */
export function pipInstall(inv: Invocation): PipInstall | undefined {
	let rest: readonly RunWord[];
	let tool: 'pip' | 'uv' = 'pip';
	if (PIP_NAME.test(inv.name)) {
		rest = inv.args;
	} else if (PYTHON_NAME.test(inv.name)) {
		const m = inv.args.findIndex((a) => a.value === '-m' || a.value === '-mpip');
		if (m < 0) {
			return undefined;
		}
		// Options before -m belong to the interpreter and take no value we need to skip (-I, -u, -B, -E, -s, -O).
		if (!inv.args.slice(0, m).every((a) => a.value.startsWith('-'))) {
			return undefined;
		}
		if (inv.args[m].value === '-mpip') {
			rest = inv.args.slice(m + 1);
		} else if (inv.args[m + 1]?.value === 'pip') {
			rest = inv.args.slice(m + 2);
		} else {
			return undefined;
		}
	} else if (inv.name === 'uv' && inv.args[0]?.value === 'pip') {
		tool = 'uv';
		rest = inv.args.slice(1);
	} else {
		return undefined;
	}
	for (let i = 0; i < rest.length; i++) {
		const v = rest[i].value;
		if (v.startsWith('-')) {
			if (PIP_GLOBAL_VALUE_OPTIONS.has(v)) {
				i++;
			}
			continue;
		}
		if (v !== 'install') {
			return undefined;
		}
		return { tool, installWord: rest[i], args: rest.slice(i + 1), generalOptions: rest.slice(0, i), invocation: inv };
	}
	return undefined;
}

/** The mounts of a RUN instruction (`--mount=type=cache,target=…`), as option maps (shared: treat as read-only). */
export function runMounts(instruction: Instruction): Map<string, string>[] {
	let cached = mountCache.get(instruction);
	if (!cached) {
		cached = readMounts(instruction);
		mountCache.set(instruction, cached);
	}
	return cached;
}

/** Mounts per instruction: several rules read them for every RUN. Shared between callers: treat as read-only. */
const mountCache = new WeakMap<Instruction, Map<string, string>[]>();

function readMounts(instruction: Instruction): Map<string, string>[] {
	const flags = flagsOf(instruction);
	const mounts: Map<string, string>[] = [];
	for (const flag of flags) {
		if (flag.getName().toLowerCase() !== 'mount') {
			continue;
		}
		const options = new Map<string, string>();
		for (const part of (flag.getValue() ?? '').split(',')) {
			const eq = part.indexOf('=');
			const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
			options.set(key, eq < 0 ? 'true' : part.slice(eq + 1).trim());
		}
		if (!options.has('type')) {
			options.set('type', 'bind');
		}
		mounts.push(options);
	}
	return mounts;
}

/** The target path of a mount (`target`, `dst` or `destination`). */
export function mountTarget(mount: ReadonlyMap<string, string>): string | undefined {
	return mount.get('target') ?? mount.get('dst') ?? mount.get('destination');
}

/** The text that adds an option right after `word`: ` --opt`, or `, "--opt"` in an exec-form JSON array. */
export function optionInsertion(word: RunWord, option: string): string {
	return word.json ? `, "${option}"` : ` ${option}`;
}
