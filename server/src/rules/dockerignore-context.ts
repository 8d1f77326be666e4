import type { Instruction } from 'dockerfile-ast';
import { flagOf } from '../engine/ast';
import { wordsOf } from '../engine/words';
import { isIgnored, parseDockerignore } from '../engine/dockerignore';
import { defineRule } from './types';

/** What a .dockerignore must keep out of the context, and why. */
const MUST_EXCLUDE = ['.git', '.env', '.env.local'] as const;

export default defineRule({
	meta: {
		id: 'DH305',
		name: 'dockerignore-context',
		layer: 'layer 3',
		defaultSeverity: 'warning',
		messages: {
			missing:
				'{{keyword}} {{source}} copies the whole build context, and there is no .dockerignore, so .git history, .env files and local credentials go into the image. Add a .dockerignore that excludes at least .git and .env*.',
			weak:
				'{{keyword}} {{source}} copies the whole build context, and .dockerignore does not exclude {{paths}}, so they go into the image. Add them to .dockerignore.',
		},
		docs: {
			summary:
				'`COPY . …`/`ADD . …` while the build context has no .dockerignore, or one that does not exclude .git and .env*.',
		},
		equivalents: {},
	},
	create(context) {
		const { buildContext } = context;
		let checked: { file: string | undefined; missing: string[] } | undefined;
		const state = (): { file: string | undefined; missing: string[] } => {
			if (!checked) {
				// BuildKit prefers <Dockerfile name>.dockerignore beside the Dockerfile over the context's .dockerignore.
				const specific = buildContext?.dockerfileName
					? buildContext.readFile(`${buildContext.dockerfileName}.dockerignore`)
					: undefined;
				const text = specific ?? buildContext?.readFile('.dockerignore');
				const patterns = text === undefined ? [] : parseDockerignore(text);
				// `.env` and `.env.local` stand for `.env*`: one message for both.
				const missing = MUST_EXCLUDE.filter((p) => !isIgnored(patterns, p)).map((p) => (p === '.git' ? p : '.env'));
				checked = { file: text, missing: [...new Set(missing)] };
			}
			return checked;
		};
		const check = (instruction: Instruction): void => {
			if (!buildContext || flagOf(instruction, 'from')) {
				return;
			}
			for (const { value, range } of wordsOf(instruction).slice(0, -1)) {
				if (!/^(?:\.|\.\/|\*|\.\/\*)$/.test(value)) {
					continue;
				}
				const { file, missing } = state();
				const keyword = instruction.getKeyword();
				if (file === undefined) {
					context.report({ range, messageId: 'missing', data: { keyword, source: value } });
				} else if (missing.length > 0) {
					context.report({
						range,
						messageId: 'weak',
						data: { keyword, source: value, paths: missing.map((m) => (m === '.env' ? '.env*' : m)).join(' and ') },
					});
				}
			}
		};
		return { COPY: check, ADD: check };
	},
});
