import { mountTarget, optionInsertion, runInvocations, runMounts } from '../engine/commands';
import { packageCommand } from '../engine/packages';
import { defineRule } from './types';

export default defineRule({
	meta: {
		id: 'DH407',
		name: 'apk-no-cache',
		layer: 'baseline',
		defaultSeverity: 'info',
		messages: {
			apkCache:
				'`apk add` keeps the package index in /var/cache/apk, adding size and stale files to the layer. Add --no-cache (or mount a cache: `RUN --mount=type=cache,target=/var/cache/apk`).',
		},
		fix: { safety: 'safe', title: 'Add --no-cache to apk add' },
		docs: { summary: '`apk add` without --no-cache.' },
		equivalents: { hadolint: ['DL3019'], trivy: ['DS-0025'] },
	},
	create(context) {
		const { model } = context;
		return {
			RUN(instruction) {
				const mounted = runMounts(instruction).some(
					(m) =>
						(m.get('type') === 'cache' || m.get('type') === 'tmpfs') &&
						/\/var\/cache\/apk|\/etc\/apk\/cache/.test(mountTarget(m) ?? ''),
				);
				if (mounted) {
					return;
				}
				const invocations = runInvocations(model, instruction);
				// `rm -rf /var/cache/apk/*` later in the same RUN cleans up too.
				const cleaned = invocations.some(
					(inv) => inv.name === 'rm' && inv.args.some((a) => a.value.startsWith('/var/cache/apk')),
				);
				if (cleaned) {
					return;
				}
				for (const inv of invocations) {
					const pkg = packageCommand(inv);
					if (!pkg || pkg.manager !== 'apk' || pkg.kind !== 'install') {
						continue;
					}
					// --no-network installs from what is already there and fetches no index.
					if (inv.args.some((a) => a.value === '--no-cache' || a.value === '--no-network')) {
						continue;
					}
					const last = inv.args.at(-1) ?? pkg.subWord;
					context.report({
						range: { start: inv.nameWord.range.start, end: last.range.end },
						messageId: 'apkCache',
						fix: (fixer) => fixer.insertAt(pkg.subWord.range.end, optionInsertion(pkg.subWord, '--no-cache')),
					});
				}
			},
		};
	},
});
