import type { Instruction } from 'dockerfile-ast';
import { wordsOf } from '../engine/words';
import { invocation, programChain } from '../engine/commands';
import { basename, type RunCommand } from '../engine/runScript';
import type { ImageRef } from '../engine/imageRef';
import { registryOf, repositoryOf } from '../engine/imageRef';
import type { Stage } from '../engine/model';
import { defineRule } from './types';

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

export default defineRule<'missingUser' | 'missingUserUnknownBase' | 'rootUser'>({
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
		},
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
				let owner: Stage = stage;
				for (const s of model.lineage(stage)) {
					const users = s.instructions.filter((i) => i.getKeyword() === 'USER');
					if (users.length > 0) {
						lastUser = users[users.length - 1];
						owner = s;
						break;
					}
				}
				if (lastUser) {
					const raw = lastUser.getArgumentsContent() ?? '';
					const expansion = model.expand(raw, model.variablesAt(owner, lastUser));
					if (!expansion.unresolved && isRoot(expansion.value) && !dropsPrivileges(stage)) {
						context.report({
							range: lastUser.getRange(),
							messageId: 'rootUser',
							data: { user: expansion.value.trim() },
						});
					}
					return;
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
				if (root.baseImage && !knownRootImage(root.baseImage)) {
					context.report({
						range: stage.from.getRange(),
						messageId: 'missingUserUnknownBase',
						data: { image: root.baseImage.raw },
					});
					return;
				}
				context.report({ range: stage.from.getRange(), messageId: 'missingUser' });
			},
		};
	},
});
