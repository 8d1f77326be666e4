import type { Instruction } from 'dockerfile-ast';
import { flagOf, heredocsOf, jsonStringsOf } from '../engine/ast';
import { normaliseContextPath } from '../engine/context';
import { defineRule } from './types';

/** File names that hold credentials, and what they hold. */
const SECRET_FILES: Record<string, string> = {
	'.npmrc': 'npm registry tokens',
	'.yarnrc.yml': 'registry tokens',
	'.pypirc': 'PyPI upload credentials',
	'pip.conf': 'private index credentials',
	'.netrc': 'login credentials',
	_netrc: 'login credentials',
	'.git-credentials': 'git credentials',
	'.dockercfg': 'registry credentials',
	'.htpasswd': 'password hashes',
};

/** Directories that hold credentials. */
const SECRET_DIRS: Record<string, string> = {
	'.ssh': 'SSH keys',
	'.aws': 'cloud credentials',
	'.gnupg': 'private keys',
	'.docker': 'registry credentials',
	'.kube': 'cluster credentials',
};

/** Files inside such directories, by path. */
const SECRET_PATHS: Record<string, string> = {
	'.aws/credentials': 'cloud credentials',
	'.docker/config.json': 'registry credentials',
	'.kube/config': 'cluster credentials',
};

/** `.env.example`, `.env.sample`, `.env.template`, `.env.dist` document the variables, without values. */
const ENV_TEMPLATE = /^\.env\.(?:example|sample|template|dist|defaults)$/i;

/** What a source path holds, if it looks like a secret; `undefined` otherwise. */
function secretKind(path: string, read: (p: string) => string | undefined): string | undefined {
	const clean = normaliseContextPath(path);
	const parts = clean.split('/');
	const base = parts[parts.length - 1];
	for (const [suffix, what] of Object.entries(SECRET_PATHS)) {
		if (clean === suffix || clean.endsWith(`/${suffix}`)) {
			return what;
		}
	}
	if (SECRET_FILES[base]) {
		return SECRET_FILES[base];
	}
	if (SECRET_DIRS[base]) {
		return SECRET_DIRS[base];
	}
	if (/^\.env(?:\..+)?$/.test(base) && !ENV_TEMPLATE.test(base)) {
		return 'environment secrets';
	}
	if (/^id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$/.test(base)) {
		return 'an SSH private key';
	}
	if (/\.(?:key|p12|pfx|jks|keystore)$/i.test(base)) {
		return 'a private key';
	}
	if (/\.pem$/i.test(base)) {
		// Certificates are .pem too: read the file when the context has it, else judge by the name.
		const text = read(clean);
		if (text !== undefined) {
			return /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/.test(text) ? 'a private key' : undefined;
		}
		return /(?:^|[-_.])(?:cert|certificate|ca|chain|fullchain|bundle|pub|public|root)(?:[-_.]|$)/i.test(base)
			? undefined
			: 'a private key';
	}
	return undefined;
}

export default defineRule({
	meta: {
		id: 'DH304',
		name: 'no-secret-file-copy',
		layer: 'layer 3',
		defaultSeverity: 'warning',
		messages: {
			secretFile:
				'{{file}} usually holds {{what}}, and {{keyword}} bakes it into a layer that stays in the image even if a later RUN deletes it. Mount it only into the RUN that needs it (`RUN --mount=type=secret,id={{id}},target=… …`).',
		},
		docs: {
			summary:
				'COPY/ADD of .npmrc, .pypirc, pip.conf, .netrc, .git-credentials, SSH keys, *.pem/*.key private keys, .env, .aws/credentials, .docker/config.json.',
		},
		equivalents: { trivy: ['DS-0031'] },
	},
	create(context) {
		const { model, buildContext } = context;
		const read = (p: string): string | undefined => buildContext?.readFile(p);
		const check = (instruction: Instruction): void => {
			// A here-document is content written inline, not a file from the context (DH303 reads its text).
			if (flagOf(instruction, 'from') || heredocsOf(instruction).length > 0) {
				return;
			}
			const stage = model.stageOf(instruction);
			const vars = stage ? model.variablesAt(stage, instruction) : new Map<string, string | null>();
			const json = jsonStringsOf(instruction);
			const args = json.length > 0 ? json : instruction.getArguments();
			for (const arg of args.slice(0, -1)) {
				const raw = json.length > 0 ? (arg as (typeof json)[number]).getJSONValue() : arg.getValue();
				if (raw.startsWith('<<') || /^[a-z]+:\/\//i.test(raw)) {
					continue;
				}
				const expansion = model.expand(raw, vars);
				const what = expansion.unresolved ? undefined : secretKind(expansion.value, read);
				if (what) {
					const file = normaliseContextPath(expansion.value) || expansion.value;
					const id = file.split('/').pop()!.replace(/^\./, '').replace(/[^A-Za-z0-9_-]/g, '_').toLowerCase();
					context.report({
						range: arg.getRange(),
						messageId: 'secretFile',
						data: { file, what, keyword: instruction.getKeyword(), id },
					});
				}
			}
		};
		return { COPY: check, ADD: check };
	},
});
