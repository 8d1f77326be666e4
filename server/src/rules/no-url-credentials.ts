import { findUrlCredentials } from '../engine/secrets';
import { defineRule } from './types';

/** ARG and ENV values are DH301's: the variable itself is what must become a secret. */
const SKIPPED = new Set(['ARG', 'ENV']);

export default defineRule({
	meta: {
		id: 'DH302',
		name: 'no-url-credentials',
		layer: 'layer 3',
		defaultSeverity: 'error',
		messages: {
			urlCredentials:
				'This URL carries credentials for {{host}}; they end up in the image history and in build logs. Move the URL into a BuildKit secret (`RUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL …` or a secret-mounted pip.conf) and drop it from the command.',
			literalUrlCredentials:
				'This URL has a password for {{host}} written into the Dockerfile. Remove it, rotate the password, and pass the URL as a BuildKit secret (`RUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL …` or a secret-mounted pip.conf).',
		},
		docs: {
			summary: 'A URL with credentials (`https://user:${TOKEN}@host`), e.g. in pip --index-url or --extra-index-url.',
		},
		equivalents: {},
	},
	create(context) {
		const { document, dockerfile } = context;
		return {
			'file:exit'() {
				for (const instruction of dockerfile.getInstructions()) {
					if (SKIPPED.has(instruction.getKeyword())) {
						continue;
					}
					const range = instruction.getRange();
					const base = document.offsetAt(range.start);
					for (const credential of findUrlCredentials(document.getText(range))) {
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
