import { flagOf } from '../engine/ast';
import { wordsOf } from '../engine/words';
import { defineRule } from './types';

/** Archives ADD extracts (Docker detects them by content; their names say so). */
const ARCHIVE = /\.(?:tar|tar\.(?:gz|bz2|xz|zst|lz4)|tgz|tbz2?|txz|tzst)$/i;
/** Compression suffixes a glob may end in while matching `.tar.*` archives. */
const COMPRESSED = /\.(?:gz|bz2|xz|zst|lz4|tgz|tbz2?|txz|tzst|tar)$/i;
/** Sources ADD fetches rather than copies. */
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;

export default defineRule({
	meta: {
		id: 'DH203',
		name: 'prefer-copy-to-add',
		layer: 'baseline',
		defaultSeverity: 'warning',
		messages: {
			useCopy:
				'ADD of local files that are not archives does what COPY does, plus implicit extraction and URL fetching you did not ask for. Use COPY.',
		},
		fix: { safety: 'safe', title: 'Replace ADD with COPY' },
		docs: { summary: '`ADD` of local files that are not archives.' },
		equivalents: { hadolint: ['DL3020'], trivy: ['DS-0005'], checkov: ['CKV_DOCKER_4'] },
	},
	create(context) {
		const { model } = context;
		return {
			ADD(instruction, stage) {
				// Flags only ADD has (--checksum, --keep-git-dir, --unpack) mean the author wants ADD.
				if (['checksum', 'keep-git-dir', 'unpack'].some((f) => flagOf(instruction, f))) {
					return;
				}
				const sources = wordsOf(instruction)
					.slice(0, -1)
					.map((w) => w.value);
				if (sources.length === 0) {
					return;
				}
				const vars = model.variablesAt(stage, instruction);
				for (const raw of sources) {
					if (raw.startsWith('<<')) {
						continue;
					}
					const expansion = model.expand(raw, vars);
					if (expansion.unresolved || REMOTE.test(expansion.value) || ARCHIVE.test(expansion.value)) {
						return;
					}
					// A glob may match archives: `*`, `*.gz`, `release-*.xz`.
					if (
						/[*?[]/.test(expansion.value) &&
						(!/\.[a-z0-9]+$/i.test(expansion.value) || COMPRESSED.test(expansion.value))
					) {
						return;
					}
				}
				const keyword = instruction.getInstructionRange();
				const written = instruction.getInstruction();
				const copy = written === written.toLowerCase() ? 'copy' : 'COPY';
				context.report({
					range: instruction.getRange(),
					messageId: 'useCopy',
					fix: (fixer) => fixer.replace(keyword, copy),
				});
			},
		};
	},
});
