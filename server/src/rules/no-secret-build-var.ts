import type { Instruction, Property } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import type { BuildSecret, FixDetails, FixEdit } from '../protocol';
import { flagsOf, propertiesOf } from '../engine/ast';
import type { Stage } from '../engine/model';
import {
	childStages,
	credentialTools,
	editsAreDisjoint,
	implicitReaders,
	indexMoves,
	isPlainCopy,
	mountInsertion,
	orderEdits,
	propertyRemoval,
	referencesVariable,
	runReadsVariable,
	secretMountsOf,
	syntaxForSecretEnv,
	type IndexMove,
	type SecretMount,
} from '../engine/secretMounts';
import { findUrlCredentials, isSecretName } from '../engine/secrets';
import { defineRule, type RuleContext } from './types';

type MessageId =
	| 'secretArg'
	| 'secretEnv'
	| 'credentialValue'
	| 'secretArgOutsideRun'
	| 'secretEnvOutsideRun'
	| 'credentialValueOutsideRun';

/** An ARG or ENV property; `stage` is `undefined` for an ARG before the first FROM. */
interface Declaration {
	readonly instruction: Instruction;
	readonly property: Property;
	readonly stage: Stage | undefined;
}

/** Something that needs the variable's value outside the shell of a RUN, which a secret mount cannot reach. */
interface Blocker {
	/** What reads it: an instruction keyword (`USER`), or `RUN --mount` for a RUN option. */
	readonly use: string;
	/** 1-based. */
	readonly line: number;
}

/** Where a declaration's value goes: the RUNs that see it, its `ENV X=$X` copies, and any use outside RUN. */
interface Reach {
	/** The RUNs that see the value, one group per declaration (a global ARG: per stage that redeclares it). */
	readonly groups: Instruction[][];
	readonly runs: Instruction[];
	readonly copies: Declaration[];
	/** Whether the value reaches the final image as an ENV (the running container sees it). */
	inFinalImage: boolean;
	blocker: Blocker | undefined;
}

/** What the fix of one finding does, or why there is none. */
interface Plan {
	readonly blocker?: Blocker;
	readonly edits?: readonly FixEdit[];
	readonly details?: FixDetails;
}

export default defineRule<MessageId>({
	meta: {
		id: 'DH301',
		name: 'no-secret-build-var',
		layer: 'layer 3',
		defaultSeverity: 'error',
		messages: {
			secretArg:
				'ARG {{name}} looks like a credential: build arguments are recorded in the image history, where anyone who pulls the image can read them. Pass it as a BuildKit secret instead (`RUN --mount=type=secret,id={{id}},env={{name}} …`, built with `--secret id={{id}},env={{name}}`).',
			secretEnv:
				'ENV {{name}} looks like a credential: ENV values are stored in the image and visible to every container and `docker inspect`. Pass it as a BuildKit secret to the RUN that needs it (`RUN --mount=type=secret,id={{id}},env={{name}} …`).',
			credentialValue:
				'{{keyword}} {{name}} holds a URL with credentials for {{host}}, which ends up in the image. Pass the URL as a BuildKit secret (`RUN --mount=type=secret,id={{id}},env={{name}} …`) instead.',
			secretArgOutsideRun:
				'ARG {{name}} looks like a credential: build arguments are recorded in the image history, where anyone who pulls the image can read them. It cannot simply become a secret mount, because {{use}} on line {{line}} needs its value outside the shell of a RUN, where a secret does not reach: change that first, then pass it as a BuildKit secret (`RUN --mount=type=secret,id={{id}},env={{name}} …`).',
			secretEnvOutsideRun:
				'ENV {{name}} looks like a credential: ENV values are stored in the image and visible to every container and `docker inspect`. It cannot simply become a secret mount, because {{use}} on line {{line}} needs its value outside the shell of a RUN, where a secret does not reach: change that first, then pass it as a BuildKit secret (`RUN --mount=type=secret,id={{id}},env={{name}} …`).',
			credentialValueOutsideRun:
				'{{keyword}} {{name}} holds a URL with credentials for {{host}}, which ends up in the image. It cannot simply become a secret mount, because {{use}} on line {{line}} needs its value outside the shell of a RUN, where a secret does not reach: change that first, then pass the URL as a BuildKit secret (`RUN --mount=type=secret,id={{id}},env={{name}} …`).',
		},
		fix: { safety: 'review', title: 'Convert {{keyword}} {{name}} to a secret mount' },
		docs: {
			summary: 'An ARG or ENV whose name or value carries a credential.',
		},
		equivalents: {
			hadolint: ['DL3064'],
			trivy: ['DS-0031'],
			buildkit: ['SecretsUsedInArgOrEnv'],
		},
	},
	create(context: RuleContext<MessageId>) {
		const { model, document, dockerfile } = context;
		const patterns = context.settings.secrets;
		const lineOf = (instruction: Instruction): number => instruction.getRange().start.line + 1;

		/** Whether a non-RUN instruction needs the variable's value (BuildKit substitution, or a shell at run time). */
		const reads = (instruction: Instruction, name: string): boolean =>
			instruction.getVariables().some((v) => v.getName() === name) ||
			referencesVariable(document.getText(instruction.getRange()), name);

		/**
		 * Follows a declaration's value from `from` in `stage`: to the RUNs that see it, into `ENV X=$X` copies, and
		 * into the stages built on this one when an ENV carries it there. Stops at the next declaration of the name.
		 */
		const follow = (
			name: string,
			stage: Stage,
			from: number,
			carried: boolean,
			reach: Reach,
			seen: Set<Stage>,
		): void => {
			if (seen.has(stage)) {
				return;
			}
			seen.add(stage);
			const instructions = stage.instructions;
			for (let j = from; j < instructions.length && !reach.blocker; j++) {
				const instruction = instructions[j];
				const keyword = instruction.getKeyword();
				if (keyword === 'ARG' || keyword === 'ENV') {
					let redeclared = false;
					for (const property of propertiesOf(instruction)) {
						const range = property.getValueRange();
						if (property.getName() === name) {
							if (keyword === 'ENV' && isPlainCopy(property)) {
								reach.copies.push({ instruction, property, stage });
								carried = true;
							} else {
								redeclared = true;
							}
						} else if (range && referencesVariable(document.getText(range), name)) {
							reach.blocker = { use: keyword, line: lineOf(instruction) };
						}
					}
					if (redeclared) {
						return;
					}
				} else if (keyword === 'RUN') {
					const flag = flagsOf(instruction).find((f) => referencesVariable(document.getText(f.getRange()), name));
					if (flag) {
						reach.blocker = { use: `RUN --${flag.getName()}`, line: lineOf(instruction) };
					} else {
						reach.runs.push(instruction);
					}
				} else if (reads(instruction, name)) {
					reach.blocker = { use: keyword, line: lineOf(instruction) };
				}
			}
			if (carried && !reach.blocker) {
				const final = model.finalStage;
				if (final && model.lineage(final).includes(stage)) {
					reach.inFinalImage = true;
				}
				for (const child of childStages(model, stage)) {
					follow(name, child, 0, true, reach, seen);
				}
			}
		};

		/** The declaration an `ENV X=$X` copies (the ARG or ENV whose fix removes the copy too), or the copy itself. */
		const rootOf = (declaration: Declaration): Declaration => {
			const { instruction, property, stage } = declaration;
			if (!stage || instruction.getKeyword() !== 'ENV' || !isPlainCopy(property)) {
				return declaration;
			}
			const name = property.getName();
			let current: Stage | undefined = stage;
			let index = stage.instructions.indexOf(instruction) - 1;
			// In the copy's own stage an ARG is in scope; in a stage it builds on, only what an ENV copy carried.
			let carried = true;
			while (current) {
				for (; index >= 0; index--) {
					const candidate = current.instructions[index];
					const keyword = candidate.getKeyword();
					if (keyword !== 'ARG' && keyword !== 'ENV') {
						continue;
					}
					const found = propertiesOf(candidate)
						.filter((p) => p.getName() === name)
						.pop();
					if (!found) {
						continue;
					}
					if (keyword === 'ENV' && isPlainCopy(found)) {
						carried = true;
						continue;
					}
					if (keyword === 'ENV' || carried) {
						return { instruction: candidate, property: found, stage: current };
					}
				}
				current = current.parent;
				index = current ? current.instructions.length - 1 : -1;
				carried = false;
			}
			return declaration;
		};

		/** Where a declaration's value reaches (a global ARG: through the stages that redeclare it). */
		const reachOf = (declaration: Declaration, removals: Declaration[]): Reach => {
			const name = declaration.property.getName();
			const reach: Reach = { groups: [], runs: [], copies: [], inFinalImage: false, blocker: undefined };
			const { stage, instruction } = declaration;
			if (stage) {
				follow(
					name,
					stage,
					stage.instructions.indexOf(instruction) + 1,
					instruction.getKeyword() === 'ENV',
					reach,
					new Set(),
				);
				removals.push(...reach.copies);
				reach.groups.push(reach.runs);
				return reach;
			}
			for (const other of dockerfile.getInitialARGs()) {
				const range = other.getProperty()?.getValueRange();
				if (other !== instruction && range && referencesVariable(document.getText(range), name)) {
					reach.blocker = { use: 'ARG', line: lineOf(other) };
					return reach;
				}
			}
			for (const s of model.stages) {
				if (reads(s.from, name)) {
					reach.blocker = { use: 'FROM', line: lineOf(s.from) };
					return reach;
				}
			}
			for (const s of model.stages) {
				s.instructions.forEach((i, index) => {
					const property = i.getKeyword() === 'ARG' ? propertiesOf(i).find((p) => p.getName() === name) : undefined;
					if (!property || reach.blocker) {
						return;
					}
					removals.push({ instruction: i, property, stage: s });
					const inner: Reach = { groups: [], runs: [], copies: [], inFinalImage: false, blocker: undefined };
					follow(name, s, index + 1, false, inner, new Set());
					reach.groups.push(inner.runs);
					reach.runs.push(...inner.runs.filter((r) => !reach.runs.includes(r)));
					reach.copies.push(...inner.copies);
					removals.push(...inner.copies);
					reach.inFinalImage ||= inner.inFinalImage;
					reach.blocker = inner.blocker;
				});
			}
			return reach;
		};

		const plan = (root: Declaration, messageId: MessageId): Plan => {
			const name = root.property.getName();
			const id = name.toLowerCase();
			const keyword = root.instruction.getKeyword();
			const removals: Declaration[] = [root];
			const reach = reachOf(root, removals);
			if (reach.blocker) {
				return { blocker: reach.blocker };
			}
			const edits: FixEdit[] = [];
			for (const r of removals) {
				const range: Range | undefined = propertyRemoval(document, r.instruction, r.property, model.escapeChar);
				if (!range) {
					return {};
				}
				edits.push({ range, newText: '' });
			}

			// Who reads it: RUNs that name it, else (per declaration) RUNs whose tools may read it by themselves.
			const mounts = new Map<Instruction, SecretMount[]>();
			const moved: IndexMove[] = [];
			const implicit: { run: Instruction; tools: string[] }[] = [];
			let anyNamed = false;
			// Secret ids that give the variable to a RUN: ours, or the id of a mount a RUN already has.
			const ids = new Set<string>();
			for (const group of reach.groups) {
				let named = false;
				for (const run of group) {
					const present = secretMountsOf(run).find((m) => m.get('env') === name);
					if (present) {
						named = true;
						ids.add(present.get('id') ?? id);
						continue;
					}
					const moves = indexMoves(model, run).filter(
						(m) => m.removals && m.options.some((o) => referencesVariable(o.value.text, name)),
					);
					const spans = moves.flatMap((m) => m.options.map((o) => [o.option.start, o.value.end] as const));
					const elsewhere = runReadsVariable(model, run, name, spans);
					if (moves.length > 0 && !elsewhere) {
						// The variable only built an index URL with credentials: the URL becomes the secret (as DH302 does).
						named = true;
						mounts.set(
							run,
							moves.map((m) => ({ id: m.id, env: m.env })),
						);
						for (const m of moves) {
							edits.push(...m.removals!.map((range) => ({ range, newText: '' })));
							moved.push(m);
						}
					} else if (elsewhere) {
						named = true;
						ids.add(id);
						mounts.set(run, [{ id, env: name }]);
					}
				}
				anyNamed ||= named;
				if (named) {
					continue;
				}
				for (const run of group) {
					const tools = implicitReaders(model, run, name);
					if (tools.length > 0) {
						implicit.push({ run, tools });
						ids.add(id);
						mounts.set(run, [{ id, env: name }]);
					}
				}
			}
			let added = false;
			for (const [run, list] of mounts) {
				const edit = mountInsertion(run, list);
				if (edit) {
					edits.push(edit);
					added = true;
				}
			}
			const notes: string[] = [];
			if (added) {
				const syntax = syntaxForSecretEnv(document, dockerfile, context.text.includes('\r\n') ? '\r\n' : '\n');
				if (syntax.edit) {
					edits.push(syntax.edit);
				}
				if (syntax.note) {
					notes.push(syntax.note);
				}
			}
			const ordered = orderEdits(document, edits);
			if (!editsAreDisjoint(document, ordered)) {
				return {};
			}

			const secrets: BuildSecret[] = [...ids].map((secretId) => ({ id: secretId, env: name }));
			if (ids.size > 0) {
				notes.unshift(
					messageId === 'credentialValue'
						? `Export ${name} on the build machine with the full URL, credentials included.`
						: keyword === 'ARG'
							? `Stop passing ${name} with --build-arg: export it on the build machine instead.`
							: `Export ${name} on the build machine with the value the ENV held.`,
				);
			}
			for (const m of moved) {
				if (!secrets.some((s) => s.id === m.id)) {
					secrets.push({ id: m.id, env: m.env });
					notes.push(
						`The ${m.kind === 'index' ? 'index' : 'extra index'} URL that used ${name} now comes from the ${m.id} secret: export ${m.env} on the build machine with the full URL, credentials included.`,
					);
				}
			}
			if (implicit.length > 0) {
				const tools = [...new Set(implicit.flatMap((i) => i.tools))].join(', ');
				notes.push(
					`${anyNamed ? `In the stages where no RUN names ${name}, it` : `No RUN names ${name}, so it`} is mounted for the RUNs after it that run ${tools}, which can read credentials from the environment or a config file: remove the mounts that are not needed.`,
				);
			} else if (!anyNamed) {
				const covered = [...new Set(reach.runs.flatMap((run) => credentialTools(model, run).map((t) => t.name)))];
				notes.push(
					covered.length > 0
						? `No RUN names ${name}, and the ${covered.join(', ')} commands after it take their credentials from secret mounts, so the fix only removes it: if a script needs it, add \`--mount=type=secret,id=${id},env=${name}\` to that RUN.`
						: `No RUN reads ${name} (by name, or through npm, yarn, pnpm, pip, uv, poetry, git, curl or wget), so the fix only removes it: if a script needs it, add \`--mount=type=secret,id=${id},env=${name}\` to that RUN.`,
				);
			}
			if (
				keyword === 'ENV'
					? root.stage && model.finalStage && model.lineage(model.finalStage).includes(root.stage)
					: reach.inFinalImage
			) {
				notes.push(
					`The image no longer sets ${name}: if the application reads it when it runs, give it to the container at start (\`docker run --env-file\`, or an orchestrator secret).`,
				);
			}
			notes.push(
				`Images built before this change still hold ${name}: rotate the credential if any of them was pushed.`,
			);
			return { edits: ordered, details: secrets.length > 0 ? { secrets, notes } : { notes } };
		};

		const check = (instruction: Instruction, properties: readonly Property[]): void => {
			const keyword = instruction.getKeyword();
			const stage = model.stageOf(instruction);
			for (const property of properties) {
				const name = property.getName();
				const value = property.getValue();
				const id = name.toLowerCase();
				let messageId: MessageId;
				let range: Range;
				let data: Record<string, string | number>;
				if (isSecretName(name, patterns)) {
					// An ENV that sets an empty value or a file path leaks nothing.
					if (keyword === 'ENV' && value !== null && (value.trim() === '' || value.trim().startsWith('/'))) {
						continue;
					}
					messageId = keyword === 'ARG' ? 'secretArg' : 'secretEnv';
					range = property.getNameRange();
					data = { name, id, keyword };
				} else {
					const credential = value ? findUrlCredentials(value)[0] : undefined;
					if (!credential) {
						continue;
					}
					messageId = 'credentialValue';
					range = property.getValueRange() ?? property.getNameRange();
					data = { keyword, name, id, host: credential.host };
				}
				const root = rootOf({ instruction, property, stage });
				const fix = plan(root, messageId);
				if (fix.blocker) {
					const blocked: MessageId =
						messageId === 'secretArg'
							? 'secretArgOutsideRun'
							: messageId === 'secretEnv'
								? 'secretEnvOutsideRun'
								: 'credentialValueOutsideRun';
					context.report({
						range,
						messageId: blocked,
						data: { ...data, use: fix.blocker.use, line: fix.blocker.line },
					});
					continue;
				}
				context.report({
					range,
					messageId,
					data,
					...(fix.edits ? { fix: () => fix.edits!, fixDetails: fix.details } : {}),
				});
			}
		};
		return {
			ARG(instruction) {
				check(instruction, propertiesOf(instruction));
			},
			ENV(instruction) {
				check(instruction, propertiesOf(instruction));
			},
			'file:exit'() {
				// Global ARGs (before the first FROM) are not in any stage, so the listeners above never saw them.
				for (const arg of context.dockerfile.getInitialARGs()) {
					check(arg, propertiesOf(arg));
				}
			},
		};
	},
});
