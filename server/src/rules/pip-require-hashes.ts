import { contextCandidates, readRequirements, resolveImagePath, workdirAt } from '../engine/buildFiles';
import { hasFlag, optionInsertion, optionValues, pipInstall, runInvocations } from '../engine/commands';
import { defineRule, type Fixer } from './types';

/** Values that turn a pip boolean environment option off. */
const FALSE_VALUES = new Set(['', '0', 'false', 'no', 'off']);

export default defineRule({
	meta: {
		id: 'DH401',
		name: 'pip-require-hashes',
		layer: 'baseline',
		defaultSeverity: 'warning',
		messages: {
			hashedFile:
				'`{{command}} -r {{file}}` runs without --require-hashes, although {{file}} has a --hash for all {{total}} requirements. Add --require-hashes so pip refuses any package whose hash is not listed.',
			unhashedFile:
				'`{{command}} -r {{file}}` cannot verify what it downloads: {{missing}} of {{total}} requirements in {{file}} have no --hash. Generate the file with `pip-compile --generate-hashes` (or `uv pip compile --generate-hashes`), then add --require-hashes.',
			unknownFile:
				'`{{command}} -r {{file}}` runs without --require-hashes, so a tampered or substituted package installs silently. Generate {{file}} with `pip-compile --generate-hashes` (or `uv pip compile --generate-hashes`) and add --require-hashes.',
		},
		fix: { safety: 'safe', title: 'Add --require-hashes to pip install' },
		docs: {
			summary: '`pip install -r FILE` (also `uv pip install`) without --require-hashes.',
		},
		equivalents: {},
	},
	create(context) {
		const { model, buildContext } = context;
		return {
			RUN(instruction, stage) {
				const vars = model.variablesAt(stage, instruction);
				const enabled = (name: string): boolean => {
					const value = vars.get(name);
					return typeof value === 'string' && !FALSE_VALUES.has(value.toLowerCase());
				};
				if (enabled('PIP_REQUIRE_HASHES') || enabled('UV_REQUIRE_HASHES')) {
					return;
				}
				for (const inv of runInvocations(model, instruction)) {
					const pip = pipInstall(inv);
					if (!pip || hasFlag(pip.args, ['--require-hashes'])) {
						continue;
					}
					if (
						inv.command.assignments.some((a) => /^(?:PIP|UV)_REQUIRE_HASHES=(?!(?:0|false|no|off)?$)/i.test(a.value))
					) {
						continue;
					}
					const files = optionValues(pip.args, ['-r'], ['--requirement', '--requirements']);
					if (files.length === 0) {
						continue;
					}
					const file = files[0].value;
					const command = pip.tool === 'uv' ? 'uv pip install' : 'pip install';
					const last = pip.args[pip.args.length - 1];
					const range = { start: inv.nameWord.range.start, end: last.range.end };
					const fix = (fixer: Fixer) =>
						fixer.insertAt(pip.installWord.range.end, optionInsertion(pip.installWord, '--require-hashes'));
					let info: { total: number; hashed: number } | undefined;
					if (buildContext && !files.some((f) => f.word.dynamic)) {
						info = { total: 0, hashed: 0 };
						const workdir = workdirAt(model, stage, instruction);
						for (const f of files) {
							const imagePath = resolveImagePath(workdir, f.value);
							const found = contextCandidates(model, stage, instruction, imagePath)
								.map((p) => readRequirements(buildContext, p))
								.find((r) => r !== undefined);
							if (!found) {
								info = undefined;
								break;
							}
							info.total += found.total;
							info.hashed += found.hashed;
						}
					}
					if (info && info.total > 0 && info.hashed === info.total) {
						context.report({ range, messageId: 'hashedFile', data: { command, file, total: info.total }, fix });
					} else if (info && info.total > 0) {
						context.report({
							range,
							messageId: 'unhashedFile',
							data: { command, file, total: info.total, missing: info.total - info.hashed },
						});
					} else {
						context.report({ range, messageId: 'unknownFile', data: { command, file } });
					}
				}
			},
		};
	},
});
