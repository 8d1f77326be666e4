import type { Instruction } from 'dockerfile-ast';
import type { FixEdit } from '../protocol';
import { flagOf, heredocsOf } from '../engine/ast';
import { baseFamily, createUserCommand, NEW_USER, NUMERIC_USER, type BaseFamily } from '../engine/baseImages';
import { wordsOf } from '../engine/words';
import { invocation, programChain } from '../engine/commands';
import { basename, type RunCommand } from '../engine/runScript';
import type { ImageRef } from '../engine/imageRef';
import { registryOf, repositoryOf } from '../engine/imageRef';
import { resolveImagePath, type FileModel, type Stage } from '../engine/model';
import {
	beforeInstruction,
	endsInOpenHeredoc,
	endsWithContinuation,
	keywordLike,
	lineAfterStandsAlone,
} from '../engine/placement';
import { createdUsers } from '../engine/users';
import { defineRule, type Fixer } from './types';

/** Tools an entrypoint uses to drop from root to another user at run time. */
const PRIVILEGE_DROPPERS = new Set(['gosu', 'su-exec', 'setpriv', 'chpst', 's6-setuidgid', 'runuser', 'setuidgid']);

/** Whether an image is known to run as a non-root user without a USER of ours. */
export function defaultsToNonRoot(image: ImageRef): boolean {
	const tag = image.tag?.toLowerCase() ?? '';
	const repository = repositoryOf(image).toLowerCase();
	const registry = registryOf(image);
	if (/(^|[-_.])(nonroot|rootless|chiseled)($|[-_.])/.test(tag) || /unprivileged|rootless/.test(repository)) {
		return true;
	}
	// Chainguard images run as nonroot, except their -dev variants.
	if (registry === 'cgr.dev' && !/(^|-)dev$/.test(tag)) {
		return true;
	}
	// Bitnami images run as UID 1001.
	return registry === 'docker.io' && repository.startsWith('bitnami/');
}

/**
 * Whether an image is known to run as root when no USER is set: Docker's official images (and their mirrors),
 * distroless without a nonroot tag. Any other image may set its own USER.
 */
export function knownRootImage(image: ImageRef): boolean {
	const registry = registryOf(image);
	const repository = repositoryOf(image).toLowerCase();
	if (registry === 'docker.io') {
		return repository.startsWith('library/');
	}
	if (
		(registry === 'public.ecr.aws' && repository.startsWith('docker/library/')) ||
		(registry === 'mcr.microsoft.com' && repository.startsWith('mirror/docker/library/'))
	) {
		return true;
	}
	return registry === 'gcr.io' && repository.startsWith('distroless/');
}

/** Windows images have no root user; their USER semantics differ. */
function isWindowsImage(image: ImageRef): boolean {
	const text = `${image.path}:${image.tag ?? ''}`.toLowerCase();
	return /(^|\/)windows(\/|$)|servercore|nanoserver|windowsservercore|ltsc20\d\d/.test(text);
}

/** Package managers and their install sub-commands, to see `apt-get install gosu`. */
const PACKAGE_INSTALLS: Record<string, string> = {
	'apt-get': 'install',
	apt: 'install',
	apk: 'add',
	yum: 'install',
	dnf: 'install',
	microdnf: 'install',
	zypper: 'install',
};

/** Programs that only print their arguments. */
const PRINTERS = new Set(['echo', 'printf']);

/**
 * Whether a command runs, installs or places a privilege-dropping tool: run as the command, also through
 * wrappers (`sudo gosu nobody true`), installed by a package manager (`apk add su-exec`), or named by path by a
 * command that places it (`wget -O /usr/local/bin/gosu …`, `chmod +x /usr/local/bin/gosu`). A word in an `echo`
 * does not count.
 */
function mentionsDropper(command: RunCommand): boolean {
	if (programChain(command).some((name) => PRIVILEGE_DROPPERS.has(name))) {
		return true;
	}
	const inv = invocation(command);
	if (!inv || PRINTERS.has(inv.name)) {
		return false;
	}
	const install = PACKAGE_INSTALLS[inv.name];
	const installing = install !== undefined && inv.args.some((a) => a.value === install);
	return inv.args.some(
		(w) =>
			(w.value.includes('/') && PRIVILEGE_DROPPERS.has(basename(w.value))) ||
			(installing && PRIVILEGE_DROPPERS.has(w.value)),
	);
}

/** Init processes that run the real program (`["tini", "--", "gosu", …]`). */
const INITS = new Set(['tini', 'dumb-init', 'catatonit']);

/** The program an ENTRYPOINT or CMD runs, skipping an init process and its options. */
function entrypointProgram(instruction: Instruction): string | undefined {
	const words = wordsOf(instruction).map((w) => w.value);
	let i = 0;
	while (i < words.length && (INITS.has(basename(words[i])) || words[i].startsWith('-'))) {
		i++;
	}
	return words[i] === undefined ? undefined : basename(words[i]);
}

function isRoot(user: string): boolean {
	const name = user.split(':')[0].trim().toLowerCase();
	return name === 'root' || name === '0';
}

/**
 * Dependency manifests and lock files: copied so that an install (as root) reads them, not for the app to own. A COPY
 * of only these keeps root as the owner.
 */
const DEPENDENCY_MANIFEST =
	/^(?:requirements[\w.-]*\.(?:txt|in)|constraints[\w.-]*\.txt|Pipfile(?:\.lock)?|pyproject\.toml|poetry\.lock|uv\.lock|package(?:-lock)?\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|go\.(?:mod|sum)|Gemfile(?:\.lock)?|Cargo\.(?:toml|lock)|composer\.(?:json|lock)|mix\.(?:exs|lock))$/;

/** Whether a COPY source is a dependency manifest (`package*.json` too: tested with its wildcards removed). */
function isManifest(source: string): boolean {
	return DEPENDENCY_MANIFEST.test(source.slice(source.lastIndexOf('/') + 1).replace(/[*?]/g, ''));
}

/** The user the fix switches to, and how it comes to exist. */
interface UserChoice {
	/** The value of the USER instruction. */
	readonly user: string;
	/** The `--chown` value for the app's files. */
	readonly owner: string;
	/** A command that creates the user, run in a RUN right after the final stage's FROM. */
	readonly create?: string;
	/** The instruction after which the user exists; `undefined`: from the start of the final stage. */
	readonly existsAfter?: Instruction;
	/** Things to check that come with this choice. */
	readonly notes: readonly string[];
}

/** A fix, or why there is none. */
type Plan =
	{ readonly fix: (fixer: Fixer) => FixEdit[]; readonly notes: readonly string[] } | { readonly reason: string };

/** Why no fix: one clause, completing "there is no automatic fix because …". */
function noFamilyReason(root: Stage): string {
	if (root.baseUnresolved) {
		return `the base image "${root.from.getImage() ?? root.baseText}" comes from a build argument without a value, so how to create a user in it is not known`;
	}
	if (!root.baseImage) {
		return `"${root.baseText}" is not an image reference this rule can read`;
	}
	return `how to create a user in "${root.baseImage.raw}" is not known`;
}

/**
 * Picks the user: the last non-root USER before the root one, else the last user a RUN of the stage (or of the
 * stages it builds on) creates, else the user the base image ships, else a new one made the way the base image's
 * family makes users.
 */
function chooseUser(
	model: FileModel,
	stage: Stage,
	rootUser: Instruction | undefined,
	family: BaseFamily | undefined,
): UserChoice | undefined {
	const own = (i: Instruction | undefined): Instruction | undefined =>
		i && stage.instructions.includes(i) ? i : undefined;
	const created = createdUsers(model, stage);
	const groupOf = (name: string): string | undefined => created.filter((u) => u.name === name).at(-1)?.group;
	if (rootUser) {
		const all = model.effectiveInstructions(stage);
		for (let j = all.indexOf(rootUser) - 1; j >= 0; j--) {
			const instruction = all[j];
			const owner = model.stageOf(instruction);
			if (instruction.getKeyword() !== 'USER' || !owner) {
				continue;
			}
			const expansion = model.expand(instruction.getArgumentsContent() ?? '', model.variablesAt(owner, instruction));
			const value = expansion.value.trim();
			if (expansion.unresolved || value === '' || /\s/.test(value) || isRoot(value)) {
				continue;
			}
			const group = value.includes(':') ? undefined : groupOf(value);
			return {
				user: value,
				owner: group ? `${value}:${group}` : value,
				existsAfter: own(instruction),
				notes: [],
			};
		}
	}
	const last = created.at(-1);
	if (last) {
		return {
			user: last.name,
			owner: last.group ? `${last.name}:${last.group}` : last.name,
			existsAfter: own(last.instruction),
			notes: [],
		};
	}
	if (!family || family.tool === 'none') {
		return undefined;
	}
	if (family.shippedUser) {
		const { name, group } = family.shippedUser;
		return { user: name, owner: `${name}:${group}`, notes: [] };
	}
	const create = createUserCommand(family);
	if (create) {
		return { user: NEW_USER, owner: `${NEW_USER}:${NEW_USER}`, create, notes: [] };
	}
	return {
		user: NUMERIC_USER,
		owner: NUMERIC_USER,
		notes: family.numericUserHasEntry
			? []
			: [
					`User ${NUMERIC_USER.split(':')[0]} has no entry in /etc/passwd, so its HOME is /: if the app needs a home, set ENV HOME to a directory it can write.`,
				],
	};
}

/** The fix for a final stage that runs as root. */
function plan(model: FileModel, stage: Stage, rootUser: Instruction | undefined, unknownBase: boolean): Plan {
	const root = model.lineage(stage).at(-1) ?? stage;
	const family = root.isScratch ? baseFamily('scratch') : root.baseImage ? baseFamily(root.baseImage) : undefined;
	const choice = chooseUser(model, stage, rootUser, family);
	if (!choice) {
		return { reason: family?.noFix ?? noFamilyReason(root) };
	}
	const own = stage.instructions;
	const kw = (keyword: string): string => keywordLike(model, keyword);
	let lastRun = -1;
	own.forEach((i, n) => {
		if (i.getKeyword() === 'RUN') {
			lastRun = n;
		}
	});
	const last = own.at(-1) ?? stage.from;
	// USER goes before the first CMD/ENTRYPOINT after the last RUN, or after the last instruction.
	const start = own.slice(lastRun + 1).find((i) => ['CMD', 'ENTRYPOINT'].includes(i.getKeyword()));
	if (endsWithContinuation(model, last) || (choice.create && endsWithContinuation(model, stage.from))) {
		return { reason: 'the stage ends in a line continuation, so a line added after it would become part of it' };
	}
	if (endsInOpenHeredoc(last)) {
		// Found by the fuzzer: an added USER became a line of the open here-document, and fix-all added it forever.
		return {
			reason:
				'the stage ends in a here-document without its closing line, so a line added after it would become part of it',
		};
	}
	if (!lineAfterStandsAlone(model, last) || (choice.create && !lineAfterStandsAlone(model, stage.from))) {
		return { reason: 'a line added to the stage would be read as part of the instruction before it' };
	}

	// The app's files: COPYs from the build context into the working directory, once the user exists (the seed's
	// `COPY --chown=appuser:appuser . .`). Files copied elsewhere, from other stages or images, stay root's.
	const existsFrom = choice.existsAfter ? own.indexOf(choice.existsAfter) + 1 : 0;
	const chowned: { instruction: Instruction; workdir: string }[] = [];
	own.forEach((instruction, n) => {
		if (n < existsFrom || instruction.getKeyword() !== 'COPY') {
			return;
		}
		if (flagOf(instruction, 'from') || flagOf(instruction, 'chown') || heredocsOf(instruction).length > 0) {
			return;
		}
		const words = wordsOf(instruction);
		const destination = words.at(-1)?.value;
		if (words.length < 2 || !destination || destination.includes('$')) {
			return;
		}
		if (words.slice(0, -1).every((w) => isManifest(w.value))) {
			return;
		}
		// Into the working directory or below it: where the app lives.
		const workdir = model.workdirAt(stage, instruction);
		const target = resolveImagePath(workdir, destination);
		if (workdir !== '/' && (target === workdir || target.startsWith(`${workdir}/`))) {
			chowned.push({ instruction, workdir });
		}
	});

	const notes = [
		'Check that the app writes nowhere but its home, the files it owns and /tmp, and that it does not bind a port below 1024.',
		...choice.notes,
	];
	if (chowned.length > 0) {
		notes.push(
			`The files copied into ${chowned[0].workdir} now belong to ${choice.user}, as in the seed, so the app can change them: if it only reads them, remove --chown.`,
		);
	}
	const workdir = last === stage.from ? '/' : model.workdirAt(stage, start ?? last);
	if (workdir === '/root' || workdir.startsWith('/root/')) {
		notes.push(
			`The working directory ${workdir} is inside root's home, which other users cannot enter: move the app elsewhere (for example /home/${NEW_USER}/app).`,
		);
	}
	if (choice.create && unknownBase) {
		notes.push(
			`"${root.baseImage?.raw ?? root.baseText}" is not an official image and may already run as a non-root user: then the added RUN fails, and USER should name that user instead.`,
		);
	}
	if (own.some((i) => i.getKeyword() === 'ONBUILD')) {
		notes.push(`The ONBUILD instructions now run as ${choice.user} in the images built from this one.`);
	}

	const fix = (fixer: Fixer): FixEdit[] => {
		const eol = fixer.eol;
		const userLine = `${kw('USER')} ${choice.user}`;
		const createLine = choice.create ? `${eol}${kw('RUN')} ${choice.create}` : '';
		const edits: FixEdit[] = [];
		const rootIndex = rootUser ? own.indexOf(rootUser) : -1;
		const argumentsRange = rootUser?.getArgumentsRange();
		let userEdit: FixEdit;
		let createAtFrom = createLine !== '';
		if (rootUser && rootIndex > lastRun && argumentsRange) {
			// Nothing runs after the root USER: switch it to the user instead.
			userEdit = fixer.replace({ start: argumentsRange.start, end: rootUser.getRange().end }, choice.user);
		} else if (start) {
			userEdit = fixer.insertAt(beforeInstruction(model, start), `${userLine}${eol}`);
		} else {
			// After the last instruction; when that is the FROM the user is created after, in one edit.
			const merged = last === stage.from && createAtFrom;
			userEdit = fixer.insertAt(last.getRange().end, `${merged ? createLine : ''}${eol}${userLine}`);
			createAtFrom &&= !merged;
		}
		if (createAtFrom) {
			edits.push(fixer.insertAt(stage.from.getRange().end, createLine));
		}
		for (const { instruction } of chowned) {
			edits.push(fixer.insertAt(instruction.getInstructionRange().end, ` --chown=${choice.owner}`));
		}
		edits.push(userEdit);
		return edits;
	};
	return { fix, notes };
}

export default defineRule<
	| 'missingUser'
	| 'missingUserUnknownBase'
	| 'rootUser'
	| 'missingUserNoFix'
	| 'missingUserUnknownBaseNoFix'
	| 'rootUserNoFix'
>({
	meta: {
		id: 'DH101',
		name: 'no-root-user',
		layer: 'baseline',
		defaultSeverity: 'warning',
		messages: {
			missingUser:
				'The image runs as root because its final stage never sets USER. Create an unprivileged user and switch to it with USER before CMD/ENTRYPOINT (the seed: `useradd … appuser` then `USER appuser`).',
			missingUserUnknownBase:
				'The final stage never sets USER, so the image runs as whatever user "{{image}}" sets, which is root unless that image switches. Set a non-root USER before CMD/ENTRYPOINT so the image does not depend on it.',
			rootUser:
				'The image runs as root because the final stage\'s last USER is "{{user}}". Switch to an unprivileged user with USER before CMD/ENTRYPOINT.',
			missingUserNoFix:
				'The image runs as root because its final stage never sets USER. Create an unprivileged user and switch to it with USER before CMD/ENTRYPOINT; there is no automatic fix because {{reason}}.',
			missingUserUnknownBaseNoFix:
				'The final stage never sets USER, so the image runs as whatever user "{{image}}" sets, which is root unless that image switches. Set a non-root USER before CMD/ENTRYPOINT; there is no automatic fix because {{reason}}.',
			rootUserNoFix:
				'The image runs as root because the final stage\'s last USER is "{{user}}". Switch to an unprivileged user with USER before CMD/ENTRYPOINT; there is no automatic fix because {{reason}}.',
		},
		fix: { safety: 'review', title: 'Run as a non-root user' },
		docs: {
			summary: 'The final stage has no USER, or its last USER is root.',
		},
		equivalents: {
			hadolint: ['DL3002'],
			trivy: ['DS-0002'],
			checkov: ['CKV_DOCKER_3', 'CKV_DOCKER_8'],
		},
	},
	create(context) {
		const { model } = context;
		/** Whether the image installs or runs a tool that steps down from root (as official database images do). */
		const dropsPrivileges = (stage: Stage): boolean => {
			for (const s of model.lineage(stage)) {
				for (const i of s.instructions) {
					if (i.getKeyword() === 'RUN' && model.runScript(i).commands.some(mentionsDropper)) {
						return true;
					}
				}
				for (const i of s.instructions) {
					const keyword = i.getKeyword();
					const program = keyword === 'ENTRYPOINT' || keyword === 'CMD' ? entrypointProgram(i) : undefined;
					if (program && PRIVILEGE_DROPPERS.has(program)) {
						return true;
					}
				}
			}
			return false;
		};
		return {
			'stage:exit'(stage) {
				if (!stage.isFinal) {
					return;
				}
				let lastUser: Instruction | undefined;
				for (const s of model.lineage(stage)) {
					const users = s.instructions.filter((i) => i.getKeyword() === 'USER');
					if (users.length > 0) {
						lastUser = users[users.length - 1];
						const raw = lastUser.getArgumentsContent() ?? '';
						const expansion = model.expand(raw, model.variablesAt(s, lastUser));
						if (!expansion.unresolved && isRoot(expansion.value) && !dropsPrivileges(stage)) {
							const user = expansion.value.trim();
							const p = plan(model, stage, lastUser, false);
							if ('fix' in p) {
								context.report({
									range: lastUser.getRange(),
									messageId: 'rootUser',
									data: { user },
									fix: p.fix,
									fixDetails: { notes: p.notes },
								});
							} else {
								context.report({
									range: lastUser.getRange(),
									messageId: 'rootUserNoFix',
									data: { user, reason: p.reason },
								});
							}
						}
						return;
					}
				}
				const root = model.lineage(stage).at(-1) ?? stage;
				if (root.baseUnresolved) {
					return;
				}
				if (root.baseImage && (defaultsToNonRoot(root.baseImage) || isWindowsImage(root.baseImage))) {
					return;
				}
				if (!root.baseImage && !root.isScratch) {
					return;
				}
				if (dropsPrivileges(stage)) {
					return;
				}
				const unknownBase = root.baseImage !== undefined && !knownRootImage(root.baseImage);
				const p = plan(model, stage, undefined, unknownBase);
				const range = stage.from.getRange();
				if (unknownBase) {
					const image = root.baseImage?.raw ?? root.baseText;
					if ('fix' in p) {
						context.report({
							range,
							messageId: 'missingUserUnknownBase',
							data: { image },
							fix: p.fix,
							fixDetails: { notes: p.notes },
						});
					} else {
						context.report({ range, messageId: 'missingUserUnknownBaseNoFix', data: { image, reason: p.reason } });
					}
					return;
				}
				if ('fix' in p) {
					context.report({ range, messageId: 'missingUser', fix: p.fix, fixDetails: { notes: p.notes } });
				} else {
					context.report({ range, messageId: 'missingUserNoFix', data: { reason: p.reason } });
				}
			},
		};
	},
});
