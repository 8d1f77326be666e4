/**
 * The JSON Schema of `.dockerfile-harden.yaml`, built from the rule catalogue so completion lists every rule id and
 * name with its summary. Shipped in the extension (`yamlValidation`) for the YAML language server.
 */
import { allRules } from '../rules';

const LEVEL = { enum: ['off', 'error', 'warning', 'info', 'hint'] };

/** The schema as a JSON value. */
export function configSchema(): Record<string, unknown> {
	const rules: Record<string, unknown> = {};
	for (const rule of allRules) {
		const description = `${rule.meta.name}: ${rule.meta.docs.summary}`;
		rules[rule.meta.id] = { ...LEVEL, description };
		rules[rule.meta.name] = { ...LEVEL, description: `${rule.meta.id}: ${rule.meta.docs.summary}` };
	}
	const patterns = { type: 'array', items: { type: 'string', format: 'regex' } };
	return {
		$schema: 'http://json-schema.org/draft-07/schema#',
		$id: 'https://github.com/dockerfile-harden/dockerfile-harden/blob/main/schemas/dockerfile-harden.schema.json',
		title: 'Dockerfile Harden project configuration (.dockerfile-harden.yaml)',
		type: 'object',
		additionalProperties: false,
		properties: {
			rules: {
				type: 'object',
				description: 'Rule id or name → severity; `off` disables the rule. Editor settings win over this file.',
				properties: rules,
				additionalProperties: false,
			},
			secrets: {
				type: 'object',
				additionalProperties: false,
				properties: {
					allowPatterns: {
						...patterns,
						description: 'Regular expressions (case-insensitive) for variable names that are never secrets.',
					},
					denyPatterns: {
						...patterns,
						description: 'Regular expressions (case-insensitive) for variable names that are always secrets.',
					},
				},
			},
			trustedRegistries: {
				type: 'array',
				items: { type: 'string' },
				description: 'Registries images may come from (DH207): hosts, `*.suffix` or `prefix*`. Empty: DH207 is off.',
			},
			registry: {
				type: 'object',
				additionalProperties: false,
				properties: {
					insecureRegistries: {
						type: 'array',
						items: { type: 'string' },
						description: 'Registries reached over plain HTTP when pinning (loopback always is).',
					},
				},
			},
			ignorePaths: {
				type: 'array',
				items: { type: 'string' },
				description: 'Globs, relative to this file, of Dockerfiles the CLI does not check.',
			},
		},
	};
}
