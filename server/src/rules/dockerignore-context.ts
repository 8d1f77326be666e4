import type { Instruction } from 'dockerfile-ast';
import { flagOf } from '../engine/ast';
import { wordsOf } from '../engine/words';
import { isIgnored, parseDockerignore } from '../engine/dockerignore';
import { defineRule } from './types';

/** What a .dockerignore must keep out of the context, and why. */
const MUST_EXCLUDE = ['.git', '.env', '.env.local'] as const;

/** The .dockerignore the fix creates: history, environment files and the usual credential files. */
const NEW_DOCKERIGNORE = [
	'# Keep history, secrets and local clutter out of the build context (Dockerfile Harden, DH305).',
	'.git',
	'.env*',
	'!.env.example',
	'.npmrc',
	'.pypirc',
	'pip.conf',
	'.netrc',
	'.git-credentials',
	'*.pem',
	'*.key',
	'id_rsa*',
	'id_ed25519*',
	'.aws',
	'.ssh',
	'.docker',
	'',
].join('\n');

export default defineRule({
	meta: {
		id: 'DH305',
		name: 'dockerignore-context',
		layer: 'layer 3',
		defaultSeverity: 'warning',
		messages: {
			missing:
				'{{keyword}} {{source}} copies the whole build context, and there is no .dockerignore, so .git history, .env files and local credentials go into the image. Add a .dockerignore that excludes at least .git and .env*.',
			weak: '{{keyword}} {{source}} copies the whole build context, and .dockerignore does not exclude {{paths}}, so they go into the image. Add them to .dockerignore.',
		},
		fix: { safety: 'review', title: '{{action}} {{file}}' },
		docs: {
			summary:
				'`COPY . …`/`ADD . …` while the build context has no .dockerignore, or one that does not exclude .git and .env*.',
		},
		equivalents: {},
	},
	create(context) {
		const { buildContext } = context;
		let checked: { file: string | undefined; name: string; missing: string[] } | undefined;
		const state = (): { file: string | undefined; name: string; missing: string[] } => {
			if (!checked) {
				// BuildKit prefers <Dockerfile name>.dockerignore beside the Dockerfile over the context's .dockerignore.
				const specific = buildContext?.dockerfileName
					? buildContext.readFile(`${buildContext.dockerfileName}.dockerignore`)
					: undefined;
				const name = specific !== undefined ? `${buildContext!.dockerfileName}.dockerignore` : '.dockerignore';
				const text = specific ?? buildContext?.readFile('.dockerignore');
				const patterns = text === undefined ? [] : parseDockerignore(text);
				// `.env` and `.env.local` stand for `.env*`: one message for both.
				const missing = MUST_EXCLUDE.filter((p) => !isIgnored(patterns, p)).map((p) => (p === '.git' ? p : '.env'));
				checked = { file: text, name, missing: [...new Set(missing)] };
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
				const { file, name, missing } = state();
				const keyword = instruction.getKeyword();
				// The fix writes the file beside the Dockerfile: no edit of the Dockerfile itself.
				const noEdit = (): null => null;
				if (file === undefined) {
					context.report({
						range,
						messageId: 'missing',
						data: { keyword, source: value, action: 'Create', file: name },
						fix: noEdit,
						fixDetails: { files: [{ path: name, action: 'create', text: NEW_DOCKERIGNORE }] },
					});
				} else if (missing.length > 0) {
					const lines = missing.map((m) => (m === '.env' ? '.env*' : m));
					context.report({
						range,
						messageId: 'weak',
						data: { keyword, source: value, paths: lines.join(' and '), action: 'Extend', file: name },
						fix: noEdit,
						fixDetails: {
							files: [
								{ path: name, action: 'append', text: `# Added by Dockerfile Harden (DH305).\n${lines.join('\n')}\n` },
							],
						},
					});
				}
			}
		};
		return { COPY: check, ADD: check };
	},
});
