import type { Instruction, Property } from 'dockerfile-ast';
import { propertiesOf } from '../engine/ast';
import { findUrlCredentials, isSecretName } from '../engine/secrets';
import { defineRule } from './types';

export default defineRule({
	meta: {
		id: 'DH301',
		name: 'no-secret-build-var',
		layer: 'layer 3',
		defaultSeverity: 'error',
		messages: {
			secretArg:
				'ARG {{name}} looks like a credential: build arguments are recorded in the image history, where anyone who pulls the image can read them. Pass it as a BuildKit secret instead (`RUN --mount=type=secret,id={{id}},env={{name}} …`, built with `--secret id={{id}},env={{name}}`).',
			secretEnv:
				'ENV {{name}} looks like a credential: ENV values are stored in the image and visible to every container and `docker inspect`. Pass it as a BuildKit secret to the RUN that needs it (`RUN --mount=type=secret,id={{id}},env={{name}} …`).',
			credentialValue:
				'{{keyword}} {{name}} holds a URL with credentials for {{host}}, which ends up in the image. Pass the URL as a BuildKit secret (`RUN --mount=type=secret,id={{id}},env={{name}} …`) instead.',
		},
		docs: {
			summary: 'An ARG or ENV whose name or value carries a credential.',
		},
		equivalents: {
			hadolint: ['DL3064'],
			trivy: ['DS-0031'],
			buildkit: ['SecretsUsedInArgOrEnv'],
		},
	},
	create(context) {
		const patterns = context.settings.secrets;
		const check = (instruction: Instruction, properties: readonly Property[]): void => {
			const keyword = instruction.getKeyword();
			for (const property of properties) {
				const name = property.getName();
				const value = property.getValue();
				const id = name.toLowerCase();
				if (isSecretName(name, patterns)) {
					// An ENV that sets an empty value or a file path leaks nothing.
					if (keyword === 'ENV' && value !== null && (value.trim() === '' || value.trim().startsWith('/'))) {
						continue;
					}
					context.report({
						range: property.getNameRange(),
						messageId: keyword === 'ARG' ? 'secretArg' : 'secretEnv',
						data: { name, id },
					});
					continue;
				}
				const credential = value ? findUrlCredentials(value)[0] : undefined;
				if (credential) {
					context.report({
						range: property.getValueRange() ?? property.getNameRange(),
						messageId: 'credentialValue',
						data: { keyword, name, id, host: credential.host },
					});
				}
			}
		};
		return {
			ARG(instruction) {
				check(instruction, propertiesOf(instruction));
			},
			ENV(instruction) {
				check(instruction, propertiesOf(instruction));
			},
			'file:exit'() {
				// Global ARGs (before the first FROM) are not in any stage, so the listeners above never saw them.
				for (const arg of context.dockerfile.getInitialARGs()) {
					check(arg, propertiesOf(arg));
				}
			},
		};
	},
});
