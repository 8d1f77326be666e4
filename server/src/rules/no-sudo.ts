import { programChain, runInvocations } from '../engine/commands';
import { packageCommand } from '../engine/packages';
import { defineRule } from './types';

export default defineRule({
	meta: {
		id: 'DH102',
		name: 'no-sudo',
		layer: 'baseline',
		defaultSeverity: 'warning',
		messages: {
			runsSudo:
				'`sudo` in a RUN is either useless (the build already runs as root) or a sign the image relies on it, and it behaves unpredictably without a TTY. Run the step as root before USER, or use `gosu`/`su-exec` in the entrypoint.',
			installsSudo:
				'Installing sudo gives any process in the container a way back to root. Do root work in RUN steps before USER instead, and leave sudo out of the image.',
		},
		docs: { summary: '`sudo` run or installed in RUN.' },
		equivalents: { hadolint: ['DL3004'], trivy: ['DS-0010'], checkov: ['CKV2_DOCKER_1'] },
	},
	create(context) {
		const { model } = context;
		return {
			RUN(instruction) {
				for (const inv of runInvocations(model, instruction)) {
					const pkg = packageCommand(inv);
					const sudoPackage =
						pkg?.kind === 'install' ? pkg.packageWords.find((_, i) => pkg.names[i] === 'sudo') : undefined;
					if (sudoPackage) {
						context.report({ range: sudoPackage.range, messageId: 'installsSudo' });
					}
					if (programChain(inv.command).includes('sudo')) {
						const first = inv.command.words[0];
						context.report({ range: { start: first.range.start, end: inv.nameWord.range.end }, messageId: 'runsSudo' });
					}
				}
			},
		};
	},
});
