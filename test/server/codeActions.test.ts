import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
	CodeAction,
	Command,
	TextDocumentEdit,
	type Diagnostic,
	type TextEdit,
	type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { suppressionEdit } from '../../server/src/features/codeActions';
import { applyEdits, fixAll } from '../../server/src/engine/fixer';
import { lint } from '../../server/src/engine/lint';
import { fsContext } from '../../server/src/node/fsContext';
import { loadShellParser } from '../../server/src/node/shellParser';
import { docsUrl, FIX_ALL_KIND, ServerCommands } from '../../server/src/protocol';
import { LspSession, MINIMAL_CAPABILITIES, REPO_ROOT, repoUri } from '../harness/lsp';

const EXAMPLE = 'examples/insecure-python/Dockerfile';
const EXAMPLE_URI = repoUri(EXAMPLE);
const EXAMPLE_TEXT = readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8');
const EXAMPLE_CONTEXT = fsContext(path.dirname(path.join(REPO_ROOT, EXAMPLE)));

/** The edits of a single-document workspace edit (versioned `documentChanges` or `changes`). */
function editsOf(edit: WorkspaceEdit | undefined, uri: string, version?: number): TextEdit[] {
	assert.ok(edit, 'the action has an edit');
	if (edit.documentChanges) {
		assert.equal(edit.documentChanges.length, 1);
		const change = edit.documentChanges[0];
		assert.ok(TextDocumentEdit.is(change));
		assert.equal(change.textDocument.uri, uri);
		if (version !== undefined) {
			assert.equal(change.textDocument.version, version);
		}
		return change.edits.filter((e): e is TextEdit => 'newText' in e);
	}
	return edit.changes?.[uri] ?? [];
}

function actions(result: (CodeAction | Command)[]): CodeAction[] {
	return result.map((r) => {
		assert.ok(CodeAction.is(r), `${JSON.stringify(r)} is a code action`);
		return r;
	});
}

void describe('code actions', () => {
	let session: LspSession;
	before(async () => {
		await loadShellParser();
		session = await LspSession.start({ settings: { languageFeatures: 'off' } });
	});
	after(() => session.dispose());

	/** Opens `text` and returns our diagnostic `code` and the actions for it. */
	async function actionsFor(uri: string, text: string, code: string): Promise<{ d: Diagnostic; list: CodeAction[] }> {
		const published = await session.open(uri, text);
		const d = published.diagnostics.find((x) => x.code === code);
		assert.ok(d, `${code} is published`);
		const list = actions(await session.codeActions(uri, d.range, { diagnostics: [d] }));
		return { d, list };
	}

	it('DH402: a preferred quick fix from the diagnostic data, then ignore and docs actions', async () => {
		const { d, list } = await actionsFor(EXAMPLE_URI, EXAMPLE_TEXT, 'DH402');
		assert.deepEqual(
			list.map((a) => [a.title, a.kind, a.isPreferred]),
			[
				['Add --no-cache-dir to pip install', 'quickfix', true],
				['Ignore DH402 for this instruction', 'quickfix', undefined],
				['Ignore DH402 in this file', 'quickfix', undefined],
				['Show documentation for DH402', 'quickfix', undefined],
			],
		);
		const [fix, , , docs] = list;
		assert.deepEqual(fix.diagnostics, [d]);
		const data = d.data as { fix: { edits: TextEdit[] } };
		const edits = editsOf(fix.edit, EXAMPLE_URI, 1);
		assert.deepEqual(edits, data.fix.edits);
		// Applied, the fix removes the finding and nothing else changes in the findings but that one.
		const fixed = applyEdits(EXAMPLE_TEXT, edits);
		const before = lint(EXAMPLE_TEXT, { buildContext: EXAMPLE_CONTEXT }).diagnostics.map((x) => x.code);
		const afterFix = lint(fixed, { buildContext: EXAMPLE_CONTEXT }).diagnostics.map((x) => x.code);
		assert.ok(!afterFix.includes('DH402'));
		assert.deepEqual(
			afterFix,
			before.filter((c) => c !== 'DH402'),
		);
		assert.deepEqual(
			docs.command,
			Command.create('Show documentation for DH402', ServerCommands.showDocs, { ruleId: 'DH402' }),
		);
		await session.close(EXAMPLE_URI);
	});

	it('the fix re-linted through the server: the new version has no DH402', async () => {
		const { list } = await actionsFor(EXAMPLE_URI, EXAMPLE_TEXT, 'DH402');
		const fixed = applyEdits(EXAMPLE_TEXT, editsOf(list[0].edit, EXAMPLE_URI));
		const from = session.published.length;
		await session.change(EXAMPLE_URI, 2, fixed);
		const published = await session.diagnosticsOf(EXAMPLE_URI, 2, from);
		assert.ok(!published.diagnostics.some((x) => x.code === 'DH402'));
		await session.close(EXAMPLE_URI);
	});

	it('ignore for this instruction: a comment line directly above it, which suppresses the finding', async () => {
		const uri = 'untitled:ignore-lf';
		const text = 'FROM python:3.12\nWORKDIR /app\nRUN pip install -r requirements.txt\n';
		const { list } = await actionsFor(uri, text, 'DH402');
		const ignore = list.find((a) => a.title === 'Ignore DH402 for this instruction');
		const edits = editsOf(ignore?.edit, uri, 1);
		assert.deepEqual(edits, [
			{
				range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
				newText: '# dockerfile-harden ignore=DH402\n',
			},
		]);
		const ignored = applyEdits(text, edits);
		assert.equal(
			ignored,
			'FROM python:3.12\nWORKDIR /app\n# dockerfile-harden ignore=DH402\nRUN pip install -r requirements.txt\n',
		);
		assert.ok(!lint(ignored).diagnostics.some((x) => x.code === 'DH402'));
		assert.ok(
			lint(ignored).diagnostics.some((x) => x.code === 'DH401'),
			'only DH402 is ignored',
		);
	});

	it('ignore for this instruction, in a CRLF document: the comment ends with CRLF', async () => {
		const uri = 'untitled:ignore-crlf';
		const text = 'FROM python:3.12\r\nRUN pip install -r requirements.txt\r\n';
		const { list } = await actionsFor(uri, text, 'DH402');
		const ignore = list.find((a) => a.title === 'Ignore DH402 for this instruction');
		const ignored = applyEdits(text, editsOf(ignore?.edit, uri));
		assert.equal(
			ignored,
			'FROM python:3.12\r\n# dockerfile-harden ignore=DH402\r\nRUN pip install -r requirements.txt\r\n',
		);
		const file = list.find((a) => a.title === 'Ignore DH402 in this file');
		assert.equal(
			applyEdits(text, editsOf(file?.edit, uri)),
			'# dockerfile-harden global ignore=DH402\r\nFROM python:3.12\r\nRUN pip install -r requirements.txt\r\n',
		);
	});

	it('ignore in this file: after the parser directives, which stay first', async () => {
		const uri = 'untitled:ignore-directive';
		const text = '# syntax=docker/dockerfile:1\n# escape=\\\nFROM python:3.12\nRUN pip install -r requirements.txt\n';
		const { list } = await actionsFor(uri, text, 'DH402');
		const file = list.find((a) => a.title === 'Ignore DH402 in this file');
		const ignored = applyEdits(text, editsOf(file?.edit, uri));
		assert.equal(
			ignored,
			'# syntax=docker/dockerfile:1\n# escape=\\\n# dockerfile-harden global ignore=DH402\nFROM python:3.12\nRUN pip install -r requirements.txt\n',
		);
		const after = lint(ignored).diagnostics.map((x) => x.code);
		assert.ok(!after.includes('DH402'));
		assert.ok(after.includes('DH401'));
	});

	it('a finding on a parser directive gets no instruction ignore (a comment above would break the directive)', async () => {
		// DH201 reports an unpinned `# syntax=` image on the directive line (PRODUCT.md); a diagnostic is built here
		// so the test does not depend on which frontend images the rule exempts.
		const uri = 'untitled:directive-finding';
		const text = '# syntax=example.com/frontend:1\nFROM alpine\nUSER 10001\n';
		await session.open(uri, text);
		const d: Diagnostic = {
			range: { start: { line: 0, character: 9 }, end: { line: 0, character: 31 } },
			severity: 2,
			code: 'DH201',
			source: 'dockerfile-harden',
			message: 'The image "example.com/frontend:1" is pinned by tag only.',
			data: { ruleId: 'DH201', ruleName: 'pin-image-digest' },
		};
		const list = actions(await session.codeActions(uri, d.range, { diagnostics: [d] }));
		// "Pin to digest" is a command: offered from the current analysis's pin data, it resolves only when picked.
		assert.deepEqual(
			list.map((a) => a.title),
			['Pin to digest', 'Ignore DH201 in this file', 'Show documentation for DH201'],
		);
		assert.equal(list[0].command?.command, 'dockerfileHarden.server.pinImage');
		assert.equal(list[0].edit, undefined);
		assert.equal(
			applyEdits(text, editsOf(list[1].edit, uri)),
			'# syntax=example.com/frontend:1\n# dockerfile-harden global ignore=DH201\nFROM alpine\nUSER 10001\n',
		);
	});

	it('one ignore action per rule and instruction when several diagnostics are in the request', async () => {
		const uri = 'untitled:dedupe';
		const text = 'FROM python:3.12\nRUN pip install -r a.txt && pip install -r b.txt\n';
		const published = await session.open(uri, text);
		const dh402 = published.diagnostics.filter((x) => x.code === 'DH402');
		assert.equal(dh402.length, 2);
		const list = actions(
			await session.codeActions(
				uri,
				{ start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
				{ diagnostics: dh402 },
			),
		);
		assert.deepEqual(
			list.map((a) => a.title),
			[
				'Add --no-cache-dir to pip install',
				'Add --no-cache-dir to pip install',
				'Ignore DH402 for this instruction',
				'Ignore DH402 in this file',
				'Show documentation for DH402',
			],
		);
	});

	it('source.fixAll.dockerfileHarden: one edit with every safe fix, equal to fixAll', async () => {
		const uri = EXAMPLE_URI;
		await session.open(uri, EXAMPLE_TEXT);
		const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
		const expected = fixAll(EXAMPLE_TEXT, { safeties: ['safe'], buildContext: EXAMPLE_CONTEXT }).output;
		assert.notEqual(expected, EXAMPLE_TEXT);
		for (const only of [[FIX_ALL_KIND], ['source.fixAll'], ['source']]) {
			const list = actions(await session.codeActions(uri, range, { diagnostics: [], only }));
			assert.deepEqual(
				list.map((a) => [a.title, a.kind]),
				[['Fix all safe Dockerfile Harden issues', FIX_ALL_KIND]],
				`only ${only.join()}`,
			);
			assert.equal(applyEdits(EXAMPLE_TEXT, editsOf(list[0].edit, uri, 1)), expected);
		}
		assert.deepEqual(await session.codeActions(uri, range, { diagnostics: [] }), [], 'not offered unasked');
		assert.deepEqual(await session.codeActions(uri, range, { diagnostics: [], only: ['quickfix'] }), []);
		await session.close(uri);
	});

	it('fix-all offers nothing when there is nothing safe to fix', async () => {
		const uri = 'untitled:nothing-to-fix';
		await session.open(uri, 'FROM alpine:3.20\nUSER 10001\n');
		const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
		assert.deepEqual(await session.codeActions(uri, range, { diagnostics: [], only: [FIX_ALL_KIND] }), []);
	});

	it('show documentation opens the rule page in the browser (window/showDocument, external)', async () => {
		assert.equal(await session.execute(ServerCommands.showDocs, { ruleId: 'DH402' }), true);
		assert.deepEqual(session.shownDocuments.at(-1), {
			uri: docsUrl('DH402', 'pip-no-cache-dir'),
			external: true,
		});
		const shown = session.shownDocuments.length;
		assert.equal(await session.execute(ServerCommands.showDocs, { ruleId: 'https://evil.example/' }), false);
		assert.equal(session.shownDocuments.length, shown, 'only our docs pages are opened');
	});
});

void describe('code actions for a client without code action literals', () => {
	let session: LspSession;
	before(async () => {
		session = await LspSession.start({ capabilities: MINIMAL_CAPABILITIES });
	});
	after(() => session.dispose());

	it('returns commands, and the commands edit through workspace/applyEdit', async () => {
		assert.equal(session.initializeResult.capabilities.codeActionProvider, true);
		const uri = 'untitled:commands';
		const text = 'FROM python:3.12\nRUN pip install -r requirements.txt\n';
		const published = await session.open(uri, text);
		const d = published.diagnostics.find((x) => x.code === 'DH402');
		assert.ok(d);
		const result = await session.codeActions(uri, d.range, { diagnostics: [d] });
		assert.ok(result.every((r) => Command.is(r)));
		const commands = result as Command[];
		assert.deepEqual(
			commands.map((c) => c.command),
			[ServerCommands.applyFix, ServerCommands.addSuppression, ServerCommands.addSuppression, ServerCommands.showDocs],
		);
		assert.equal(await session.execute(commands[0].command, ...(commands[0].arguments ?? [])), true);
		const fixEdit = session.appliedEdits.at(-1)?.edit;
		assert.equal(applyEdits(text, editsOf(fixEdit, uri)), text.replace('pip install', 'pip install --no-cache-dir'));
		assert.equal(await session.execute(commands[1].command, ...(commands[1].arguments ?? [])), true);
		const ignoreEdit = session.appliedEdits.at(-1)?.edit;
		assert.equal(
			applyEdits(text, editsOf(ignoreEdit, uri)),
			'FROM python:3.12\n# dockerfile-harden ignore=DH402\nRUN pip install -r requirements.txt\n',
		);
		// Without window/showDocument the URL is shown as a message.
		assert.equal(await session.execute(commands[3].command, ...(commands[3].arguments ?? [])), true);
		assert.match(
			session.messages.at(-1)?.message ?? '',
			/DH402 pip-no-cache-dir: https:\/\/.*DH402-pip-no-cache-dir\.md/,
		);
	});

	it('refuses a command made for an older version of the document', async () => {
		const uri = 'untitled:commands-stale';
		const text = 'FROM python:3.12\nRUN pip install -r requirements.txt\n';
		await session.open(uri, text);
		const edits = session.appliedEdits.length;
		const from = session.published.length;
		await session.change(uri, 2, `${text}\n`);
		await session.diagnosticsOf(uri, 2, from);
		const stale = { uri, version: 1, ruleId: 'DH402', line: 1, scope: 'instruction' };
		assert.equal(await session.execute(ServerCommands.addSuppression, stale), false);
		assert.equal(session.appliedEdits.length, edits);
	});
});

void describe('suppressionEdit', () => {
	const apply = (text: string, ruleId: string, line: number, scope: 'instruction' | 'file'): string | undefined => {
		const edit = suppressionEdit(text, ruleId, line, scope);
		return edit && applyEdits(text, [edit]);
	};

	it('keeps the instruction indentation', () => {
		assert.equal(
			apply('FROM alpine\n\t  RUN pip install x\n', 'DH402', 1, 'instruction'),
			'FROM alpine\n\t  # dockerfile-harden ignore=DH402\n\t  RUN pip install x\n',
		);
	});

	it('extends an ignore comment that is already above the instruction, keeping its reason', () => {
		assert.equal(
			apply(
				'FROM alpine\n# dockerfile-harden ignore=DH401  # hashes come later\nRUN pip install x\n',
				'DH402',
				2,
				'instruction',
			),
			'FROM alpine\n# dockerfile-harden ignore=DH401,DH402  # hashes come later\nRUN pip install x\n',
		);
	});

	it('reads the comment above as the engine does: any case and spacing', () => {
		assert.equal(
			apply(
				'FROM alpine\n  #Dockerfile-Harden  IGNORE = dh401 , pip-no-cache\nRUN pip install x\n',
				'DH402',
				2,
				'instruction',
			),
			'FROM alpine\n  #Dockerfile-Harden  IGNORE = dh401 , pip-no-cache,DH402\nRUN pip install x\n',
		);
		assert.equal(
			apply('# DOCKERFILE-HARDEN global ignore=DH501\nFROM alpine\n', 'DH201', 1, 'file'),
			'# DOCKERFILE-HARDEN global ignore=DH501,DH201\nFROM alpine\n',
		);
	});

	it('puts the comment above the first line of a multi-line instruction', () => {
		assert.equal(
			apply('FROM alpine\nRUN apk add curl \\\n  && pip install x\n', 'DH402', 2, 'instruction'),
			'FROM alpine\n# dockerfile-harden ignore=DH402\nRUN apk add curl \\\n  && pip install x\n',
		);
	});

	it('does not take a hadolint or global comment above for ours', () => {
		assert.equal(
			apply('FROM alpine\n# hadolint ignore=DL3042\nRUN pip install x\n', 'DH402', 2, 'instruction'),
			'FROM alpine\n# hadolint ignore=DL3042\n# dockerfile-harden ignore=DH402\nRUN pip install x\n',
		);
	});

	it('extends the first global ignore line', () => {
		assert.equal(
			apply('# syntax=docker/dockerfile:1\n# dockerfile-harden global ignore=DH201\nFROM alpine\n', 'DH101', 2, 'file'),
			'# syntax=docker/dockerfile:1\n# dockerfile-harden global ignore=DH201,DH101\nFROM alpine\n',
		);
	});

	it('puts the global ignore first without directives, and after a BOM', () => {
		assert.equal(apply('FROM alpine\n', 'DH101', 0, 'file'), '# dockerfile-harden global ignore=DH101\nFROM alpine\n');
		assert.equal(
			apply('\uFEFFFROM alpine\n', 'DH101', 0, 'file'),
			'\uFEFF# dockerfile-harden global ignore=DH101\nFROM alpine\n',
		);
	});

	it('a comment that only looks like a directive ends the directives', () => {
		assert.equal(
			apply('# syntax=docker/dockerfile:1\n# maintainer=me\nFROM alpine\n', 'DH101', 2, 'file'),
			'# syntax=docker/dockerfile:1\n# dockerfile-harden global ignore=DH101\n# maintainer=me\nFROM alpine\n',
		);
	});

	it('a file of directives only, without a final line break', () => {
		assert.equal(
			apply('# syntax=docker/dockerfile:1', 'DH201', 0, 'file'),
			'# syntax=docker/dockerfile:1\n# dockerfile-harden global ignore=DH201',
		);
	});

	it('no instruction ignore for a line outside every instruction', () => {
		assert.equal(suppressionEdit('# syntax=docker/dockerfile:1\nFROM alpine\n', 'DH201', 0, 'instruction'), undefined);
	});
});
