import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
	CreateFile,
	TextDocumentEdit,
	type ClientCapabilities,
	type TextEdit,
	type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { applyEdits, fixAll } from '../../server/src/engine/fixer';
import { findRule } from '../../server/src/rules';
import { planHarden, RUN_COMMAND } from '../../server/src/engine/harden';
import { fsContext } from '../../server/src/node/fsContext';
import { loadShellParser } from '../../server/src/node/shellParser';
import { ServerCommands, type HardenResult } from '../../server/src/protocol';
import { LspSession, REPO_ROOT, VSCODE_CAPABILITIES } from '../harness/lsp';

const EXAMPLE_DIR = path.join(REPO_ROOT, 'examples/insecure-python');

/** VS Code's workspace-edit capabilities: annotations (shown as a refactor preview) and file creation. */
const ANNOTATING: ClientCapabilities = {
	...VSCODE_CAPABILITIES,
	workspace: {
		...VSCODE_CAPABILITIES.workspace,
		workspaceEdit: {
			documentChanges: true,
			resourceOperations: ['create', 'rename', 'delete'],
			changeAnnotationSupport: { groupsOnLabel: true },
		},
	},
};

/** The text edits of `edit` for `uri`, in the order they come. */
function textEditsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
	return (edit.documentChanges ?? [])
		.filter((c): c is TextDocumentEdit => TextDocumentEdit.is(c) && c.textDocument.uri === uri)
		.flatMap((c) => c.edits.filter((e): e is TextEdit => 'newText' in e));
}

void describe('Harden Dockerfile (server command)', () => {
	let dir: string;
	let session: LspSession;
	/** The Dockerfile as the test's editor holds it. */
	let uri: string;
	let text: string;
	let version: number;
	/** Whether the editor's preview has every group ticked (VS Code ticks only those that need no confirmation). */
	let tickEverything = false;

	/** A fresh copy of the example, open in the editor. */
	async function openCopy(name: string): Promise<string> {
		uri = pathToFileURL(path.join(dir, name)).toString();
		text = readFileSync(path.join(EXAMPLE_DIR, 'Dockerfile'), 'utf8');
		version = 1;
		await session.open(uri, text, version);
		return text;
	}

	before(async () => {
		await loadShellParser();
		// A copy, so the .dockerignore the fix would create is looked for (and is missing) in a directory of ours.
		dir = mkdtempSync(path.join(tmpdir(), 'harden-'));
		for (const name of ['app.py', 'requirements.txt']) {
			copyFileSync(path.join(EXAMPLE_DIR, name), path.join(dir, name));
		}
		session = await LspSession.start({ capabilities: ANNOTATING, settings: { languageFeatures: 'off' } });
		// Plays VS Code: applies the ticked changes, tells the server (didChange), then answers.
		session.applyEditHandler = async ({ edit }) => {
			const ticked = (e: TextEdit): boolean =>
				tickEverything ||
				!('annotationId' in e) ||
				edit.changeAnnotations?.[String(e.annotationId)]?.needsConfirmation !== true;
			const edits = textEditsFor(edit, uri).filter(ticked);
			if (edits.length > 0) {
				text = applyEdits(text, edits);
				version += 1;
				await session.change(uri, version, text);
			}
			// Files: created (when ticked) and written, as VS Code does.
			for (const change of edit.documentChanges ?? []) {
				if (TextDocumentEdit.is(change) && change.textDocument.uri !== uri) {
					const file = fileURLToPath(change.textDocument.uri);
					const creates = (edit.documentChanges ?? []).some(
						(c) => CreateFile.is(c) && c.uri === change.textDocument.uri,
					);
					const fileEdits = change.edits.filter((e): e is TextEdit => 'newText' in e).filter(ticked);
					if (fileEdits.length > 0 && (existsSync(file) || creates)) {
						writeFileSync(file, applyEdits(existsSync(file) ? readFileSync(file, 'utf8') : '', fileEdits));
					}
				}
			}
			return { applied: true };
		};
	});
	after(async () => {
		await session.dispose();
		rmSync(dir, { recursive: true, force: true });
	});

	it('sends one edit, annotated per rule, that gives the plan: safe groups ticked, review groups to tick', async () => {
		const original = await openCopy('Dockerfile');
		const plan = planHarden(original, { buildContext: fsContext(dir, 'Dockerfile') });
		assert.ok(plan.applied.length >= 3, 'the insecure example has several fixes');
		tickEverything = true;
		const result = (await session.execute(ServerCommands.harden, { uri, version, pin: false })) as HardenResult;
		assert.equal(result.outcome, 'applied');
		const { edit, label } = session.appliedEdits.at(-1)!;
		assert.equal(label, 'Harden Dockerfile');
		const edits = textEditsFor(edit, uri);
		assert.equal(applyEdits(original, edits), plan.output);
		assert.equal(text, plan.output);
		// Every edit names its rule; a group needs confirmation exactly when its rule's fix changes behaviour.
		const annotations = edit.changeAnnotations ?? {};
		const labels = new Set<string>();
		for (const e of edits) {
			assert.ok('annotationId' in e && typeof e.annotationId === 'string', JSON.stringify(e));
			const annotation = annotations[e.annotationId];
			assert.ok(annotation);
			labels.add(e.annotationId);
			assert.match(annotation.label, new RegExp(`^${e.annotationId} `));
			assert.equal(
				annotation.needsConfirmation,
				findRule(e.annotationId)?.meta.fix?.safety === 'review',
				e.annotationId,
			);
		}
		assert.ok(
			[...labels].some((l) => annotations[l]!.needsConfirmation),
			'a review group makes VS Code show the preview',
		);
		assert.ok(
			[...labels].some((l) => !annotations[l]!.needsConfirmation),
			'safe groups come ticked',
		);
		// Reported: every group, and the rules whose edits were composed into another group's.
		const planned = new Set([...plan.applied.map((a) => a.ruleId)]);
		assert.ok(
			[...labels, 'DH305'].every((l) => result.rules.includes(l)),
			result.rules.join(','),
		);
		assert.ok(
			result.rules.every((r) => planned.has(r)),
			result.rules.join(','),
		);
		assert.match(readFileSync(path.join(dir, '.dockerignore'), 'utf8'), /^\.git$/m);
		rmSync(path.join(dir, '.dockerignore'));
		assert.deepEqual(result.secrets, plan.secrets);
		assert.equal(result.remaining, plan.remaining.length);
	});

	it('creates the .dockerignore the context needs in the same edit, for the user to tick', () => {
		const { edit } = session.appliedEdits.at(-1)!;
		const ignoreUri = pathToFileURL(path.join(dir, '.dockerignore')).toString();
		const create = (edit.documentChanges ?? []).find((c) => CreateFile.is(c));
		assert.ok(create && CreateFile.is(create));
		assert.equal(create.uri, ignoreUri);
		assert.equal(create.annotationId, 'DH305');
		assert.equal(edit.changeAnnotations?.DH305?.needsConfirmation, true);
		const content = applyEdits('', textEditsFor(edit, ignoreUri));
		assert.match(content, /^\.git$/m);
		assert.match(content, /^\.env\*$/m);
	});

	it('summarises what the user kept: unticked review groups are neither changed nor claimed', async () => {
		const original = await openCopy('kept.Dockerfile');
		tickEverything = false;
		const result = (await session.execute(ServerCommands.harden, { uri, version, pin: false })) as HardenResult;
		assert.equal(result.outcome, 'applied');
		const safeOnly = fixAll(original, { safeties: ['safe'], buildContext: fsContext(dir, 'kept.Dockerfile') });
		const plan = planHarden(original, { buildContext: fsContext(dir, 'kept.Dockerfile') });
		const review = plan.applied.filter((a) => findRule(a.ruleId)?.meta.fix?.safety === 'review').map((a) => a.ruleId);
		assert.ok(review.length > 0);
		assert.notEqual(text, original, 'the ticked (safe) groups were applied');
		assert.ok(result.rules.length > 0);
		assert.ok(
			result.rules.every((r) => !review.includes(r)),
			`${result.rules.join(',')} claims a review rule`,
		);
		assert.ok(
			result.rules.every((r) => safeOnly.applied.some((a) => a.ruleId === r)),
			result.rules.join(','),
		);
		assert.equal(existsSync(path.join(dir, '.dockerignore')), false, 'the unticked file was not created');
		for (const r of review) {
			assert.doesNotMatch(result.summary, new RegExp(`^- ${r}: `, 'm'));
		}
		// The review fixes left unticked are still findings.
		assert.ok(result.remaining > plan.remaining.length);
		assert.ok(result.secrets.length < plan.secrets.length || plan.secrets.length === 0);
	});

	it('returns a summary with the build command, its secrets and the run flags', async () => {
		await openCopy('summary.Dockerfile');
		tickEverything = true;
		const result = (await session.execute(ServerCommands.harden, { uri, version, pin: false })) as HardenResult;
		assert.match(result.summary, /^# Harden Dockerfile/);
		assert.match(result.summary, /docker buildx build .*-f summary\.Dockerfile -t myapp \./);
		assert.ok(result.secrets.length > 0);
		for (const secret of result.secrets) {
			assert.ok(result.summary.includes(`--secret id=${secret.id}`), secret.id);
		}
		assert.ok(result.summary.includes(RUN_COMMAND));
		// The example's secret value is never in the summary (only the secret's id and where it comes from).
		assert.doesNotMatch(result.summary, /dev-secret-do-not-use/);
	});

	it('extends an existing .dockerignore instead of creating one', async () => {
		writeFileSync(path.join(dir, '.dockerignore'), 'node_modules');
		await openCopy('extend.Dockerfile');
		const result = (await session.execute(ServerCommands.harden, { uri, version, pin: false })) as HardenResult;
		assert.equal(result.outcome, 'applied');
		const { edit } = session.appliedEdits.at(-1)!;
		assert.equal((edit.documentChanges ?? []).filter((c) => CreateFile.is(c)).length, 0);
		const ignoreUri = pathToFileURL(path.join(dir, '.dockerignore')).toString();
		const appended = applyEdits('node_modules', textEditsFor(edit, ignoreUri));
		assert.match(appended, /^node_modules\n/);
		assert.match(appended, /^\.git$/m);
		rmSync(path.join(dir, '.dockerignore'));
	});

	it('refuses a stale version, and says nothing happened to a clean file', async () => {
		await openCopy('stale.Dockerfile');
		const before = session.appliedEdits.length;
		const stale = (await session.execute(ServerCommands.harden, { uri, version: version + 7 })) as HardenResult;
		assert.equal(stale.outcome, 'stale');
		const cleanUri = pathToFileURL(path.join(dir, 'clean.Dockerfile')).toString();
		await session.open(cleanUri, 'FROM scratch\nCOPY --chown=1000 app /app\nUSER 1000\n');
		const clean = (await session.execute(ServerCommands.harden, { uri: cleanUri, version: 1 })) as HardenResult;
		assert.equal(clean.outcome, 'nothing');
		assert.equal(session.appliedEdits.length, before);
	});
});

void describe('Harden Dockerfile without annotation support', () => {
	it('sends plain versioned edits (and no file operations the client cannot do)', async () => {
		await loadShellParser();
		const session = await LspSession.start({ settings: { languageFeatures: 'off' } });
		try {
			const uri = pathToFileURL(path.join(EXAMPLE_DIR, 'Dockerfile')).toString();
			const text = readFileSync(path.join(EXAMPLE_DIR, 'Dockerfile'), 'utf8');
			await session.open(uri, text);
			session.applyEditHandler = async () => {
				await session.change(uri, 2, planHarden(text, { buildContext: fsContext(EXAMPLE_DIR) }).output);
				return { applied: true };
			};
			const result = (await session.execute(ServerCommands.harden, { uri, version: 1 })) as HardenResult;
			assert.equal(result.outcome, 'applied');
			const { edit } = session.appliedEdits[0]!;
			assert.equal(edit.changeAnnotations, undefined);
			assert.ok((edit.documentChanges ?? []).every((c) => TextDocumentEdit.is(c)));
			const edits = textEditsFor(edit, uri);
			assert.ok(edits.every((e) => !('annotationId' in e)));
			assert.equal(applyEdits(text, edits), planHarden(text, { buildContext: fsContext(EXAMPLE_DIR) }).output);
		} finally {
			await session.dispose();
		}
	});
});
