import type { Instruction } from 'dockerfile-ast';
import type { FixDetails, FixEdit } from '../protocol';
import { mountTarget, runMounts } from '../engine/commands';
import type { FileModel } from '../engine/model';
import {
	editsAreDisjoint,
	indexMoves,
	mountInsertion,
	orderEdits,
	syntaxForSecretEnv,
	type IndexMove,
} from '../engine/secretMounts';
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
		fix: { safety: 'review', title: 'Move the index URL into a secret' },
		equivalents: {},
	},
	create(context) {
		const { document, dockerfile, model } = context;
		const eol = context.text.includes('\r\n') ? '\r\n' : '\n';

		/** The fix that moves a RUN's index URLs of one kind into a secret the build passes as an environment variable. */
		const moveFix = (run: Instruction, move: IndexMove): { edits: FixEdit[]; details: FixDetails } | undefined => {
			const mount = mountInsertion(run, [{ id: move.id, env: move.env }]);
			if (!move.removals || !mount) {
				return undefined;
			}
			const edits: FixEdit[] = [mount, ...move.removals.map((range) => ({ range, newText: '' }))];
			const notes: string[] = [];
			const syntax = syntaxForSecretEnv(document, dockerfile, eol);
			if (syntax.edit) {
				edits.push(syntax.edit);
			}
			const hosts = move.hosts.join(' and ');
			notes.push(
				move.options.length > 1
					? `Export ${move.env} on the build machine with the ${move.options.length} index URLs for ${hosts}, credentials included, separated by spaces.`
					: `Export ${move.env} on the build machine with the full index URL for ${hosts}, credentials included.`,
			);
			if (syntax.note) {
				notes.push(syntax.note);
			}
			if (move.reachesOthers) {
				notes.push(
					`The other ${move.tool} commands of this RUN now use that ${move.kind === 'index' ? 'index' : 'extra index'} too.`,
				);
			}
			if (move.kind === 'extra' && move.tool === 'pip') {
				notes.push(
					'pip still takes a package from PyPI when PyPI has a newer version than the extra index (dependency confusion, DH404): prefer one index that serves both.',
				);
			}
			notes.push(
				move.literal
					? 'The password was written in the Dockerfile and is in its history: rotate it.'
					: 'Images built before this change still hold the credentials in their history: rotate them if any of them was pushed.',
			);
			const ordered = orderEdits(document, edits);
			return editsAreDisjoint(document, ordered)
				? { edits: ordered, details: { secrets: [{ id: move.id, env: move.env }], notes } }
				: undefined;
		};

		return {
			'file:exit'() {
				for (const instruction of dockerfile.getInstructions()) {
					if (SKIPPED.has(instruction.getKeyword())) {
						continue;
					}
					const range = instruction.getRange();
					const base = document.offsetAt(range.start);
					const fromSecrets = secretVariables(model, instruction);
					const credentials = findUrlCredentials(document.getText(range));
					const moves =
						credentials.length > 0 && instruction.getKeyword() === 'RUN' ? indexMoves(model, instruction) : [];
					for (const credential of credentials) {
						if (
							!credential.literal &&
							credential.variables.length > 0 &&
							credential.variables.every((v) => fromSecrets.has(v))
						) {
							continue;
						}
						const start = base + credential.start;
						const end = base + credential.end;
						// pip's --index-url/--extra-index-url: the URL can leave the command for PIP_INDEX_URL.
						const move = moves.find((m) => m.options.some((o) => o.value.start <= start && end <= o.value.end));
						const fix = move ? moveFix(instruction, move) : undefined;
						context.report({
							range: { start: document.positionAt(start), end: document.positionAt(end) },
							messageId: credential.literal ? 'literalUrlCredentials' : 'urlCredentials',
							data: { host: credential.host },
							...(fix ? { fix: () => fix.edits, fixDetails: fix.details } : {}),
						});
					}
				}
			},
		};
	},
});
