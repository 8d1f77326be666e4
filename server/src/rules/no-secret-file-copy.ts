import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import type { FixDetails, FixEdit } from '../protocol';
import { flagOf, heredocsOf, jsonStringsOf } from '../engine/ast';
import { runInvocations, type Invocation } from '../engine/commands';
import { wordsOf, type InstructionWord } from '../engine/words';
import { normaliseContextPath } from '../engine/context';
import { resolveImagePath, type Stage } from '../engine/model';
import { basename } from '../engine/runScript';
import {
	childStages,
	commandRemoval,
	editsAreDisjoint,
	homeAt,
	instructionRemoval,
	isPlainMountValue,
	isRootUser,
	mountInsertion,
	orderEdits,
	spanRemoval,
	userAt,
	type SecretMount,
} from '../engine/secretMounts';
import { defineRule, type RuleContext } from './types';

type MessageId = 'secretFile' | 'secretFileNotRead' | 'secretFileNoTarget' | 'secretDirectory';

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

const PIP = /^pip(?:\d+(?:\.\d+)?)?$/;
const PYTHON = /^python(?:\d+(?:\.\d+)?)?$/;

/** Whether an invocation runs pip (`pip`, `pip3`, `python -m pip`). */
function runsPip(inv: Invocation): boolean {
	if (PIP.test(inv.name)) {
		return true;
	}
	const m = inv.args.findIndex((a) => a.value === '-m');
	return PYTHON.test(inv.name) && m >= 0 && inv.args[m + 1]?.value === 'pip';
}

/** Where a RUN runs: its working directory and its user's home (when known). */
interface RunPlace {
	readonly workdir: string;
	readonly home: string | undefined;
}

function dirnameOf(path: string): string {
	const i = path.lastIndexOf('/');
	return i <= 0 ? '/' : path.slice(0, i);
}

/** Whether `dir` is the home directory of the RUN's user (any `/root` or `/home/<user>` when it is not known). */
function isHome(dir: string, place: RunPlace): boolean {
	return place.home !== undefined ? dir === place.home : dir === '/root' || /^\/home\/[^/]+$/.test(dir);
}

/** Whether `dir` is the project directory of a RUN: its working directory or one above it (npm walks up). */
function isProject(dir: string, place: RunPlace): boolean {
	return dir === '/' || place.workdir === dir || place.workdir.startsWith(`${dir}/`);
}

/**
 * Tools that read a credential file by themselves, and where they look for it (the seed's pip.conf in /etc, npm's
 * project and user .npmrc, the .netrc in the home directory…).
 */
const FILE_READERS: readonly {
	readonly file: (target: string) => boolean;
	readonly tool: (inv: Invocation) => boolean;
	readonly at: (target: string, place: RunPlace) => boolean;
}[] = [
	{
		file: (t) => basename(t) === '.npmrc',
		tool: (inv) => ['npm', 'npx', 'pnpm', 'pnpx', 'yarn'].includes(inv.name),
		at: (t, p) => isProject(dirnameOf(t), p) || isHome(dirnameOf(t), p),
	},
	{
		file: (t) => basename(t) === '.yarnrc.yml',
		tool: (inv) => inv.name === 'yarn',
		at: (t, p) => isProject(dirnameOf(t), p) || isHome(dirnameOf(t), p),
	},
	{
		file: (t) => basename(t) === '.pypirc',
		tool: (inv) => ['twine', 'poetry', 'flit', 'hatch'].includes(inv.name) || PYTHON.test(inv.name),
		at: (t, p) => isHome(dirnameOf(t), p),
	},
	{
		file: (t) => basename(t) === 'pip.conf',
		tool: runsPip,
		at: (t, p) =>
			t === '/etc/pip.conf' ||
			t === '/etc/xdg/pip/pip.conf' ||
			(/\/\.(?:config\/)?pip\/pip\.conf$/.test(t) &&
				isHome(t.replace(/\/\.(?:config\/)?pip\/pip\.conf$/, '') || '/', p)),
	},
	{
		file: (t) => basename(t) === '.netrc' || basename(t) === '_netrc',
		tool: (inv) =>
			['wget', 'git', 'uv', 'poetry'].includes(inv.name) ||
			runsPip(inv) ||
			(inv.name === 'curl' &&
				inv.args.some((a) => /^(?:-n|--netrc|--netrc-optional|-[a-zA-Z]*n[a-zA-Z]*)$/.test(a.value))),
		at: (t, p) => isHome(dirnameOf(t), p),
	},
	{
		file: (t) => basename(t) === '.git-credentials',
		tool: (inv) => inv.name === 'git',
		at: (t, p) => isHome(dirnameOf(t), p),
	},
	{
		file: (t) => t.endsWith('/.aws/credentials'),
		tool: (inv) => inv.name === 'aws',
		at: (t, p) => isHome(t.slice(0, -'/.aws/credentials'.length) || '/', p),
	},
	{
		file: (t) => t.endsWith('/.docker/config.json') || basename(t) === '.dockercfg',
		tool: (inv) => ['docker', 'crane', 'skopeo', 'buildah', 'podman'].includes(inv.name),
		at: (t, p) => isHome(t.replace(/\/(?:\.docker\/config\.json|\.dockercfg)$/, '') || '/', p),
	},
	{
		file: (t) => t.endsWith('/.kube/config'),
		tool: (inv) => ['kubectl', 'helm'].includes(inv.name),
		at: (t, p) => isHome(t.slice(0, -'/.kube/config'.length) || '/', p),
	},
	{
		file: (t) => /\/\.ssh\/id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$/.test(t),
		tool: (inv) => ['ssh', 'scp', 'sftp', 'git', 'rsync'].includes(inv.name),
		at: (t, p) => isHome(t.replace(/\/\.ssh\/[^/]+$/, '') || '/', p),
	},
];

/** What the fix for one copied secret file does, or why there is none. */
type Plan =
	| { readonly kind: 'fix'; readonly edits: readonly FixEdit[]; readonly details: FixDetails }
	| { readonly kind: 'notRead'; readonly target: string }
	| { readonly kind: 'noTarget' }
	| { readonly kind: 'none' };

export default defineRule<MessageId>({
	meta: {
		id: 'DH304',
		name: 'no-secret-file-copy',
		layer: 'layer 3',
		defaultSeverity: 'warning',
		messages: {
			secretFile:
				'{{file}} usually holds {{what}}, and {{keyword}} bakes it into a layer that stays in the image even if a later RUN deletes it. Mount it only into the RUN that needs it (`RUN --mount=type=secret,id={{id}},target=… …`).',
			secretFileNotRead:
				'{{file}} usually holds {{what}}, and {{keyword}} bakes it into a layer that stays in the image even if a later RUN deletes it. No later RUN of the stage reads {{target}}, so there is no automatic fix: if a build step needs it, mount it into that RUN (`RUN --mount=type=secret,id={{id}},target={{target}} …`); if the application reads it when it runs, give it to the container at start (a volume or an orchestrator secret).',
			secretFileNoTarget:
				'{{file}} usually holds {{what}}, and {{keyword}} bakes it into a layer that stays in the image even if a later RUN deletes it. Where it lands in the image cannot be worked out (a variable without a known value, or a wildcard), so there is no automatic fix: mount it only into the RUN that needs it (`RUN --mount=type=secret,id={{id}},target=… …`).',
			secretDirectory:
				'{{file}} usually holds {{what}}, and {{keyword}} bakes it into a layer that stays in the image even if a later RUN deletes it. A secret mount holds one file, so there is no automatic fix: mount each file a RUN needs into that RUN (`RUN --mount=type=secret,id=…,target=… …`), or use `RUN --mount=type=ssh` for SSH keys.',
		},
		fix: { safety: 'review', title: 'Mount {{file}} as a secret' },
		docs: {
			summary:
				'COPY/ADD of .npmrc, .pypirc, pip.conf, .netrc, .git-credentials, SSH keys, *.pem/*.key private keys, .env, .aws/credentials, .docker/config.json.',
		},
		equivalents: { trivy: ['DS-0031'] },
	},
	create(context: RuleContext<MessageId>) {
		const { model, buildContext, document } = context;
		const read = (p: string): string | undefined => buildContext?.readFile(p);

		/** The path a source lands at, or `undefined` when it cannot be known. */
		const targetOf = (
			instruction: Instruction,
			stage: Stage,
			source: string,
			sources: number,
			destinationRaw: string,
		): string | undefined => {
			const expansion = model.expand(destinationRaw, model.variablesAt(stage, instruction));
			if (expansion.unresolved || /[*?[]/.test(source) || expansion.value === '') {
				return undefined;
			}
			const workdir = model.workdirAt(stage, instruction);
			const destination = expansion.value;
			const resolved = resolveImagePath(workdir, destination);
			const leaf = source.split('/').filter(Boolean).pop() ?? '';
			// A directory: `dst/`, `.`, several sources, the working directory, or a home or system directory.
			const directory =
				destination.endsWith('/') ||
				sources > 1 ||
				resolved === workdir ||
				resolved === '/' ||
				['/root', '/etc', '/tmp'].includes(resolved) ||
				/^\/home\/[^/]+$/.test(resolved);
			const target = directory ? resolveImagePath(resolved, leaf) : resolved;
			return isPlainMountValue(target) ? target : undefined;
		};

		/** The RUN's `rm` commands that delete the target: after the fix there is nothing to delete (and a mount cannot be). */
		const removalsOf = (
			run: Instruction,
			place: RunPlace,
			target: string,
		): { edits: Range[]; words: [number, number][] } | undefined => {
			const edits: Range[] = [];
			const words: [number, number][] = [];
			const resolve = (value: string): string =>
				resolveImagePath(
					place.workdir,
					value.startsWith('~/') && place.home ? `${place.home}${value.slice(1)}` : value,
				);
			for (const inv of runInvocations(model, run)) {
				if (inv.name !== 'rm') {
					continue;
				}
				let options = true;
				const operands = inv.args.filter((a) => {
					if (options && a.value === '--') {
						options = false;
						return false;
					}
					return !(options && a.value.startsWith('-'));
				});
				const hits = operands.filter((a) => !a.dynamic && resolve(a.value) === target);
				const unsure = operands.some((a) => a.dynamic && a.text.includes(basename(target)));
				if (unsure) {
					return undefined;
				}
				if (hits.length === 0) {
					continue;
				}
				words.push(...hits.map((h) => [h.start, h.end] as [number, number]));
				if (hits.length < operands.length) {
					for (const hit of hits) {
						const range = spanRemoval(document, hit.start, hit.end, model.escapeChar);
						if (!range) {
							return undefined;
						}
						edits.push(range);
					}
				} else {
					const range = commandRemoval(model, run, inv.command);
					if (!range) {
						return undefined;
					}
					edits.push(range);
				}
			}
			return { edits, words };
		};

		/** Whether a RUN reads the target: names it (outside `rm`), points a variable at it, or runs a tool that reads it. */
		const readsTarget = (
			run: Instruction,
			stage: Stage,
			place: RunPlace,
			target: string,
			skip: readonly [number, number][],
		): boolean => {
			const start = document.offsetAt(run.getInstructionRange().end);
			const end = document.offsetAt(run.getRange().end);
			let body = context.text.slice(start, end);
			for (const [s, e] of skip) {
				body = body.slice(0, s - start) + ' '.repeat(e - s) + body.slice(e - start);
			}
			if (body.includes(target)) {
				return true;
			}
			const leaf = basename(target);
			const script = model.runScript(run);
			const inSkip = (s: number): boolean => skip.some(([a, b]) => s >= a && s < b);
			if (
				dirnameOf(target) === place.workdir &&
				script.commands.some((c) =>
					[...c.assignments, ...c.words].some(
						(w) => !inSkip(w.start) && (w.value === leaf || w.value === `./${leaf}` || w.value.endsWith(`=${leaf}`)),
					),
				)
			) {
				return true;
			}
			const invocations = runInvocations(model, run);
			if (invocations.length > 0 && [...model.variablesAt(stage, run).values()].some((v) => v === target)) {
				return true;
			}
			const reader = FILE_READERS.find((r) => r.file(target));
			return reader !== undefined && reader.at(target, place) && invocations.some((inv) => reader.tool(inv));
		};

		const plan = (instruction: Instruction, stage: Stage, word: InstructionWord, file: string, id: string): Plan => {
			const words = wordsOf(instruction);
			const sources = words.slice(0, -1);
			const target = targetOf(instruction, stage, file, sources.length, words[words.length - 1].value);
			if (!target) {
				return { kind: 'noTarget' };
			}
			// The RUNs after the copy that see the file: the rest of the stage, and the stages built on it.
			const runs: { run: Instruction; stage: Stage }[] = [];
			const visit = (s: Stage, from: number, seen: Set<Stage>): void => {
				if (seen.has(s)) {
					return;
				}
				seen.add(s);
				s.instructions.slice(from).forEach((i) => {
					if (i.getKeyword() === 'RUN') {
						runs.push({ run: i, stage: s });
					}
				});
				for (const child of childStages(model, s)) {
					visit(child, 0, seen);
				}
			};
			visit(stage, stage.instructions.indexOf(instruction) + 1, new Set());

			const edits: FixEdit[] = [];
			const notes: string[] = [];
			let readers = 0;
			let deletes = false;
			// A RUN that deletes the file ends it for the RUNs after it (in its stage and the stages built on it).
			const deletedIn = new Set<Stage>();
			for (const { run, stage: s } of runs) {
				const place: RunPlace = { workdir: model.workdirAt(s, run), home: homeAt(model, s, run) };
				const removals = removalsOf(run, place, target);
				if (!removals) {
					return { kind: 'none' };
				}
				edits.push(...removals.edits.map((range) => ({ range, newText: '' })));
				const gone = model.lineage(s).some((a) => deletedIn.has(a));
				if (removals.edits.length > 0) {
					deletes = true;
					deletedIn.add(s);
				}
				if (gone || !readsTarget(run, s, place, target, removals.words)) {
					continue;
				}
				readers++;
				const user = userAt(model, s, run);
				const mount: SecretMount = { id, target };
				let owner: Partial<SecretMount> = {};
				if (!isRootUser(user)) {
					const [uid, gid] = user!.split(':');
					if (/^\d+$/.test(uid) && (gid === undefined || /^\d+$/.test(gid))) {
						owner = { uid, ...(gid ? { gid } : {}) };
					} else {
						owner = { mode: '0444' };
						const note = `The RUN runs as ${user}, whose uid the Dockerfile does not give, so the secret is mounted with mode=0444 (readable by every user of that RUN): use uid=<its uid> instead if you know it.`;
						if (!notes.includes(note)) {
							notes.push(note);
						}
					}
				}
				const insertion = mountInsertion(run, [{ ...mount, ...owner }]);
				if (insertion) {
					edits.push(insertion);
				}
			}
			if (readers === 0) {
				return { kind: 'notRead', target };
			}
			// Take the file out of the COPY: the whole instruction when it is the only source.
			let removal: Range | undefined;
			if (sources.length === 1) {
				removal = instructionRemoval(document, instruction);
			} else if (jsonStringsOf(instruction).length > 0) {
				const i = sources.findIndex((w) => document.offsetAt(w.range.start) === document.offsetAt(word.range.start));
				removal = { start: word.range.start, end: (sources[i + 1] ?? words[words.length - 1]).range.start };
			} else {
				removal = spanRemoval(
					document,
					document.offsetAt(word.range.start),
					document.offsetAt(word.range.end),
					model.escapeChar,
				);
			}
			if (!removal) {
				return { kind: 'none' };
			}
			edits.push({ range: removal, newText: '' });
			const ordered = orderEdits(document, edits);
			if (!editsAreDisjoint(document, ordered)) {
				return { kind: 'none' };
			}
			notes.unshift(`Add ${file} to .dockerignore, so that no \`COPY . …\` puts it back into the image.`);
			if (deletes) {
				notes.push(`The commands that deleted ${target} are gone: a secret mount leaves nothing behind to delete.`);
			}
			notes.push(
				`Images built before this change still hold ${file}: rotate the credentials in it if any of them was pushed.`,
			);
			return { kind: 'fix', edits: ordered, details: { secrets: [{ id, src: file }], notes } };
		};

		const check = (instruction: Instruction): void => {
			// A here-document is content written inline, not a file from the context (DH303 reads its text).
			if (flagOf(instruction, 'from') || heredocsOf(instruction).length > 0) {
				return;
			}
			const stage = model.stageOf(instruction);
			const vars = stage ? model.variablesAt(stage, instruction) : new Map<string, string | null>();
			const words = wordsOf(instruction);
			const destination = words.at(-1)?.value ?? '';
			for (const word of words.slice(0, -1)) {
				const raw = word.value;
				if (/^[a-z]+:\/\//i.test(raw)) {
					continue;
				}
				const expansion = model.expand(raw, vars);
				const what = expansion.unresolved ? undefined : secretKind(expansion.value, destination, read);
				if (!what) {
					continue;
				}
				const file = normaliseContextPath(expansion.value) || expansion.value;
				const id = file
					.split('/')
					.pop()!
					.replace(/^\./, '')
					.replace(/[^A-Za-z0-9_-]/g, '_')
					.toLowerCase();
				const data = { file, what, keyword: instruction.getKeyword(), id };
				if (SECRET_DIRS[file.split('/').pop()!]) {
					context.report({ range: word.range, messageId: 'secretDirectory', data });
					continue;
				}
				const fix = stage ? plan(instruction, stage, word, file, id) : ({ kind: 'noTarget' } as const);
				if (fix.kind === 'notRead') {
					context.report({ range: word.range, messageId: 'secretFileNotRead', data: { ...data, target: fix.target } });
				} else if (fix.kind === 'noTarget') {
					context.report({ range: word.range, messageId: 'secretFileNoTarget', data });
				} else {
					context.report({
						range: word.range,
						messageId: 'secretFile',
						data,
						...(fix.kind === 'fix' ? { fix: () => fix.edits, fixDetails: fix.details } : {}),
					});
				}
			}
		};
		return { COPY: check, ADD: check };
	},
});
