import { contextCandidates, resolveImagePath } from '../engine/buildFiles';
import { runInvocations } from '../engine/commands';
import { normaliseContextPath } from '../engine/context';
import { defineRule } from './types';

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json'];

export default defineRule({
	meta: {
		id: 'DH408',
		name: 'npm-ci',
		layer: 'layer 6',
		defaultSeverity: 'warning',
		messages: {
			useCi:
				'`npm install` may update {{lockfile}} and install versions nobody reviewed. Use `npm ci`, which installs exactly what the lockfile says and fails when it is out of date.',
		},
		fix: { safety: 'review', title: 'Use npm ci' },
		docs: { summary: '`npm install` with no package arguments where a lockfile exists.' },
		equivalents: {},
	},
	create(context) {
		const { model, buildContext } = context;
		return {
			RUN(instruction, stage) {
				for (const inv of runInvocations(model, instruction)) {
					if (inv.name !== 'npm') {
						continue;
					}
					const sub = inv.args.find((a) => !a.value.startsWith('-'));
					if (!sub || !['install', 'i', 'isntall', 'in'].includes(sub.value)) {
						continue;
					}
					const rest = inv.args.slice(inv.args.indexOf(sub) + 1);
					// Packages named, or options with values we cannot tell apart from packages: not a lockfile install.
					if (
						rest.some((a) => !a.value.startsWith('-')) ||
						rest.some((a) => /^--prefix$|^-g$|^--global$/.test(a.value))
					) {
						continue;
					}
					const workdir = model.workdirAt(stage, instruction);
					const lockfile = LOCKFILES.find((name) => {
						const candidates = contextCandidates(model, stage, instruction, resolveImagePath(workdir, name));
						if (buildContext) {
							return candidates.some((c) => buildContext.readFile(c) !== undefined);
						}
						// Without the context, only a COPY into this directory that names the lockfile proves it is there.
						return model
							.effectiveInstructions(stage)
							.some(
								(i) =>
									i.getKeyword() === 'COPY' &&
									i
										.getArguments()
										.some(
											(a) => candidates.includes(normaliseContextPath(a.getValue())) && a.getValue().endsWith(name),
										),
							);
					});
					if (!lockfile) {
						continue;
					}
					context.report({
						range: { start: inv.nameWord.range.start, end: (rest.at(-1) ?? sub).range.end },
						messageId: 'useCi',
						data: { lockfile },
						fix: sub.json ? (fixer) => fixer.replace(sub.range, '"ci"') : (fixer) => fixer.replace(sub.range, 'ci'),
					});
				}
			},
		};
	},
});
