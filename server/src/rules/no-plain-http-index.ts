import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import { propertiesOf } from '../engine/ast';
import { optionValues, runInvocations } from '../engine/commands';
import { defineRule } from './types';

/** Variables that name a package index. */
const INDEX_VARIABLES = new Set([
	'PIP_INDEX_URL',
	'PIP_EXTRA_INDEX_URL',
	'PIP_FIND_LINKS',
	'UV_INDEX_URL',
	'UV_EXTRA_INDEX_URL',
	'UV_DEFAULT_INDEX',
	'UV_INDEX',
	'NPM_CONFIG_REGISTRY',
	'YARN_REGISTRY',
	'GOPROXY',
]);

/** The plain-HTTP URLs in a value (space or comma separated), except loopback. */
function plainHttp(value: string): string[] {
	return value
		.split(/[\s,|]+/)
		.filter(
			(u) =>
				/^http:\/\//i.test(u) &&
				!/^http:\/\/(?:[^/@]*@)?(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?::\d+)?(?:\/|$)/i.test(u),
		);
}

/** The host of a URL, for messages (credentials never shown). */
function hostOf(url: string): string {
	return url.replace(/^http:\/\/(?:[^/@]*@)?/i, '').split('/')[0];
}

export default defineRule({
	meta: {
		id: 'DH206',
		name: 'no-plain-http-index',
		layer: 'layer 6',
		defaultSeverity: 'error',
		messages: {
			plainHttp:
				'The package index {{host}} is used over plain http://, so anyone on the network path can change the packages the build installs. Use its https:// URL.',
		},
		docs: { summary: 'A package index (pip, uv, npm, yarn, gem, Go proxy) over `http://`.' },
		equivalents: {},
	},
	create(context) {
		const { model } = context;
		const report = (range: Range, url: string): void => {
			context.report({ range, messageId: 'plainHttp', data: { host: hostOf(url) } });
		};
		const checkVariables = (instruction: Instruction): void => {
			for (const property of propertiesOf(instruction)) {
				const range = property.getValueRange();
				if (INDEX_VARIABLES.has(property.getName()) && range) {
					for (const url of plainHttp(property.getValue() ?? '')) {
						report(range, url);
					}
				}
			}
		};
		return {
			ENV: checkVariables,
			ARG: checkVariables,
			RUN(instruction) {
				for (const inv of runInvocations(model, instruction)) {
					for (const a of inv.command.assignments) {
						const eq = a.value.indexOf('=');
						if (eq > 0 && INDEX_VARIABLES.has(a.value.slice(0, eq))) {
							plainHttp(a.value.slice(eq + 1)).forEach((url) => report(a.range, url));
						}
					}
					const options: [readonly string[], readonly string[]] | undefined = /^(?:pip[\d.]*|python[\d.]*|uv)$/.test(
						inv.name,
					)
						? [
								['-i', '-f'],
								['--index-url', '--extra-index-url', '--find-links', '--index', '--default-index'],
							]
						: /^(?:npm|yarn|pnpm|npx)$/.test(inv.name)
							? [[], ['--registry']]
							: inv.name === 'gem'
								? [
										['-s', '-a'],
										['--source', '--add'],
									]
								: undefined;
					if (options) {
						for (const { value, word } of optionValues(inv.args, options[0], options[1])) {
							plainHttp(value).forEach((url) => report(word.range, url));
						}
					}
					// `npm config set registry http://…`, `go env -w GOPROXY=http://…`.
					const values = inv.args.map((a) => a.value);
					const registry = values.indexOf('registry');
					if (
						/^(?:npm|yarn|pnpm)$/.test(inv.name) &&
						values.includes('set') &&
						registry >= 0 &&
						inv.args[registry + 1]
					) {
						plainHttp(values[registry + 1]).forEach((url) => report(inv.args[registry + 1].range, url));
					}
					if (inv.name === 'go' && values[0] === 'env') {
						inv.args
							.filter((a) => a.value.startsWith('GOPROXY='))
							.forEach((a) => plainHttp(a.value.slice('GOPROXY='.length)).forEach((url) => report(a.range, url)));
					}
				}
			},
		};
	},
});
