import type { Instruction } from 'dockerfile-ast';
import { mountTarget, runMounts } from '../engine/commands';
import type { FileModel } from '../engine/model';
import { findUrlCredentials } from '../engine/secrets';
import { defineRule } from './types';

/** ARG and ENV values are DH301's: the variable itself is what must become a secret. */
const SKIPPED = new Set(['ARG', 'ENV']);

/**
 * Variables a RUN takes from a secret mount: `env=` of a `type=secret` mount, and variables the RUN assigns from
 * the mounted file (`TOKEN=$(cat /run/secrets/token)`). A URL built from them never reaches the image.
 */
function secretVariables(model: FileModel, instruction: Instruction): Set<string> {
	const names = new Set<string>();
	if (instruction.getKeyword() !== 'RUN') {
		return names;
	}
	const secrets = runMounts(instruction).filter((m) => m.get('type') === 'secret');
	if (secrets.length === 0) {
		return names;
	}
	const files: string[] = [];
	for (const mount of secrets) {
		const env = mount.get('env');
		if (env) {
			names.add(env);
		}
		const id = mount.get('id');
		const target = mountTarget(mount) ?? (id ? `/run/secrets/${id}` : undefined);
		if (target) {
			files.push(target);
		}
	}
	for (const command of model.runScript(instruction).commands) {
		for (const assignment of command.assignments) {
			const eq = assignment.value.indexOf('=');
			if (eq > 0 && files.some((f) => assignment.value.includes(f, eq))) {
				names.add(assignment.value.slice(0, eq));
			}
		}
	}
	return names;
}

export default defineRule({
	meta: {
		id: 'DH302',
		name: 'no-url-credentials',
		layer: 'layer 3',
		defaultSeverity: 'error',
		messages: {
			urlCredentials:
				'This URL carries credentials for {{host}} from a build variable, which ends up in the image history. Move the URL into a BuildKit secret and drop it from the command (for pip: `RUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL …` or a secret-mounted pip.conf).',
			literalUrlCredentials:
				'This URL has a password for {{host}} written into the Dockerfile. Remove it, rotate the password, and pass the URL as a BuildKit secret (for pip: `RUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL …` or a secret-mounted pip.conf).',
		},
		docs: {
			summary: 'A URL with credentials (`https://user:${TOKEN}@host`), e.g. in pip --index-url or --extra-index-url.',
		},
		equivalents: {},
	},
	create(context) {
		const { document, dockerfile, model } = context;
		return {
			'file:exit'() {
				for (const instruction of dockerfile.getInstructions()) {
					if (SKIPPED.has(instruction.getKeyword())) {
						continue;
					}
					const range = instruction.getRange();
					const base = document.offsetAt(range.start);
					const fromSecrets = secretVariables(model, instruction);
					for (const credential of findUrlCredentials(document.getText(range))) {
						if (
							!credential.literal &&
							credential.variables.length > 0 &&
							credential.variables.every((v) => fromSecrets.has(v))
						) {
							continue;
						}
						context.report({
							range: {
								start: document.positionAt(base + credential.start),
								end: document.positionAt(base + credential.end),
							},
							messageId: credential.literal ? 'literalUrlCredentials' : 'urlCredentials',
							data: { host: credential.host },
						});
					}
				}
			},
		};
	},
});
