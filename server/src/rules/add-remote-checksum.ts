import { flagOf } from '../engine/ast';
import { checksumDataFor } from '../engine/imageSites';
import { wordsOf } from '../engine/words';
import { defineRule } from './types';

/** An HTTP(S) source that is not a git repository (BuildKit treats `*.git` and `#ref` URLs as git). */
function isHttpFile(url: string): boolean {
	return /^https?:\/\//i.test(url) && !/\.git(?:#.*)?$|#/.test(url);
}

/** The URL without credentials, query or fragment (a token may hide in either), for messages. */
function display(url: string): string {
	return url.replace(/^([a-z]+:\/\/)[^/@]*@/i, '$1').replace(/[?#].*$/, '');
}

export default defineRule({
	meta: {
		id: 'DH202',
		name: 'add-remote-checksum',
		layer: 'layer 6',
		defaultSeverity: 'warning',
		messages: {
			noChecksum:
				'ADD downloads {{url}} without --checksum, so the build trusts whatever the server (or anyone in between) sends today. Pin the content: `ADD --checksum=sha256:<hash> <url> <dest>`.',
		},
		// A network fix: the engine names the URL (`checksum` data); the server downloads it on request.
		fix: { safety: 'network', title: 'Download and add --checksum' },
		docs: { summary: '`ADD https://…` without `--checksum`.' },
		equivalents: {},
	},
	create(context) {
		const { model } = context;
		return {
			ADD(instruction, stage) {
				if (flagOf(instruction, 'checksum')) {
					return;
				}
				const vars = model.variablesAt(stage, instruction);
				const sources = wordsOf(instruction).slice(0, -1);
				for (const word of sources) {
					const expansion = model.expand(word.value, vars);
					if (!expansion.unresolved && isHttpFile(expansion.value)) {
						context.report({
							range: word.range,
							messageId: 'noChecksum',
							data: { url: display(expansion.value) },
							// A URL with credentials or a query (where tokens hide) stays out of the diagnostic's data.
							checksum:
								display(expansion.value) === expansion.value
									? checksumDataFor(instruction, expansion.value, sources.length)
									: undefined,
						});
					}
				}
			},
		};
	},
});
