import type { Instruction } from 'dockerfile-ast';
import { flagOf } from '../engine/ast';
import { runInvocations } from '../engine/commands';
import { chmodArguments, isWorldWritable, parseMode, withoutSharedWrite } from '../engine/permissions';
import { defineRule } from './types';

export default defineRule({
	meta: {
		id: 'DH103',
		name: 'no-world-writable',
		layer: 'layer 2',
		defaultSeverity: 'warning',
		messages: {
			worldWritable:
				'Mode {{mode}} lets every user in the container write these files, so a compromised process can replace code the app runs. Give write access to the owner only ({{tighter}}).',
		},
		fix: { safety: 'review', title: 'Tighten the mode to {{tighter}}' },
		docs: { summary: '`chmod 777`/`666`/`o+w`/`a+w`, or `COPY --chmod` with such a mode.' },
		equivalents: {},
	},
	create(context) {
		const { model } = context;
		const copyChmod = (instruction: Instruction): void => {
			const flag = flagOf(instruction, 'chmod');
			const value = flag?.getValue();
			const range = flag?.getValueRange();
			const mode = value ? parseMode(value) : undefined;
			if (!flag || !range || !value || !mode || !isWorldWritable(mode)) {
				return;
			}
			const tighter = withoutSharedWrite(mode);
			context.report({
				range: flag.getRange(),
				messageId: 'worldWritable',
				data: { mode: value, tighter: tighter ?? 'e.g. u+w' },
				fix: tighter ? (fixer) => fixer.replace(range, tighter) : undefined,
			});
		};
		return {
			COPY: copyChmod,
			ADD: copyChmod,
			RUN(instruction) {
				const invocations = runInvocations(model, instruction);
				/** Paths an `rm -r` of this RUN deletes: a scratch directory opened up and removed again ships nothing. */
				const removed = new Set(
					invocations
						.filter((i) => i.name === 'rm')
						.flatMap((i) => i.args.filter((a) => !a.value.startsWith('-')).map((a) => a.text)),
				);
				for (const inv of invocations) {
					if (inv.name !== 'chmod') {
						continue;
					}
					const targets = inv.args.slice((chmodArguments(inv.args)?.modeIndex ?? 0) + 1);
					if (targets.length > 0 && targets.every((t) => removed.has(t.text))) {
						continue;
					}
					const parsed = chmodArguments(inv.args);
					const word = parsed && inv.args[parsed.modeIndex];
					const mode = word && !word.dynamic ? parseMode(word.value) : undefined;
					if (!word || !mode || !isWorldWritable(mode)) {
						continue;
					}
					const tighter = withoutSharedWrite(mode);
					context.report({
						range: { start: inv.nameWord.range.start, end: (inv.args.at(-1) ?? word).range.end },
						messageId: 'worldWritable',
						data: { mode: word.value, tighter: tighter ?? 'e.g. u+w, or 755 for directories and 644 for files' },
						fix: tighter && word.text === word.value ? (fixer) => fixer.replace(word.range, tighter) : undefined,
					});
				}
			},
		};
	},
});
