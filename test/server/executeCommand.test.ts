import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocumentEdit, type TextEdit } from 'vscode-languageserver-protocol';
import { applyEdits, fixAll } from '../../server/src/engine/fixer';
import { fsContext } from '../../server/src/node/fsContext';
import { loadShellParser } from '../../server/src/node/shellParser';
import { docsUrl, ServerCommands, type ApplyAllFixesResult } from '../../server/src/protocol';
import { allRules } from '../../server/src/rules';
import { LspSession, REPO_ROOT, repoUri } from '../harness/lsp';

const EXAMPLE = 'examples/insecure-python/Dockerfile';
const EXAMPLE_URI = repoUri(EXAMPLE);
const EXAMPLE_TEXT = readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8');
const EXAMPLE_CONTEXT = fsContext(path.dirname(path.join(REPO_ROOT, EXAMPLE)));

void describe('server commands', () => {
	let session: LspSession;
	before(async () => {
		await loadShellParser();
		session = await LspSession.start({ settings: { languageFeatures: 'off' } });
	});
	after(() => session.dispose());

	/** The text after the last workspace/applyEdit, which must be one versioned edit of `uri`. */
	function lastEditApplied(text: string, uri: string, version: number): string {
		const params = session.appliedEdits.at(-1);
		const change = params?.edit.documentChanges?.[0];
		assert.ok(change && TextDocumentEdit.is(change));
		assert.deepEqual(change.textDocument, { uri, version });
		return applyEdits(
			text,
			change.edits.filter((e): e is TextEdit => 'newText' in e),
		);
	}

	it('applyAllFixes sends workspace/applyEdit with the text fixAll gives, and a summary', async () => {
		await session.open(EXAMPLE_URI, EXAMPLE_TEXT);
		const expected = fixAll(EXAMPLE_TEXT, { safeties: ['safe'], buildContext: EXAMPLE_CONTEXT });
		assert.ok(expected.applied.length > 0);
		const result = await session.execute(ServerCommands.applyAllFixes, { uri: EXAMPLE_URI, version: 1 });
		assert.equal(session.appliedEdits.length, 1);
		assert.equal(lastEditApplied(EXAMPLE_TEXT, EXAMPLE_URI, 1), expected.output);
		assert.deepEqual(result, {
			outcome: 'applied',
			applied: expected.applied.length,
			remaining: expected.remaining.length,
			titles: expected.applied.map((a) => `${a.ruleId}: ${a.title}`),
		} satisfies ApplyAllFixesResult);
	});

	it('includeReview applies review fixes too (never network ones)', async () => {
		const expected = fixAll(EXAMPLE_TEXT, { safeties: ['safe', 'review'], buildContext: EXAMPLE_CONTEXT });
		const result = (await session.execute(ServerCommands.applyAllFixes, {
			uri: EXAMPLE_URI,
			version: 1,
			includeReview: true,
		})) as ApplyAllFixesResult;
		assert.equal(result.outcome, 'applied');
		assert.equal(result.applied, expected.applied.length);
		assert.equal(lastEditApplied(EXAMPLE_TEXT, EXAMPLE_URI, 1), expected.output);
	});

	it('refuses a stale version and an unknown document without editing', async () => {
		const edits = session.appliedEdits.length;
		assert.deepEqual(await session.execute(ServerCommands.applyAllFixes, { uri: EXAMPLE_URI, version: 99 }), {
			outcome: 'stale',
			applied: 0,
			remaining: 0,
			titles: [],
		});
		assert.deepEqual(await session.execute(ServerCommands.applyAllFixes, { uri: 'untitled:nope' }), {
			outcome: 'unknownDocument',
			applied: 0,
			remaining: 0,
			titles: [],
		});
		assert.deepEqual(await session.execute(ServerCommands.applyAllFixes, 'not an object'), {
			outcome: 'unknownDocument',
			applied: 0,
			remaining: 0,
			titles: [],
		});
		assert.equal(session.appliedEdits.length, edits);
	});

	it('says when there is nothing to fix, and when the client rejects the edit', async () => {
		const uri = 'untitled:clean';
		await session.open(uri, 'FROM alpine:3.20\nUSER 10001\n');
		const nothing = (await session.execute(ServerCommands.applyAllFixes, { uri, version: 1 })) as ApplyAllFixesResult;
		assert.equal(nothing.outcome, 'nothing');
		assert.equal(nothing.applied, 0);
		session.applyEditResult = { applied: false, failureReason: 'test says no' };
		try {
			const rejected = (await session.execute(ServerCommands.applyAllFixes, {
				uri: EXAMPLE_URI,
				version: 1,
			})) as ApplyAllFixesResult;
			assert.equal(rejected.outcome, 'rejected');
			assert.equal(rejected.applied, 0);
		} finally {
			session.applyEditResult = { applied: true };
		}
		assert.ok(
			session.logs.some((l) => l.message.includes('test says no')),
			'the refusal is logged',
		);
	});

	it('fixing twice changes nothing the second time', async () => {
		const uri = 'untitled:twice';
		const text = 'FROM python:3.12\r\nRUN pip install -r requirements.txt \\\r\n  && pip install flask\r\n';
		await session.open(uri, text);
		await session.execute(ServerCommands.applyAllFixes, { uri, version: 1 });
		const once = lastEditApplied(text, uri, 1);
		assert.ok(!once.replace(/\r\n/g, '').includes('\n'), 'CRLF line endings survive');
		const from = session.published.length;
		await session.change(uri, 2, once);
		await session.diagnosticsOf(uri, 2, from);
		const edits = session.appliedEdits.length;
		const again = (await session.execute(ServerCommands.applyAllFixes, { uri, version: 2 })) as ApplyAllFixesResult;
		assert.equal(again.outcome, 'nothing');
		assert.equal(session.appliedEdits.length, edits);
	});

	it('listRules returns the catalogue with docs links', async () => {
		assert.deepEqual(
			await session.execute(ServerCommands.listRules),
			allRules.map((r) => ({
				id: r.meta.id,
				name: r.meta.name,
				summary: r.meta.docs.summary,
				url: docsUrl(r.meta.id, r.meta.name),
			})),
		);
	});

	it('an unknown command answers null and is logged', async () => {
		assert.equal(await session.execute('dockerfileHarden.server.nope'), null);
		assert.ok(session.logs.some((l) => l.message.includes('Unknown command dockerfileHarden.server.nope')));
	});
});
