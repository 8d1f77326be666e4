/**
 * What the fixes that take credentials out of the image share (DH301, DH302, DH304): the
 * `--mount=type=secret,…` option they add to a RUN, the `# syntax=` directive that `env=` needs, removals that keep
 * continuation lines, comments and CRLF intact, and which RUNs read a variable, run a tool that reads credentials by
 * itself, or pass a package index URL with credentials.
 */
import type { Dockerfile, Instruction, Property } from 'dockerfile-ast';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';
import type { FixEdit } from '../protocol';
import { flagsOf, propertiesOf } from './ast';
import { mountTarget, optionValues, pipInstall, runInvocations, runMounts } from './commands';
import { continuationLeadingTo, instructionRemovalRange, removalRange } from './edits';
import type { FileModel, Stage } from './model';
import { basename, type RunCommand, type RunWord } from './runScript';
import { findUrlCredentials } from './secrets';

/** A `RUN --mount=type=secret,…` a fix adds. */
export interface SecretMount {
	readonly id: string;
	/** Exposes the secret as this environment variable (Dockerfile frontend 1.10 or newer). */
	readonly env?: string;
	/** Where the secret file appears (default `/run/secrets/<id>`). */
	readonly target?: string;
	readonly uid?: string;
	readonly gid?: string;
	readonly mode?: string;
}

/** The option text: `--mount=type=secret,id=pypi_token,env=PYPI_TOKEN`. */
export function secretMountOption(mount: SecretMount): string {
	let option = `--mount=type=secret,id=${mount.id}`;
	if (mount.env) {
		option += `,env=${mount.env}`;
	}
	if (mount.target) {
		option += `,target=${mount.target}`;
	}
	if (mount.uid) {
		option += `,uid=${mount.uid}`;
	}
	if (mount.gid) {
		option += `,gid=${mount.gid}`;
	}
	if (mount.mode) {
		option += `,mode=${mount.mode}`;
	}
	return option;
}

/** Whether a value can be written into a mount option as is (BuildKit reads the option as CSV). */
export function isPlainMountValue(value: string): boolean {
	return value !== '' && !/[\s,"'=$`\\]/.test(value);
}

/** The secret mounts of a RUN (option maps, shared: treat as read-only). */
export function secretMountsOf(run: Instruction): Map<string, string>[] {
	return runMounts(run).filter((m) => m.get('type') === 'secret');
}

/** Whether the RUN already has a secret mount that gives what `mount` would: the same variable, or the same file. */
export function hasSecretMount(run: Instruction, mount: SecretMount): boolean {
	return secretMountsOf(run).some((m) => {
		if (mount.env) {
			return m.get('env') === mount.env;
		}
		const id = m.get('id');
		const target = mountTarget(m) ?? (id ? `/run/secrets/${id}` : undefined);
		return mount.target !== undefined && target === mount.target;
	});
}

/**
 * The edit that adds secret mounts to a RUN, right after the keyword so they come before its other flags (which stay
 * as they are); `undefined` when the RUN already has them all.
 */
export function mountInsertion(run: Instruction, mounts: readonly SecretMount[]): FixEdit | undefined {
	const options: string[] = [];
	for (const mount of mounts) {
		const option = secretMountOption(mount);
		if (!hasSecretMount(run, mount) && !options.includes(option)) {
			options.push(option);
		}
	}
	if (options.length === 0) {
		return undefined;
	}
	const at = run.getInstructionRange().end;
	return { range: { start: at, end: at }, newText: options.map((o) => ` ${o}`).join('') };
}

/** What making the frontend allow `--mount=…,env=` takes: an edit, a note for the user, or nothing. */
export interface SyntaxUpdate {
	readonly edit?: FixEdit;
	readonly note?: string;
}

const OFFICIAL_FRONTEND = /^((?:docker\.io\/)?docker\/dockerfile(?:-upstream)?):([^@\s]+)(@\S+)?$/;

/** `1`, `1.10`, `1.10.0`, `1-labs`, `1.7-labs` → [major, minor] (a bare major floats to its newest minor). */
function frontendVersion(tag: string): [number, number] | undefined {
	const m = /^(\d+)(?:\.(\d+))?(?:\.\d+)?(?:-labs)?$/.exec(tag);
	if (!m) {
		return tag === 'latest' || tag === 'labs' ? [Infinity, Infinity] : undefined;
	}
	return m[2] === undefined ? [Number(m[1]), Infinity] : [Number(m[1]), Number(m[2])];
}

/**
 * Makes sure the file's frontend has `RUN --mount=type=secret,env=` (Dockerfile 1.10): adds
 * `# syntax=docker/dockerfile:1` as the first line when there is no syntax directive, raises an older pinned
 * `docker/dockerfile:1.x` to `docker/dockerfile:1`, and only says so for a frontend it does not know.
 */
export function syntaxForSecretEnv(document: TextDocument, dockerfile: Dockerfile, eol: string): SyntaxUpdate {
	const directive = dockerfile.getDirectives().find((d) => d.getName().toLowerCase() === 'syntax');
	if (!directive) {
		const bom = document.getText().startsWith('\uFEFF') ? 1 : 0;
		const at = { line: 0, character: bom };
		return { edit: { range: { start: at, end: at }, newText: `# syntax=docker/dockerfile:1${eol}` } };
	}
	const value = directive.getValue();
	const m = OFFICIAL_FRONTEND.exec(value);
	const version = m ? frontendVersion(m[2]) : undefined;
	if (!m || !version) {
		return {
			note: `Check that the frontend named by \`# syntax=${value}\` supports \`RUN --mount=type=secret,env=\` (Dockerfile 1.10 or newer).`,
		};
	}
	if (version[0] > 1 || (version[0] === 1 && version[1] >= 10)) {
		return {};
	}
	const labs = m[2].endsWith('-labs') ? '-labs' : '';
	const replacement = `${m[1]}:1${labs}`;
	return {
		edit: { range: directive.getValueRange(), newText: replacement },
		// A digest belongs to the old version: it cannot stay on the new tag.
		...(m[3]
			? { note: `The digest pinned ${m[1]}:${m[2]}; pin ${replacement} to its digest again (Pin to digest).` }
			: {}),
	};
}

/**
 * Puts a fix's edits in document order and folds an insertion into the edit that starts at the same place (the
 * syntax line added at the top of a file whose first line the fix removes), so no two edits overlap.
 */
export function orderEdits(document: TextDocument, edits: readonly FixEdit[]): FixEdit[] {
	const located = edits
		.map((edit, index) => ({
			edit,
			index,
			start: document.offsetAt(edit.range.start),
			end: document.offsetAt(edit.range.end),
		}))
		.sort((a, b) => a.start - b.start || a.end - a.start - (b.end - b.start) || a.index - b.index);
	const out: FixEdit[] = [];
	for (let i = 0; i < located.length; i++) {
		const current = located[i];
		const next = located[i + 1];
		if (current.start === current.end && next && next.start === current.start && next.end > next.start) {
			out.push({ range: next.edit.range, newText: current.edit.newText + next.edit.newText });
			i++;
			continue;
		}
		out.push(current.edit);
	}
	return out;
}

/** Whether the edits are in order and do not overlap (checked before a fix is offered). */
export function editsAreDisjoint(document: TextDocument, edits: readonly FixEdit[]): boolean {
	let lastEnd = -1;
	for (const edit of edits) {
		const start = document.offsetAt(edit.range.start);
		const end = document.offsetAt(edit.range.end);
		if (start < lastEnd) {
			return false;
		}
		lastEnd = end;
	}
	return true;
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether shell or Dockerfile text reads a variable: `$NAME`, `${NAME}`, `${NAME:-…}`, `${#NAME}`. */
export function referencesVariable(text: string, name: string): boolean {
	if (!text.includes('$')) {
		return false;
	}
	const n = escapeRegExp(name);
	return new RegExp(`\\$(?:\\{[#!]?${n}(?![A-Za-z0-9_])|${n}(?![A-Za-z0-9_]))`).test(text);
}

/** Where the shell part of a RUN starts: after its flags. */
function runBodyStart(document: TextDocument, run: Instruction): number {
	const flags = flagsOf(run);
	const last = flags[flags.length - 1];
	return document.offsetAt(last ? last.getRange().end : run.getInstructionRange().end);
}

/**
 * Whether the commands of a RUN read a variable by name: `$NAME` and `${NAME…}` in its text (here-document bodies
 * included, and the words as the shell sees them across continuation lines), `printenv NAME`, or the bare name in
 * a shell this module does not parse (`$env:NAME` in PowerShell). Text in `exclude` (document offsets) is not read.
 */
export function runReadsVariable(
	model: FileModel,
	run: Instruction,
	name: string,
	exclude: readonly (readonly [number, number])[] = [],
): boolean {
	const { document } = model;
	const start = runBodyStart(document, run);
	const end = document.offsetAt(run.getRange().end);
	let body = document.getText().slice(start, end);
	for (const [s, e] of exclude) {
		const from = Math.max(s, start) - start;
		const to = Math.min(e, end) - start;
		if (to > from) {
			body = body.slice(0, from) + ' '.repeat(to - from) + body.slice(to);
		}
	}
	// cmd's `%NAME%` and PowerShell's `$env:NAME` too: a Windows image runs RUN in cmd unless SHELL says otherwise.
	const n = escapeRegExp(name);
	if (referencesVariable(body, name) || new RegExp(`%${n}%|\\$env:${n}(?![A-Za-z0-9_])`, 'i').test(body)) {
		return true;
	}
	const script = model.runScript(run);
	if (script.form === 'none') {
		return new RegExp(`(?<![A-Za-z0-9_])${n}(?![A-Za-z0-9_])`).test(body);
	}
	const inside = (w: RunWord): boolean => exclude.some(([s, e]) => w.start >= s && w.end <= e);
	for (const command of script.commands) {
		for (const word of [...command.assignments, ...command.words]) {
			if (!inside(word) && referencesVariable(word.text, name)) {
				return true;
			}
		}
	}
	return runInvocations(model, run).some((inv) => inv.name === 'printenv' && inv.args.some((a) => a.value === name));
}

/** Families of tools that read credentials by themselves, from the environment or a config file. */
export type ToolFamily = 'npm' | 'python' | 'git' | 'download';

const PIP_NAME = /^pip(?:\d+(?:\.\d+)?)?$/;
const PYTHON_NAME = /^python(?:\d+(?:\.\d+)?)?$/;

const FAMILY_OF: Readonly<Record<string, ToolFamily>> = {
	npm: 'npm',
	npx: 'npm',
	yarn: 'npm',
	pnpm: 'npm',
	pnpx: 'npm',
	uv: 'python',
	poetry: 'python',
	git: 'git',
	curl: 'download',
	wget: 'download',
};

/** The tools of a RUN that read credentials by themselves (npm, yarn, pnpm, pip, uv, poetry, git, curl, wget). */
export function credentialTools(model: FileModel, run: Instruction): { name: string; family: ToolFamily }[] {
	const out: { name: string; family: ToolFamily }[] = [];
	for (const inv of runInvocations(model, run)) {
		let family: ToolFamily | undefined = FAMILY_OF[inv.name];
		let name = inv.name;
		if (!family && (PIP_NAME.test(inv.name) || pipInstall(inv))) {
			family = 'python';
			name = 'pip';
		} else if (!family && PYTHON_NAME.test(inv.name)) {
			const m = inv.args.findIndex((a) => a.value === '-m');
			if (m >= 0 && inv.args[m + 1]?.value === 'pip') {
				family = 'python';
				name = 'pip';
			}
		}
		if (family && !out.some((t) => t.name === name)) {
			out.push({ name, family });
		}
	}
	return out;
}

/** Variables a family's tools read straight from the environment, whatever their config files say. */
const READ_DIRECTLY: Readonly<Record<ToolFamily, RegExp | undefined>> = {
	npm: /^(?:NPM_CONFIG_|npm_config_|YARN_|PNPM_)/,
	python: /^(?:PIP_|UV_|POETRY_)/,
	git: /^GIT_/,
	download: undefined,
};

/**
 * Whether the RUN's tools of a family already take their credentials from a secret mount (pip from a mounted
 * `env=PIP_INDEX_URL` or `pip.conf`, git and curl from a mounted `.netrc` or `.git-credentials`). npm never counts:
 * its `.npmrc` reads `${NAME}` from the environment.
 */
function familyCovered(run: Instruction, family: ToolFamily): boolean {
	return secretMountsOf(run).some((m) => {
		const env = m.get('env') ?? '';
		const target = basename(mountTarget(m) ?? '');
		switch (family) {
			case 'python':
				return /^(?:PIP|UV|POETRY)_/.test(env) || ['pip.conf', 'pip.ini', '.netrc', '.pypirc'].includes(target);
			case 'git':
				return /^GIT_/.test(env) || ['.git-credentials', '.netrc'].includes(target);
			case 'download':
				return ['.netrc', '.wgetrc', '.curlrc'].includes(target);
			default:
				return false;
		}
	});
}

/**
 * The tools of a RUN that may read the variable without naming it: each tool that reads credentials by itself,
 * unless the RUN already gives that tool its credentials through a secret (and the variable is not one the tool
 * reads directly, like `PIP_INDEX_URL`).
 */
export function implicitReaders(model: FileModel, run: Instruction, name: string): string[] {
	return credentialTools(model, run)
		.filter((t) => READ_DIRECTLY[t.family]?.test(name) || !familyCovered(run, t.family))
		.map((t) => t.name);
}

/** A package index option whose URL carries credentials: `--index-url URL`, `--extra-index-url=URL`, `-i URL`. */
export interface IndexOption {
	/** The option's word (the same as `value` for `--index-url=URL`). */
	readonly option: RunWord;
	readonly value: RunWord;
}

/** The credential-carrying index options of one kind in a RUN, which one secret can replace. */
export interface IndexMove {
	readonly kind: 'index' | 'extra';
	readonly tool: 'pip' | 'uv';
	/** The secret: `pip_index_url` / `PIP_INDEX_URL` (uv: `UV_INDEX_URL`, `UV_EXTRA_INDEX_URL`). */
	readonly id: string;
	readonly env: string;
	readonly options: readonly IndexOption[];
	readonly hosts: readonly string[];
	/** Whether a password is written in the Dockerfile rather than taken from a variable. */
	readonly literal: boolean;
	/** Whether another pip command of the RUN did not name this index (the secret reaches it too). */
	readonly reachesOthers: boolean;
	/** The removals of the options, or `undefined` when they cannot be removed cleanly (no fix then). */
	readonly removals: readonly Range[] | undefined;
}

/** Removes JSON strings `first`..`last` of an exec-form RUN with their comma. */
function jsonRemoval(document: TextDocument, words: readonly RunWord[], first: RunWord, last: RunWord): Range {
	const i = words.indexOf(first);
	const j = words.indexOf(last);
	const next = words[j + 1];
	if (next) {
		return { start: first.range.start, end: next.range.start };
	}
	const previous = words[i - 1];
	return { start: previous ? previous.range.end : first.range.start, end: last.range.end };
}

/** How many pip (or `uv pip`) commands a RUN runs, whatever they do (`pip wheel` reads PIP_INDEX_URL too). */
function pipCommands(model: FileModel, run: Instruction, tool: 'pip' | 'uv'): number {
	return runInvocations(model, run).filter((inv) => {
		if (tool === 'uv') {
			return inv.name === 'uv' && inv.args[0]?.value === 'pip';
		}
		const m = inv.args.findIndex((a) => a.value === '-m');
		return PIP_NAME.test(inv.name) || (PYTHON_NAME.test(inv.name) && m >= 0 && inv.args[m + 1]?.value === 'pip');
	}).length;
}

/** Finds the index options with credentials of a RUN's pip (and `uv pip`) installs, grouped by what replaces them. */
export function indexMoves(model: FileModel, run: Instruction): IndexMove[] {
	const { document } = model;
	const groups = new Map<
		string,
		{
			kind: 'index' | 'extra';
			tool: 'pip' | 'uv';
			options: IndexOption[];
			hosts: string[];
			literal: boolean;
			values: Set<string>;
			ok: boolean;
			commands: number;
		}
	>();
	const installs = runInvocations(model, run)
		.map((inv) => pipInstall(inv))
		.filter((p): p is NonNullable<typeof p> => p !== undefined);
	for (const pip of installs) {
		const kinds = {
			index: optionValues(pip.args, ['-i'], ['--index-url']),
			extra: optionValues(pip.args, [], ['--extra-index-url']),
		} as const;
		for (const kind of ['index', 'extra'] as const) {
			const withCredentials = kinds[kind].filter((o) => findUrlCredentials(o.value).length > 0);
			if (withCredentials.length === 0) {
				continue;
			}
			const key = `${pip.tool}:${kind}`;
			let group = groups.get(key);
			if (!group) {
				group = {
					kind,
					tool: pip.tool,
					options: [],
					hosts: [],
					literal: false,
					values: new Set(),
					ok: true,
					commands: 0,
				};
				groups.set(key, group);
			}
			group.commands++;
			// pip takes one --index-url: two in one command, or different ones in two commands, cannot share a secret.
			if (kind === 'index' && kinds.index.length > 1) {
				group.ok = false;
			}
			for (const o of withCredentials) {
				group.options.push({ option: o.optionWord, value: o.word });
				group.values.add(o.value);
				for (const c of findUrlCredentials(o.value)) {
					if (!group.hosts.includes(c.host)) {
						group.hosts.push(c.host);
					}
					group.literal ||= c.literal;
				}
			}
		}
	}
	const moves: IndexMove[] = [];
	for (const group of groups.values()) {
		const env = `${group.tool === 'uv' ? 'UV' : 'PIP'}_${group.kind === 'index' ? 'INDEX_URL' : 'EXTRA_INDEX_URL'}`;
		const ok = group.ok && (group.kind === 'extra' || group.values.size === 1) && !hasSecretMount(run, { id: '', env });
		let removals: Range[] | undefined = ok ? [] : undefined;
		for (const { option, value } of group.options) {
			if (!removals) {
				break;
			}
			let range: Range | undefined;
			if (option.json || value.json) {
				const words = model.runScript(run).commands.flatMap((c) => c.words);
				range = jsonRemoval(document, words, option, value);
			} else {
				range = spanRemoval(document, option.start, value.end, model.escapeChar);
			}
			if (range) {
				removals.push(range);
			} else {
				removals = undefined;
			}
		}
		moves.push({
			kind: group.kind,
			tool: group.tool,
			id: env.toLowerCase(),
			env,
			options: group.options,
			hosts: group.hosts,
			literal: group.literal,
			reachesOthers: pipCommands(model, run, group.tool) > group.commands,
			removals,
		});
	}
	return moves;
}

function isBlank(text: string): boolean {
	return /^[ \t]*$/.test(text);
}

/**
 * The range that removes document text `start`..`end` (words of a RUN, a property of an ENV) without breaking its
 * instruction: a line left with only a continuation goes whole; text that ends the instruction on a continuation line
 * takes the continuation before it, so the next instruction does not join this one. `undefined` when neither is
 * possible without dropping a comment line.
 */
export function spanRemoval(document: TextDocument, start: number, end: number, escapeChar: string): Range | undefined {
	const text = document.getText();
	const lineStart = text.lastIndexOf('\n', start - 1) + 1;
	let lineEnd = text.indexOf('\n', end);
	const nextLine = lineEnd < 0 ? text.length : lineEnd + 1;
	if (lineEnd < 0) {
		lineEnd = text.length;
	}
	if (text[lineEnd - 1] === '\r' && lineEnd > end) {
		lineEnd--;
	}
	const before = text.slice(lineStart, start);
	const after = text.slice(end, lineEnd);
	if (!isBlank(before)) {
		return removalRange(document, start, end, escapeChar);
	}
	const escape = escapeRegExp(escapeChar);
	if (new RegExp(`^[ \\t]*${escape}[ \\t]*$`).test(after)) {
		return { start: document.positionAt(lineStart), end: document.positionAt(nextLine) };
	}
	if (!isBlank(after)) {
		return removalRange(document, start, end, escapeChar);
	}
	// The last words of the instruction, alone on a continuation line: end the instruction on the line with content
	// before.
	const continuation = continuationLeadingTo(text, lineStart, [escapeChar]);
	if (continuation === undefined) {
		return undefined;
	}
	return { start: document.positionAt(continuation), end: document.positionAt(lineEnd) };
}

/** The range that deletes a whole instruction and its line break (a byte-order mark at the start stays). */
export function instructionRemoval(document: TextDocument, instruction: Instruction): Range {
	const range = instructionRemovalRange(document, instruction.getRange());
	if (range.start.line === 0 && document.getText().startsWith('\uFEFF')) {
		return { start: { line: 0, character: 1 }, end: range.end };
	}
	return range;
}

/**
 * The range that removes one `NAME=value` of an ARG or ENV: the whole instruction when it is the only one, otherwise
 * that property alone. `undefined` for `ARG A B` (one instruction, several names) and layouts it cannot take apart.
 */
export function propertyRemoval(
	document: TextDocument,
	instruction: Instruction,
	property: Property,
	escapeChar: string,
): Range | undefined {
	const properties = propertiesOf(instruction);
	if (properties.length <= 1) {
		if (
			instruction.getKeyword() === 'ARG' &&
			instruction.getArguments().length > 1 &&
			!/=/.test(instruction.getArgumentsContent() ?? '')
		) {
			return undefined;
		}
		return instructionRemoval(document, instruction);
	}
	const range = property.getRange();
	return spanRemoval(document, document.offsetAt(range.start), document.offsetAt(range.end), escapeChar);
}

/** Whether an ENV property only copies a variable of the same name: `ENV X=$X`, `ENV X=${X}`, `ENV X="$X"`. */
export function isPlainCopy(property: Property): boolean {
	const name = escapeRegExp(property.getName());
	const value = (property.getValue() ?? '').trim();
	return new RegExp(`^(["']?)\\$(?:${name}|\\{${name}\\})\\1$`).test(value);
}

/**
 * The user a RUN runs as: the last USER before it in the stage or the stages it builds on (`undefined`: the image's
 * default, root unless the base image says otherwise).
 */
export function userAt(model: FileModel, stage: Stage, instruction: Instruction): string | undefined {
	let user: string | undefined;
	for (const i of model.effectiveInstructions(stage)) {
		if (i === instruction) {
			break;
		}
		if (i.getKeyword() === 'USER') {
			const owner = model.stageOf(i) ?? stage;
			const raw = i.getArgumentsContent()?.trim() ?? '';
			const expansion = model.expand(raw, model.variablesAt(owner, i));
			user = expansion.unresolved ? raw : expansion.value;
		}
	}
	return user;
}

/** Whether a USER value is root (`root`, `0`, `root:…`, `0:…`; no USER at all). */
export function isRootUser(user: string | undefined): boolean {
	if (user === undefined) {
		return true;
	}
	const name = user.split(':')[0];
	return name === 'root' || name === '0' || name === '';
}

/** The home directory of the user a RUN runs as (`HOME` when the stage sets it), if it can be known. */
export function homeAt(model: FileModel, stage: Stage, instruction: Instruction): string | undefined {
	const home = model.variablesAt(stage, instruction).get('HOME');
	if (typeof home === 'string' && home.startsWith('/')) {
		return home.replace(/\/+$/, '') || '/';
	}
	const user = userAt(model, stage, instruction);
	if (isRootUser(user)) {
		return '/root';
	}
	const name = user!.split(':')[0];
	return /^\d+$/.test(name) || name.includes('$') ? undefined : `/home/${name}`;
}

/** The stages that build on `stage` (`FROM <stage>`), directly. */
export function childStages(model: FileModel, stage: Stage): Stage[] {
	return model.stages.filter((s) => s.parent === stage);
}

/**
 * The range that takes one simple command out of a RUN with the `&&`, `||`, `;` or line break that joins it to the
 * command before (or after) it; the whole instruction when it is the RUN's only command. `undefined` inside pipes,
 * `$(…)`, `if`/`for` bodies and other places where that would change what the rest means.
 */
export function commandRemoval(model: FileModel, run: Instruction, command: RunCommand): Range | undefined {
	const { document } = model;
	const script = model.runScript(run);
	if (command.pipeline !== undefined || script.hasError || script.form !== 'shell') {
		return undefined;
	}
	const text = document.getText();
	const commands = script.commands;
	const index = commands.indexOf(command);
	const start = document.offsetAt(command.range.start);
	const end = document.offsetAt(command.range.end);
	const escape = escapeRegExp(model.escapeChar);
	const joiner = new RegExp(`^(?:[ \\t]|${escape}\\r?\\n)*(?:&&|\\|\\||;|\\r?\\n)(?:[ \\t]|${escape}\\r?\\n)*$`);
	const previous = commands[index - 1];
	if (previous) {
		const previousEnd = document.offsetAt(previous.range.end);
		if (previousEnd <= start && joiner.test(text.slice(previousEnd, start))) {
			return { start: previous.range.end, end: command.range.end };
		}
	}
	const next = commands[index + 1];
	if (next) {
		const nextStart = document.offsetAt(next.range.start);
		if (end <= nextStart && joiner.test(text.slice(end, nextStart))) {
			return { start: command.range.start, end: next.range.start };
		}
	}
	if (commands.length === 1 && !text.slice(document.offsetAt(run.getRange().start), end).includes('<<')) {
		return instructionRemoval(document, run);
	}
	return undefined;
}
