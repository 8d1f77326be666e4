import {
	hasFlag,
	mountTarget,
	optionInsertion,
	optionValues,
	pipInstall,
	runInvocations,
	runMounts,
} from '../engine/commands';
import { defineRule } from './types';

export default defineRule({
	meta: {
		id: 'DH402',
		name: 'pip-no-cache-dir',
		layer: 'baseline',
		defaultSeverity: 'warning',
		messages: {
			pipCache:
				'`pip install` keeps its download cache in the image layer, adding size and stale files to what you ship. Add --no-cache-dir (or mount a cache: `RUN --mount=type=cache,target=/root/.cache/pip`).',
			uvCache:
				'`uv pip install` keeps its cache in the image layer. Add --no-cache (or mount a cache: `RUN --mount=type=cache,target=/root/.cache/uv`).',
		},
		fix: { safety: 'safe', title: 'Add {{option}} to {{tool}} install' },
		docs: {
			summary:
				'`pip install` without --no-cache-dir, unless PIP_NO_CACHE_DIR is set or the cache is on a cache/tmpfs mount.',
		},
		equivalents: { hadolint: ['DL3042'] },
	},
	create(context) {
		const { model } = context;
		return {
			RUN(instruction, stage) {
				const vars = model.variablesAt(stage, instruction);
				const cacheMounts = runMounts(instruction)
					.filter((m) => m.get('type') === 'cache' || m.get('type') === 'tmpfs')
					.map((m) => mountTarget(m) ?? '');
				for (const inv of runInvocations(model, instruction)) {
					const pip = pipInstall(inv);
					if (!pip) {
						continue;
					}
					const uv = pip.tool === 'uv';
					const envNames = uv ? ['UV_NO_CACHE'] : ['PIP_NO_CACHE_DIR'];
					const assigned = (name: string): boolean =>
						inv.command.assignments.some((a) => a.value.startsWith(`${name}=`));
					if (envNames.some((n) => typeof vars.get(n) === 'string' || assigned(n))) {
						continue;
					}
					// pip accepts any unambiguous prefix of --no-cache-dir; uv takes --no-cache, -n, and pip's spelling.
					if (hasFlag([...pip.generalOptions, ...pip.args], uv ? ['-n'] : [], ['--no-cache'])) {
						continue;
					}
					// A cache on a cache or tmpfs mount never reaches the layer.
					const cacheDir =
						optionValues([...pip.generalOptions, ...pip.args], [], ['--cache-dir'])[0]?.value ??
						(uv ? vars.get('UV_CACHE_DIR') : vars.get('PIP_CACHE_DIR')) ??
						undefined;
					const onMount = cacheMounts.some((target) =>
						cacheDir ? cacheDir.startsWith(target) : /(^|\/)\.cache(\/|$)|pip|uv/.test(target),
					);
					if (onMount) {
						continue;
					}
					const option = uv ? '--no-cache' : '--no-cache-dir';
					const last = pip.args.at(-1) ?? pip.installWord;
					context.report({
						range: { start: inv.nameWord.range.start, end: last.range.end },
						messageId: uv ? 'uvCache' : 'pipCache',
						data: { option, tool: uv ? 'uv pip' : 'pip' },
						fix: (fixer) => fixer.insertAt(pip.installWord.range.end, optionInsertion(pip.installWord, option)),
					});
				}
			},
		};
	},
});
