import type { Range } from 'vscode-languageserver-types';
import { runInvocations } from '../engine/commands';
import { propertiesOf } from '../engine/ast';
import { findLiteralSecrets, isLiteralSecretValue, isSecretName } from '../engine/secrets';
import { defineRule } from './types';

/** Command-line options whose value is a password. */
const PASSWORD_OPTIONS = new Set(['--password', '--passwd', '--token', '--api-key', '--apikey', '--secret']);

export default defineRule({
	meta: {
		id: 'DH303',
		name: 'no-hardcoded-secret',
		layer: 'layer 3',
		defaultSeverity: 'error',
		messages: {
			literalToken:
				'A literal credential ({{kind}}) is written into the Dockerfile, so anyone with the repository or the image can use it. Remove it, rotate it now, and pass it at build time as a BuildKit secret (`RUN --mount=type=secret,…`).',
			literalOption:
				"A literal password is passed to {{option}}, so it is recorded in the image history. Remove it, rotate it, and read it from a BuildKit secret instead (`RUN --mount=type=secret,id=…` and the program's password-file or stdin option).",
			literalValue:
				'{{name}} is given a literal secret value in the Dockerfile, so anyone with the repository or the image can read it. Remove it, rotate it, and pass it at build time as a BuildKit secret (`RUN --mount=type=secret,id={{id}},env={{name}} …`).',
		},
		docs: {
			summary:
				'A literal credential: AWS, GitHub, GitLab, Slack, PyPI or npm tokens, private keys, or a literal value for a secret-named variable or option.',
		},
		equivalents: {},
	},
	create(context) {
		const { document, dockerfile, model } = context;
		const patterns = context.settings.secrets;
		const reportValue = (name: string, range: Range): void => {
			context.report({ range, messageId: 'literalValue', data: { name, id: name.toLowerCase() } });
		};
		return {
			'file:exit'() {
				for (const instruction of dockerfile.getInstructions()) {
					const range = instruction.getRange();
					const base = document.offsetAt(range.start);
					for (const secret of findLiteralSecrets(document.getText(range))) {
						context.report({
							range: {
								start: document.positionAt(base + secret.start),
								end: document.positionAt(base + secret.end),
							},
							messageId: 'literalToken',
							data: { kind: secret.kind },
						});
					}
					const keyword = instruction.getKeyword();
					if (keyword === 'ARG' || keyword === 'ENV') {
						for (const p of propertiesOf(instruction)) {
							const value = p.getValue();
							const valueRange = p.getValueRange();
							if (
								value !== null &&
								valueRange &&
								isSecretName(p.getName(), patterns) &&
								isLiteralSecretValue(value) &&
								findLiteralSecrets(value).length === 0
							) {
								reportValue(p.getName(), valueRange);
							}
						}
					} else if (keyword === 'RUN') {
						for (const command of model.runScript(instruction).commands) {
							for (const assignment of command.assignments) {
								const eq = assignment.value.indexOf('=');
								const name = assignment.value.slice(0, eq);
								const value = assignment.value.slice(eq + 1);
								if (
									eq > 0 &&
									!assignment.dynamic &&
									isSecretName(name, patterns) &&
									isLiteralSecretValue(value) &&
									findLiteralSecrets(value).length === 0
								) {
									reportValue(name, assignment.range);
								}
							}
						}
						for (const inv of runInvocations(model, instruction)) {
							inv.args.forEach((arg, i) => {
								const eq = arg.value.indexOf('=');
								const option = eq > 0 ? arg.value.slice(0, eq) : arg.value;
								if (!PASSWORD_OPTIONS.has(option)) {
									return;
								}
								const valueWord = eq > 0 ? arg : inv.args[i + 1];
								const value = eq > 0 ? arg.value.slice(eq + 1) : valueWord?.value;
								if (
									valueWord &&
									value !== undefined &&
									!valueWord.dynamic &&
									!value.startsWith('-') &&
									isLiteralSecretValue(value) &&
									findLiteralSecrets(value).length === 0
								) {
									context.report({ range: valueWord.range, messageId: 'literalOption', data: { option } });
								}
							});
						}
					}
				}
			},
		};
	},
});
