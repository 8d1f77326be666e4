/**
 * The file model every rule reads: the parsed Dockerfile, its stages (aliases, which stage a FROM builds on, which
 * stage is final), the variables in scope at each instruction, and the shell commands of each RUN.
 */
import type { Dockerfile, From, Instruction } from 'dockerfile-ast';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { jsonStringsOf, propertiesOf } from './ast';
import { normaliseContextPath } from './context';
import { History, Scope } from './scope';
import { parseImageRef, type ImageRef } from './imageRef';
import { analyseRun, type RunScript } from './runScript';
import { expandVariables, type Expansion } from './variables';

/** One build stage: a FROM and the instructions up to the next FROM. */
export interface Stage {
	readonly index: number;
	readonly from: From;
	/** The `AS` name, lower-cased (stage names are case-insensitive). */
	readonly name: string | undefined;
	/** The instructions after the FROM, in order. */
	readonly instructions: readonly Instruction[];
	/** The earlier stage this one builds on (`FROM builder`). */
	readonly parent: Stage | undefined;
	/** The base image text after ARG expansion. */
	readonly baseText: string;
	/** Whether the base image text still holds a variable without a known value. */
	readonly baseUnresolved: boolean;
	/** The external base image, when the stage does not build on another stage or `scratch`. */
	readonly baseImage: ImageRef | undefined;
	readonly isScratch: boolean;
	/** Whether this is the last stage: the image `docker build` produces without `--target`. */
	readonly isFinal: boolean;
}

/** A variable's value: a string, or `null` when declared without a value (passed at build time, if at all). */
export type VariableValue = string | null;

/** What an instruction sees when it runs. */
interface Snapshot {
	readonly scope: Scope<VariableValue>;
	/** The ENV part of the scope (what a child stage inherits). */
	readonly env: Scope<VariableValue>;
	readonly shell: readonly string[] | undefined;
	readonly workdir: string;
}

interface StageState {
	readonly before: ReadonlyMap<Instruction, Snapshot>;
	readonly end: Snapshot;
}

/** POSIX path join and normalisation for image paths (`/app` + `../x` → `/x`). */
export function resolveImagePath(base: string, path: string): string {
	return `/${normaliseContextPath(path.startsWith('/') ? path : `${base}/${path}`)}`;
}

interface MutableStage extends Omit<Stage, 'instructions' | 'parent' | 'isFinal'> {
	instructions: Instruction[];
	parent: Stage | undefined;
	isFinal: boolean;
}

/** Parses a JSON-form SHELL instruction into its words. */
function shellWords(instruction: Instruction): string[] | undefined {
	const json = jsonStringsOf(instruction);
	if (json.length === 0) {
		return undefined;
	}
	return json.map((s) => s.getJSONValue());
}

/** The model of one Dockerfile, built once per analysis. */
export class FileModel {
	readonly stages: readonly Stage[];
	/** ARGs declared before the first FROM. */
	readonly globalArgs: ReadonlyMap<string, VariableValue>;
	private readonly runs = new Map<Instruction, RunScript>();
	private readonly stageOfInstruction = new Map<Instruction, Stage>();
	private readonly effective = new Map<Stage, readonly Instruction[]>();
	private readonly states = new Map<Stage, StageState>();

	constructor(
		readonly document: TextDocument,
		readonly dockerfile: Dockerfile,
		readonly escapeChar: string,
	) {
		const globals = new Map<string, VariableValue>();
		for (const arg of dockerfile.getInitialARGs()) {
			const property = arg.getProperty();
			if (property) {
				const value = property.getValue();
				globals.set(
					property.getName(),
					value === null ? null : expandVariables(value, (n) => globals.get(n), escapeChar).value,
				);
			}
		}
		this.globalArgs = globals;

		const stages: MutableStage[] = [];
		let current: MutableStage | undefined;
		for (const instruction of dockerfile.getInstructions()) {
			if (instruction.getKeyword() === 'FROM') {
				current = this.makeStage(instruction as From, stages);
				stages.push(current);
				this.stageOfInstruction.set(instruction, current);
			} else if (current) {
				current.instructions.push(instruction);
				this.stageOfInstruction.set(instruction, current);
			}
		}
		if (stages.length > 0) {
			stages[stages.length - 1].isFinal = true;
		}
		this.stages = stages;
	}

	private makeStage(from: From, earlier: readonly Stage[]): MutableStage {
		const raw = from.getImage() ?? '';
		const expansion = expandVariables(raw, (n) => this.globalArgs.get(n), this.escapeChar);
		const baseText = expansion.value;
		const lower = baseText.toLowerCase();
		const parent = expansion.unresolved ? undefined : earlier.find((s) => s.name === lower);
		const isScratch = !parent && lower === 'scratch';
		const baseImage = parent || isScratch || expansion.unresolved ? undefined : parseImageRef(baseText);
		return {
			index: earlier.length,
			from,
			name: from.getBuildStage()?.toLowerCase() ?? undefined,
			instructions: [],
			parent,
			baseText,
			baseUnresolved: expansion.unresolved,
			baseImage,
			isScratch,
			isFinal: false,
		};
	}

	/** The last stage, or `undefined` for a file with no FROM. */
	get finalStage(): Stage | undefined {
		return this.stages[this.stages.length - 1];
	}

	/** The stage an instruction belongs to (`undefined` for global ARGs). */
	stageOf(instruction: Instruction): Stage | undefined {
		return this.stageOfInstruction.get(instruction);
	}

	/** A stage by `AS` name or by index (`COPY --from=0`), as seen from `before` (only earlier stages count). */
	findStage(reference: string, before?: Stage): Stage | undefined {
		const candidates = before ? this.stages.slice(0, before.index) : this.stages;
		if (/^\d+$/.test(reference)) {
			return candidates[Number(reference)];
		}
		const lower = reference.toLowerCase();
		return candidates.find((s) => s.name === lower);
	}

	/** The stage and its ancestors, nearest first (`FROM builder` inherits USER, ENV, SHELL, WORKDIR). */
	lineage(stage: Stage): Stage[] {
		const chain: Stage[] = [];
		for (let s: Stage | undefined = stage; s && !chain.includes(s); s = s.parent) {
			chain.push(s);
		}
		return chain;
	}

	/** The instructions that affect `stage`, oldest first: its ancestors' then its own (memoised). */
	effectiveInstructions(stage: Stage): readonly Instruction[] {
		let list = this.effective.get(stage);
		if (!list) {
			list = [...(stage.parent ? this.effectiveInstructions(stage.parent) : []), ...stage.instructions];
			this.effective.set(stage, list);
		}
		return list;
	}

	/** The shell a RUN in `stage` uses (`SHELL` instruction), or `undefined` for the default. */
	shellAt(stage: Stage, instruction: Instruction): readonly string[] | undefined {
		return this.state(stage).before.get(instruction)?.shell;
	}

	/** The working directory before `instruction` (WORKDIR is inherited from ancestor stages). */
	workdirAt(stage: Stage, instruction: Instruction): string {
		return this.state(stage).before.get(instruction)?.workdir ?? '/';
	}

	/** The shell commands of a RUN instruction (memoised). */
	runScript(instruction: Instruction): RunScript {
		let script = this.runs.get(instruction);
		if (!script) {
			const stage = this.stageOf(instruction);
			const shell = stage ? this.shellAt(stage, instruction) : undefined;
			script = analyseRun(this.document, instruction, this.escapeChar, shell);
			this.runs.set(instruction, script);
		}
		return script;
	}

	/**
	 * The ARG and ENV variables a build sees at `instruction` in `stage` (at the end of the stage without one): ENV
	 * inherited from ancestor stages, the stage's own ARGs (a redeclared global ARG takes the global default) and
	 * ENVs, in order. ENV values are expanded with the ARGs of the stage that declares them; ARGs do not cross into
	 * child stages; an ENV wins over an ARG of the same name.
	 */
	variablesAt(stage: Stage, instruction?: Instruction): ReadonlyMap<string, VariableValue> {
		const state = this.state(stage);
		return (instruction && state.before.get(instruction)?.scope) ?? state.end.scope;
	}

	/**
	 * Computes, in one pass per stage, what each instruction sees: variables, shell and working directory. Values
	 * are shared between instructions until an ARG/ENV/SHELL/WORKDIR changes them, so a file of n instructions costs
	 * O(n) instead of O(n²) when every RUN asks.
	 */
	private state(stage: Stage): StageState {
		let state = this.states.get(stage);
		if (state) {
			return state;
		}
		const inherited = stage.parent ? this.state(stage.parent).end : undefined;
		const parentEnv = inherited?.env;
		// One history for ARG and ENV (what RUN sees) and one for ENV alone (what a child stage inherits).
		const scopeHistory = new History<VariableValue>();
		const envHistory = new History<VariableValue>();
		let position = 0;
		const view = (at: number): Pick<Snapshot, 'scope' | 'env'> => ({
			scope: new Scope(scopeHistory, at, parentEnv),
			env: new Scope(envHistory, at, parentEnv),
		});
		let current: Snapshot = {
			...view(0),
			shell: inherited?.shell,
			workdir: inherited?.workdir ?? '/',
		};
		const before = new Map<Instruction, Snapshot>();
		for (const i of stage.instructions) {
			before.set(i, current);
			const keyword = i.getKeyword();
			if (keyword === 'ARG' || keyword === 'ENV') {
				// Every property of one instruction is expanded with the values from before it, as BuildKit does
				// (`ENV a=1 b=$a` gives b the old a).
				position++;
				for (const property of propertiesOf(i)) {
					const name = property.getName();
					const raw = property.getValue();
					if (keyword === 'ARG') {
						if (!current.env.has(name)) {
							scopeHistory.set(
								name,
								raw === null ? (this.globalArgs.get(name) ?? null) : this.expand(raw, current.scope).value,
								position,
							);
						}
					} else {
						const value = raw === null ? '' : this.expand(raw, current.scope).value;
						scopeHistory.set(name, value, position);
						envHistory.set(name, value, position);
					}
				}
				current = { ...current, ...view(position + 1) };
			} else if (keyword === 'SHELL') {
				current = { ...current, shell: shellWords(i) ?? current.shell };
			} else if (keyword === 'WORKDIR') {
				const raw = i.getArgumentsContent()?.trim();
				if (raw) {
					current = { ...current, workdir: resolveImagePath(current.workdir, this.expand(raw, current.scope).value) };
				}
			}
		}
		state = { before, end: current };
		this.states.set(stage, state);
		return state;
	}

	/** Expands Dockerfile variables with the given scope. */
	expand(text: string, scope: ReadonlyMap<string, VariableValue>): Expansion {
		return expandVariables(text, (name) => scope.get(name), this.escapeChar);
	}
}

/** The parts of a dockerfile-ast Property the model reads. */
export interface PropertyLike {
	getName(): string;
	getValue(): string | null;
}
