import type { Instruction } from 'dockerfile-ast';
import { mountTarget, runInvocations, runMounts, type Invocation } from '../engine/commands';
import type { Stage } from '../engine/model';
import { packageCommand } from '../engine/packages';
import { defineRule } from './types';

const APT = new Set(['apt-get', 'apt']);
const LISTS = '/var/lib/apt/lists';

function isAptUpdate(inv: Invocation): boolean {
	return APT.has(inv.name) && inv.args.some((a) => a.value === 'update');
}

function isAptInstall(inv: Invocation): boolean {
	const pkg = packageCommand(inv);
	return pkg !== undefined && APT.has(pkg.manager) && pkg.kind === 'install';
}

/** `rm -rf /var/lib/apt/lists/*` (or the directory itself), or `apt-get dist-clean` (apt 2.7+), which removes them. */
function removesLists(inv: Invocation): boolean {
	if (APT.has(inv.name) && inv.args.some((a) => a.value === 'dist-clean')) {
		return true;
	}
	return inv.name === 'rm' && inv.args.some((a) => a.value === LISTS || a.value.startsWith(`${LISTS}/`));
}

export default defineRule({
	meta: {
		id: 'DH406',
		name: 'apt-clean-lists',
		layer: 'baseline',
		defaultSeverity: 'info',
		messages: {
			listsLeft:
				'This RUN downloads the apt package lists and leaves them in the layer (tens of MB that go stale). Delete them in the same RUN: `&& rm -rf /var/lib/apt/lists/*` (or use a cache mount on /var/lib/apt/lists).',
		},
		fix: { safety: 'safe', title: 'Delete the apt lists at the end of this RUN' },
		docs: { summary: 'apt lists left in the layer: no `rm -rf /var/lib/apt/lists/*` in the RUN that downloads them.' },
		equivalents: { hadolint: ['DL3009'] },
	},
	create(context) {
		const { model } = context;
		/**
		 * Whether a later RUN of this stage, or of a stage built on it, installs with apt without updating first:
		 * it needs the lists, so deleting them here would break it.
		 */
		const listsNeededLater = (stage: Stage, instruction: Instruction): boolean => {
			const descendants = model.stages.filter((s) => s === stage || model.lineage(s).includes(stage));
			for (const s of descendants) {
				const instructions =
					s === stage ? s.instructions.slice(s.instructions.indexOf(instruction) + 1) : s.instructions;
				for (const i of instructions) {
					if (i.getKeyword() !== 'RUN') {
						continue;
					}
					const invs = runInvocations(model, i);
					const firstUpdate = invs.findIndex(isAptUpdate);
					const firstInstall = invs.findIndex(isAptInstall);
					if (firstInstall >= 0 && (firstUpdate < 0 || firstUpdate > firstInstall)) {
						return true;
					}
					if (firstUpdate >= 0) {
						// This RUN refreshes the lists itself; later ones rely on it, not on ours.
						return false;
					}
				}
			}
			return false;
		};
		return {
			RUN(instruction, stage) {
				const mounted = runMounts(instruction).some(
					(m) =>
						(m.get('type') === 'cache' || m.get('type') === 'tmpfs') &&
						(mountTarget(m) ?? '').replace(/\/+$/, '').startsWith('/var/lib/apt'),
				);
				if (mounted) {
					return;
				}
				const invocations = runInvocations(model, instruction);
				const apt = invocations.find((inv) => isAptUpdate(inv) || isAptInstall(inv));
				if (!apt || invocations.some(removesLists)) {
					return;
				}
				const script = model.runScript(instruction);
				const appendAt = script.appendAt;
				context.report({
					range: { start: apt.nameWord.range.start, end: (apt.args.at(-1) ?? apt.nameWord).range.end },
					messageId: 'listsLeft',
					fix:
						appendAt && !listsNeededLater(stage, instruction)
							? (fixer) => fixer.insertAt(appendAt, ' && rm -rf /var/lib/apt/lists/*')
							: undefined,
				});
			},
		};
	},
});
