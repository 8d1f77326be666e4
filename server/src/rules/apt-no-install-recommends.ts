import { optionInsertion, runInvocations } from '../engine/commands';
import { packageCommand } from '../engine/packages';
import { defineRule } from './types';

/** `-o APT::Install-Recommends=false` (or `=0`), as an option or in an apt configuration written earlier. */
const RECOMMENDS_OFF = /APT::Install-Recommends\s*(?:=\s*|\s+)["']?(?:false|0)\b/i;

export default defineRule({
	meta: {
		id: 'DH405',
		name: 'apt-no-install-recommends',
		layer: 'baseline',
		defaultSeverity: 'info',
		messages: {
			recommends:
				'`{{manager}} install` also installs every "recommended" package, which adds size and attack surface the image does not need. Add --no-install-recommends.',
		},
		fix: { safety: 'safe', title: 'Add --no-install-recommends' },
		docs: { summary: '`apt-get install` without --no-install-recommends.' },
		equivalents: { hadolint: ['DL3015'], trivy: ['DS-0029'] },
	},
	create(context) {
		const { model } = context;
		/** An apt configuration that turns recommends off, written by an earlier RUN of the stage or its parents. */
		const configuredOff = new Set<object>();
		return {
			RUN(instruction, stage) {
				const text = context.document.getText(instruction.getRange());
				if (RECOMMENDS_OFF.test(text) && /apt\.conf/.test(text)) {
					configuredOff.add(stage);
				}
				if (model.lineage(stage).some((s) => configuredOff.has(s))) {
					return;
				}
				for (const inv of runInvocations(model, instruction)) {
					const pkg = packageCommand(inv);
					if (!pkg || pkg.kind !== 'install' || (pkg.manager !== 'apt-get' && pkg.manager !== 'apt')) {
						continue;
					}
					const options = inv.args.map((a) => a.value);
					// `--install-recommends` says the author wants them: adding the opposite flag would contradict it.
					if (
						options.includes('--no-install-recommends') ||
						options.includes('--install-recommends') ||
						options.some((o) => RECOMMENDS_OFF.test(o))
					) {
						continue;
					}
					const last = inv.args.at(-1) ?? pkg.subWord;
					context.report({
						range: { start: inv.nameWord.range.start, end: last.range.end },
						messageId: 'recommends',
						data: { manager: pkg.manager },
						fix: (fixer) =>
							fixer.insertAt(pkg.subWord.range.end, optionInsertion(pkg.subWord, '--no-install-recommends')),
					});
				}
			},
		};
	},
});
