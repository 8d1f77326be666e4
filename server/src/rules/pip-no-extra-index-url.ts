import type { Instruction } from 'dockerfile-ast';
import { propertiesOf } from '../engine/ast';
import { optionValues, pipInstall, runInvocations } from '../engine/commands';
import { defineRule } from './types';

export default defineRule({
	meta: {
		id: 'DH404',
		name: 'pip-no-extra-index-url',
		layer: 'layer 6',
		defaultSeverity: 'warning',
		messages: {
			extraIndex:
				'--extra-index-url makes pip pick the highest version from any index, so anyone who publishes your private package name on PyPI can take over the build (dependency confusion). Use one --index-url on a proxy that serves both your packages and PyPI.',
			extraIndexVariable:
				'{{name}} makes pip pick the highest version from any index, so anyone who publishes your private package name on PyPI can take over the build (dependency confusion). Use one index (PIP_INDEX_URL) on a proxy that serves both.',
		},
		fix: { safety: 'review', title: 'Use --index-url instead' },
		docs: { summary: '`--extra-index-url` (dependency confusion).' },
		equivalents: {},
	},
	create(context) {
		const { model, document } = context;
		const checkVariables = (instruction: Instruction): void => {
			for (const property of propertiesOf(instruction)) {
				const name = property.getName();
				if ((name === 'PIP_EXTRA_INDEX_URL' || name === 'UV_EXTRA_INDEX_URL') && (property.getValue() ?? '') !== '') {
					context.report({ range: property.getNameRange(), messageId: 'extraIndexVariable', data: { name } });
				}
			}
		};
		return {
			ENV: checkVariables,
			ARG: checkVariables,
			RUN(instruction) {
				for (const inv of runInvocations(model, instruction)) {
					const pip = pipInstall(inv);
					if (!pip) {
						continue;
					}
					// uv takes each package from the first index that has it unless told otherwise, which is the
					// defence against dependency confusion.
					if (pip.tool === 'uv' && !pip.args.some((a) => /unsafe-best-match|unsafe-any-match/.test(a.value))) {
						continue;
					}
					const hasIndex = optionValues(pip.args, ['-i'], ['--index-url', '--default-index']).length > 0;
					const extras = optionValues(pip.args, [], ['--extra-index-url']);
					for (const { optionWord } of extras) {
						const at = optionWord.text.indexOf('--extra-index-url');
						context.report({
							range: optionWord.range,
							messageId: 'extraIndex',
							// Only one index can replace the extra one, and only when there is no other.
							fix:
								!hasIndex && extras.length === 1 && at >= 0
									? (fixer) =>
											fixer.replace(
												{
													start: document.positionAt(optionWord.start + at),
													end: document.positionAt(optionWord.start + at + '--extra-index-url'.length),
												},
												'--index-url',
											)
									: undefined,
						});
					}
				}
			},
		};
	},
});
