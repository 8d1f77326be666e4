import type { Instruction } from 'dockerfile-ast';
import { flagOf, heredocsOf } from '../engine/ast';
import { wordsOf } from '../engine/words';
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

/** A key file's text says whether it is private. */
function keyKind(text: string): 'private' | 'public' | undefined {
	if (/-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----/.test(text)) {
		return 'private';
	}
	return /-----BEGIN (?:[A-Z]+ )*(?:PUBLIC KEY|CERTIFICATE)(?: BLOCK)?-----/.test(text) ? 'public' : undefined;
}

/** Public key material by name: `ca.pem`, `fullchain.pem`, `release.pub`. */
const PUBLIC_NAME = /(?:^|[-_.])(?:cert|certificate|ca|chain|fullchain|bundle|pub|public|root|pubkey|gpg)(?:[-_.]|$)/i;

/**
 * What a source path holds, if it looks like a secret; `undefined` otherwise. Key files (`.pem`, `.key`) are read
 * from the context when it has them; otherwise their name, or the name they are copied to, decides.
 */
function secretKind(path: string, destination: string, read: (p: string) => string | undefined): string | undefined {
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
	if (/\.(?:p12|pfx|jks|keystore)$/i.test(base)) {
		return 'a private key';
	}
	if (/\.(?:pem|key)$/i.test(base)) {
		// Certificates and public keys use these names too.
		const text = read(clean);
		const kind = text === undefined ? undefined : keyKind(text);
		if (kind !== undefined) {
			return kind === 'private' ? 'a private key' : undefined;
		}
		const target = destination.split('/').filter(Boolean).pop() ?? '';
		return PUBLIC_NAME.test(base) || PUBLIC_NAME.test(target) ? undefined : 'a private key';
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
			const words = wordsOf(instruction);
			const destination = words.at(-1)?.value ?? '';
			for (const { value: raw, range } of words.slice(0, -1)) {
				if (/^[a-z]+:\/\//i.test(raw)) {
					continue;
				}
				const expansion = model.expand(raw, vars);
				const what = expansion.unresolved ? undefined : secretKind(expansion.value, destination, read);
				if (what) {
					const file = normaliseContextPath(expansion.value) || expansion.value;
					const id = file.split('/').pop()!.replace(/^\./, '').replace(/[^A-Za-z0-9_-]/g, '_').toLowerCase();
					context.report({
						range,
						messageId: 'secretFile',
						data: { file, what, keyword: instruction.getKeyword(), id },
					});
				}
			}
		};
		return { COPY: check, ADD: check };
	},
});
