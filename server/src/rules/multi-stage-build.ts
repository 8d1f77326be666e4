import { runInvocations, type Invocation } from '../engine/commands';
import { packageCommand } from '../engine/packages';
import { BUILD_PACKAGE, isBuildStep, pipSplitPlan, subcommand } from '../engine/stageSplit';
import { defineRule } from './types';

export default defineRule({
	meta: {
		id: 'DH501',
		name: 'multi-stage-build',
		layer: 'baseline',
		defaultSeverity: 'info',
		messages: {
			buildToolsShipped:
				'This single-stage image installs build tools ({{packages}}) and ships them, giving an attacker a compiler in production. Build in a `builder` stage and copy only the result into a clean runtime stage (for pip: `pip install --prefix=/install` in the builder, `COPY --from=builder /install /usr/local` in the runtime).',
		},
		fix: { safety: 'review', title: 'Split into builder and runtime stages' },
		docs: {
			summary: 'A single-stage image that installs compilers or -dev headers, builds with them, and keeps them.',
		},
		equivalents: {},
	},
	create(context) {
		const { model } = context;
		return {
			'file:exit'() {
				if (model.stages.length !== 1) {
					return;
				}
				const stage = model.stages[0];
				// Replay installs, builds and removals in order, package by package.
				const present = new Map<string, { inv: Invocation; built: boolean; apt: boolean }>();
				const virtuals = new Map<string, string[]>();
				// `apt-mark auto '.*'` then `apt-get purge --auto-remove`: every package installed so far goes.
				let markedAuto = false;
				for (const instruction of stage.instructions) {
					if (instruction.getKeyword() !== 'RUN') {
						continue;
					}
					for (const inv of runInvocations(model, instruction)) {
						const apt = inv.name === 'apt-get' || inv.name === 'apt';
						const sub = subcommand(inv);
						if (isBuildStep(inv)) {
							present.forEach((p) => (p.built = true));
						}
						if (inv.name === 'apt-mark' && sub === 'auto') {
							markedAuto = true;
						}
						if (apt && markedAuto && (sub === 'autoremove' || inv.args.some((a) => a.value === '--auto-remove'))) {
							for (const [name, p] of present) {
								if (p.apt) {
									present.delete(name);
								}
							}
							markedAuto = false;
						}
						const pkg = packageCommand(inv);
						if (!pkg) {
							continue;
						}
						const { names, virtual } = pkg;
						if (pkg.kind === 'install') {
							const build = names.filter((n) => BUILD_PACKAGE.test(n));
							build.forEach((n) => present.set(n, { inv, built: false, apt }));
							if (virtual) {
								virtuals.set(virtual, [...(virtuals.get(virtual) ?? []), ...build]);
							}
						} else if (pkg.kind === 'remove') {
							for (const name of names) {
								(virtuals.get(name) ?? [name]).forEach((n) => present.delete(n));
							}
						}
					}
				}
				// Tools installed for users of the image (a dev container, a notebook) and never used by the build are
				// the image's purpose, not a leftover of building it.
				const keptNames = [...present].filter(([, p]) => p.built);
				if (keptNames.length === 0) {
					return;
				}
				const firstInv = keptNames.map(([, p]) => p.inv).sort((a, b) => a.nameWord.start - b.nameWord.start)[0];
				const kept = [{ inv: firstInv, names: keptNames.map(([n]) => n) }];
				const first = kept[0];
				const all = [...new Set(kept.flatMap((k) => k.names))];
				const listed = all.slice(0, 3).join(', ') + (all.length > 3 ? `, +${all.length - 3} more` : '');
				const last = first.inv.args.at(-1) ?? first.inv.nameWord;
				// The seed's pip pattern gets the split as a fix; any other shape is left to a person.
				const split = pipSplitPlan(model, stage);
				context.report({
					range: { start: first.inv.nameWord.range.start, end: last.range.end },
					messageId: 'buildToolsShipped',
					data: { packages: listed },
					...(split ? { fix: (fixer) => split.edits(fixer.eol), fixDetails: { notes: split.notes } } : {}),
				});
			},
		};
	},
});
