import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import { propertiesOf } from '../engine/ast';
import { invocation, pipInstall, type Invocation } from '../engine/commands';
import { propertyRemoval, spanRemoval } from '../engine/secretMounts';
import type { RunWord } from '../engine/runScript';
import { defineRule, type Fixer, type RuleContext } from './types';

/** The fix that removes `range`, or none when the text cannot be taken out without breaking its instruction. */
function removal(fixer: Fixer, range: Range | undefined): ReturnType<Fixer['remove']> | null {
	return range ? fixer.remove(range) : null;
}

type MessageId = 'flag' | 'variable' | 'setting';

/** Variables that turn verification off, and the values that mean "off". */
const VARIABLES: Record<string, (value: string) => boolean> = {
	PIP_TRUSTED_HOST: (v) => v.trim() !== '',
	NODE_TLS_REJECT_UNAUTHORIZED: (v) => v.trim() === '0',
	PYTHONHTTPSVERIFY: (v) => v.trim() === '0',
	GIT_SSL_NO_VERIFY: (v) => !/^(?:|0|false|no|off)$/i.test(v.trim()),
	NPM_CONFIG_STRICT_SSL: (v) => /^(?:false|0|no)$/i.test(v.trim()),
	npm_config_strict_ssl: (v) => /^(?:false|0|no)$/i.test(v.trim()),
};

/** Flags that turn verification off, by program. `value`: the flag takes the next word as its value. */
const FLAGS: Record<string, readonly { readonly flag: string; readonly value?: boolean }[]> = {
	curl: [{ flag: '--insecure' }, { flag: '-k' }],
	wget: [{ flag: '--no-check-certificate' }],
	apk: [{ flag: '--allow-untrusted' }],
	'apt-get': [{ flag: '--allow-unauthenticated' }, { flag: '--force-yes' }, { flag: '--allow-insecure-repositories' }],
	apt: [{ flag: '--allow-unauthenticated' }, { flag: '--allow-insecure-repositories' }],
	yum: [{ flag: '--nogpgcheck' }, { flag: '--setopt=sslverify=false' }, { flag: '--setopt=sslverify=0' }],
	dnf: [{ flag: '--nogpgcheck' }, { flag: '--setopt=sslverify=false' }, { flag: '--setopt=sslverify=0' }],
	microdnf: [{ flag: '--nogpgcheck' }],
	zypper: [{ flag: '--no-gpg-checks' }],
	rpm: [{ flag: '--nosignature' }, { flag: '--nodigest' }],
	pip: [{ flag: '--trusted-host', value: true }],
	npm: [{ flag: '--strict-ssl=false' }, { flag: '--no-strict-ssl' }],
	yarn: [{ flag: '--strict-ssl=false' }, { flag: '--no-strict-ssl' }],
	pnpm: [{ flag: '--strict-ssl=false' }, { flag: '--no-strict-ssl' }],
};

/** curl's short options that take a value: in a cluster (`-fsSLo file`) the rest of the word is that value. */
const CURL_VALUE_SHORTS = new Set('abcdeEhHKmoOrtTuUwxXyYzCDFPQ'.split(''));

/** The index of `k` in a curl short-option cluster (`-fsSLk`), if it is an option and not part of a value. */
function curlClusterK(word: string): number | undefined {
	if (!/^-[a-zA-Z]{2,}$/.test(word)) {
		return undefined;
	}
	for (let i = 1; i < word.length; i++) {
		if (word[i] === 'k') {
			return i;
		}
		if (CURL_VALUE_SHORTS.has(word[i])) {
			return undefined;
		}
	}
	return undefined;
}

function toolOf(inv: Invocation): string {
	return /^pip(?:\d+(?:\.\d+)?)?$/.test(inv.name) || pipInstall(inv) ? 'pip' : inv.name;
}

export default defineRule<MessageId>({
	meta: {
		id: 'DH205',
		name: 'no-tls-bypass',
		layer: 'layer 6',
		defaultSeverity: 'error',
		messages: {
			flag: '`{{tool}} {{flag}}` turns off certificate or signature checks, so anyone on the network path can swap what the build downloads. Remove it and fix the trust problem instead (install the CA certificate, or import the signing key).',
			variable:
				'{{name}}={{value}} turns off TLS verification for every later command, so anyone on the network path can swap what the build downloads. Remove it and install the CA certificate the server needs instead.',
			setting:
				'`{{setting}}` turns off TLS verification for {{tool}}, so anyone on the network path can swap what the build downloads. Remove it and install the CA certificate the registry needs instead.',
		},
		fix: { safety: 'review', title: 'Remove {{flag}}' },
		docs: {
			summary:
				'`curl -k`, `wget --no-check-certificate`, `pip --trusted-host`, `PIP_TRUSTED_HOST`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `strict-ssl false`, `GIT_SSL_NO_VERIFY`, `--allow-untrusted`, `--allow-unauthenticated`, `--nogpgcheck`, `rpm --nosignature`.',
		},
		equivalents: {
			checkov: Array.from({ length: 15 }, (_, i) => `CKV2_DOCKER_${i + 2}`),
		},
	},
	create(context: RuleContext<MessageId>) {
		const { model, document } = context;
		const removeWords = (first: RunWord, last: RunWord) => (fixer: Fixer) =>
			first.json || last.json ? null : removal(fixer, spanRemoval(document, first.start, last.end, model.escapeChar));

		const checkVariable = (instruction: Instruction): void => {
			const properties = propertiesOf(instruction);
			for (const property of properties) {
				const name = property.getName();
				const value = property.getValue() ?? '';
				const bad = VARIABLES[name];
				if (!bad || !bad(value)) {
					continue;
				}
				context.report({
					range: property.getRange(),
					messageId: 'variable',
					data: { name, value, flag: name },
					fix: (fixer) => removal(fixer, propertyRemoval(document, instruction, property, model.escapeChar)),
				});
			}
		};

		return {
			ENV: checkVariable,
			ARG: checkVariable,
			RUN(instruction) {
				for (const command of model.runScript(instruction).commands) {
					for (const assignment of command.assignments) {
						const eq = assignment.value.indexOf('=');
						const name = assignment.value.slice(0, eq);
						const value = assignment.value.slice(eq + 1);
						if (eq > 0 && VARIABLES[name]?.(value)) {
							context.report({
								range: assignment.range,
								messageId: 'variable',
								data: { name, value, flag: name },
								fix: command.declaration ? undefined : removeWords(assignment, assignment),
							});
						}
					}
					const inv = invocation(command);
					if (!inv) {
						continue;
					}
					const tool = toolOf(inv);
					const args = inv.args;
					// Settings: `npm config set strict-ssl false`, `git config http.sslVerify false`, `git -c http.sslVerify=false`.
					const values = args.map((a) => a.value.toLowerCase());
					const strictSsl = values.findIndex(
						(v, i) => (v === 'strict-ssl' && values[i + 1] === 'false') || v === 'strict-ssl=false',
					);
					if (['npm', 'yarn', 'pnpm'].includes(inv.name) && strictSsl > 0 && values.includes('set')) {
						const last = values[strictSsl] === 'strict-ssl' ? strictSsl + 1 : strictSsl;
						context.report({
							range: { start: args[strictSsl].range.start, end: args[last].range.end },
							messageId: 'setting',
							data: { setting: 'strict-ssl false', tool: inv.name },
						});
					}
					if (inv.name === 'git') {
						values.forEach((v, i) => {
							const inline = v === 'http.sslverify=false';
							const config = v === 'http.sslverify' && values[i + 1] === 'false';
							if (inline || config) {
								context.report({
									range: { start: args[i].range.start, end: args[inline ? i : i + 1].range.end },
									messageId: 'setting',
									data: { setting: 'http.sslVerify false', tool: 'git' },
								});
							}
						});
					}
					for (let i = 0; i < args.length; i++) {
						const word = args[i];
						const known = (FLAGS[tool] ?? []).find(
							(f) => word.value === f.flag || (f.value && word.value.startsWith(`${f.flag}=`)),
						);
						// `apk add --allow-untrusted ./pkg.apk`: packages built earlier in the build, not from a repository.
						const localOnly =
							known?.flag === '--allow-untrusted' &&
							args.some((a) => a.value.endsWith('.apk')) &&
							args
								.filter((a) => !a.value.startsWith('-') && a.value !== 'add')
								.every((a) => a.value.includes('/') || a.value.endsWith('.apk'));
						if (known && !localOnly) {
							const last = known.value && word.value === known.flag && args[i + 1] ? args[i + 1] : word;
							context.report({
								range: { start: word.range.start, end: last.range.end },
								messageId: 'flag',
								data: { tool, flag: known.flag },
								fix: removeWords(word, last),
							});
							continue;
						}
						const k = tool === 'curl' && !word.json ? curlClusterK(word.value) : undefined;
						if (k !== undefined && word.text === word.value) {
							const at = word.start + k;
							context.report({
								range: word.range,
								messageId: 'flag',
								data: { tool, flag: '-k' },
								fix: (fixer) => fixer.remove({ start: document.positionAt(at), end: document.positionAt(at + 1) }),
							});
						}
					}
				}
			},
		};
	},
});
