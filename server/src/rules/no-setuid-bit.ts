import type { Instruction } from 'dockerfile-ast';
import { flagOf } from '../engine/ast';
import { runInvocations } from '../engine/commands';
import { chmodArguments, parseMode, setsSpecialBit } from '../engine/permissions';
import { defineRule } from './types';

/** A file in a bin directory: a program, not a shared directory. */
const BIN_PATH = /(?:^|\/)s?bin(?:\/[^/]*)?$/;

export default defineRule({
	meta: {
		id: 'DH104',
		name: 'no-setuid-bit',
		layer: 'layer 4',
		defaultSeverity: 'warning',
		messages: {
			specialBit:
				"Mode {{mode}} sets the {{bit}} bit, so the program runs with its owner's privileges whoever starts it: a path to root for an attacker. Drop the bit, and run the container with `--security-opt no-new-privileges`.",
		},
		docs: { summary: '`chmod u+s`/`g+s`/`4xxx`/`2xxx`, or `COPY --chmod` with such a mode.' },
		equivalents: {},
	},
	create(context) {
		const { model } = context;
		const copyChmod = (instruction: Instruction): void => {
			const flag = flagOf(instruction, 'chmod');
			const value = flag?.getValue();
			const mode = value ? parseMode(value) : undefined;
			const bit = mode && setsSpecialBit(mode);
			const destination = instruction.getArguments().at(-1)?.getValue() ?? '';
			if (bit === 'setgid' && !BIN_PATH.test(destination)) {
				return;
			}
			if (flag && value && bit) {
				context.report({ range: flag.getRange(), messageId: 'specialBit', data: { mode: value, bit } });
			}
		};
		return {
			COPY: copyChmod,
			ADD: copyChmod,
			RUN(instruction) {
				for (const inv of runInvocations(model, instruction)) {
					if (inv.name !== 'chmod') {
						continue;
					}
					const parsed = chmodArguments(inv.args);
					const word = parsed && inv.args[parsed.modeIndex];
					const mode = word && !word.dynamic ? parseMode(word.value) : undefined;
					const bit = mode && setsSpecialBit(mode);
					// setgid on a directory only makes new files inherit its group: report it for programs only.
					const targets = inv.args.slice((parsed?.modeIndex ?? 0) + 1).map((a) => a.value);
					if (bit === 'setgid' && !targets.some((t) => BIN_PATH.test(t))) {
						continue;
					}
					if (word && bit) {
						context.report({
							range: { start: inv.nameWord.range.start, end: (inv.args.at(-1) ?? word).range.end },
							messageId: 'specialBit',
							data: { mode: word.value, bit },
						});
					}
				}
			},
		};
	},
});
