import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
	CreateFile,
	TextDocumentEdit,
	type ClientCapabilities,
	type TextEdit,
	type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { applyEdits } from '../../server/src/engine/fixer';
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
	let uri: string;
	let text: string;
	let session: LspSession;
	before(async () => {
		await loadShellParser();
		// A copy, so the .dockerignore the fix would create is looked for (and is missing) in a directory of ours.
		dir = mkdtempSync(path.join(tmpdir(), 'harden-'));
		for (const name of ['Dockerfile', 'app.py', 'requirements.txt']) {
			copyFileSync(path.join(EXAMPLE_DIR, name), path.join(dir, name));
		}
		uri = pathToFileURL(path.join(dir, 'Dockerfile')).toString();
		text = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
		session = await LspSession.start({ capabilities: ANNOTATING, settings: { languageFeatures: 'off' } });
		await session.open(uri, text);
	});
	after(async () => {
		await session.dispose();
		rmSync(dir, { recursive: true, force: true });
	});

	it('sends one edit, annotated per rule so VS Code asks, that turns the file into the plan', async () => {
		const plan = planHarden(text, { buildContext: fsContext(dir) });
		assert.ok(plan.applied.length >= 3, 'the insecure example has several fixes');
		const result = (await session.execute(ServerCommands.harden, { uri, version: 1, pin: false })) as HardenResult;
		assert.equal(result.outcome, 'applied');
		assert.equal(session.appliedEdits.length, 1);
		const { edit, label } = session.appliedEdits[0]!;
		assert.equal(label, 'Harden Dockerfile');
		const edits = textEditsFor(edit, uri);
		assert.equal(applyEdits(text, edits), plan.output);
		// Every edit names its rule; every rule has an annotation that needs confirmation.
		const annotations = edit.changeAnnotations ?? {};
		for (const e of edits) {
			assert.ok('annotationId' in e && typeof e.annotationId === 'string', JSON.stringify(e));
			assert.equal(annotations[e.annotationId]?.needsConfirmation, true);
			assert.match(annotations[e.annotationId]!.label, new RegExp(`^${e.annotationId} `));
		}
		assert.deepEqual(
			[...new Set(edits.map((e) => ('annotationId' in e ? String(e.annotationId) : '')))].sort(),
			[...result.rules].filter((r) => r !== 'DH305').sort(),
		);
		assert.deepEqual(result.secrets, plan.secrets);
		assert.equal(result.remaining, plan.remaining.length);
	});

	it('creates the .dockerignore the context needs, in the same edit', () => {
		const { edit } = session.appliedEdits[0]!;
		const ignoreUri = pathToFileURL(path.join(dir, '.dockerignore')).toString();
		const create = (edit.documentChanges ?? []).find((c) => CreateFile.is(c));
		assert.ok(create && CreateFile.is(create));
		assert.equal(create.uri, ignoreUri);
		assert.equal(create.annotationId, 'DH305');
		const content = applyEdits('', textEditsFor(edit, ignoreUri));
		assert.match(content, /^\.git$/m);
		assert.match(content, /^\.env\*$/m);
	});

	it('returns a summary with the build command, its secrets and the run flags', async () => {
		const result = (await session.execute(ServerCommands.harden, { uri, version: 1, pin: false })) as HardenResult;
		assert.match(result.summary, /^# Harden Dockerfile/);
		assert.match(result.summary, /docker buildx build .*-t myapp \./);
		for (const secret of result.secrets) {
			assert.ok(result.summary.includes(`--secret id=${secret.id}`), secret.id);
		}
		assert.ok(result.summary.includes(RUN_COMMAND));
		// The example's token is never in the summary (only the secret's id and where it comes from).
		assert.doesNotMatch(result.summary, /dev-secret-do-not-use/);
	});

	it('extends an existing .dockerignore instead of creating one', async () => {
		writeFileSync(path.join(dir, '.dockerignore'), 'node_modules');
		const before = session.appliedEdits.length;
		const result = (await session.execute(ServerCommands.harden, { uri, version: 1, pin: false })) as HardenResult;
		assert.equal(result.outcome, 'applied');
		const { edit } = session.appliedEdits[before]!;
		assert.equal((edit.documentChanges ?? []).filter((c) => CreateFile.is(c)).length, 0);
		const ignoreUri = pathToFileURL(path.join(dir, '.dockerignore')).toString();
		const appended = applyEdits('node_modules', textEditsFor(edit, ignoreUri));
		assert.match(appended, /^node_modules\n/);
		assert.match(appended, /^\.git$/m);
		rmSync(path.join(dir, '.dockerignore'));
	});

	it('refuses a stale version and says why nothing happened to a clean file', async () => {
		const before = session.appliedEdits.length;
		const stale = (await session.execute(ServerCommands.harden, { uri, version: 7 })) as HardenResult;
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
