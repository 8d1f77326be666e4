import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeActionKind, TextDocumentSyncKind } from 'vscode-languageserver-protocol';
import { lint } from '../../server/src/engine/lint';
import { fsContext } from '../../server/src/node/fsContext';
import { loadShellParser } from '../../server/src/node/shellParser';
import {
	ClientCommands,
	DEFAULT_SETTINGS,
	FIX_ALL_KIND,
	normalizeSettings,
	ServerCommands,
} from '../../server/src/protocol';
import { LspSession, REPO_ROOT, codesAndLines, ours, repoUri } from '../harness/lsp';

const EXAMPLE = 'examples/insecure-python/Dockerfile';
const EXAMPLE_URI = repoUri(EXAMPLE);
const EXAMPLE_TEXT = readFileSync(path.join(REPO_ROOT, EXAMPLE), 'utf8');

/** What the engine finds in the example, with the example's directory as build context (as the server does). */
function expectedFor(text: string, settings = DEFAULT_SETTINGS): unknown {
	const { diagnostics } = lint(text, {
		settings,
		buildContext: fsContext(path.dirname(path.join(REPO_ROOT, EXAMPLE))),
	});
	return JSON.parse(JSON.stringify(diagnostics));
}

void describe('language server: initialize', () => {
	let session: LspSession;
	before(async () => {
		session = await LspSession.start();
	});
	after(() => session.dispose());

	it('announces incremental sync, quick fixes, fix-all and the server commands', () => {
		const { capabilities, serverInfo } = session.initializeResult;
		assert.equal(serverInfo?.name, 'dockerfile-harden');
		assert.equal(capabilities.textDocumentSync, TextDocumentSyncKind.Incremental);
		assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] });
		const commands = capabilities.executeCommandProvider?.commands ?? [];
		for (const id of Object.values(ServerCommands).filter((c) => c !== ServerCommands.languageService)) {
			assert.ok(commands.includes(id), `${id} is announced`);
		}
		assert.ok(commands.includes('dockerfileHarden.server.languageService.docker.command.convertToUppercase'));
		for (const id of commands) {
			assert.match(id, /^dockerfileHarden\.server\./);
		}
		for (const id of Object.values(ClientCommands)) {
			assert.ok(!commands.includes(id), `client command ${id} is not a server command`);
		}
	});

	it('leaves the language features to dynamic registration when the client supports it', () => {
		const { capabilities } = session.initializeResult;
		assert.equal(capabilities.completionProvider, undefined);
		assert.equal(capabilities.documentFormattingProvider, undefined);
		// Hover is always declared: it also carries the stale-pin check, which is ours and never shows twice.
		assert.equal(capabilities.hoverProvider, true);
	});

	it('registers for changes of the dockerfileHarden section', async () => {
		await session.settle();
		const registration = session.registrations.find((r) => r.method === 'workspace/didChangeConfiguration');
		assert.deepEqual(registration?.registerOptions, { section: 'dockerfileHarden' });
	});
});

void describe('language server: diagnostics', () => {
	let session: LspSession;
	before(async () => {
		await loadShellParser();
		session = await LspSession.start();
	});
	after(() => session.dispose());

	it('publishes the findings of the example on open, with the build context of its folder', async () => {
		const published = await session.open(EXAMPLE_URI, EXAMPLE_TEXT, 1);
		assert.equal(published.version, 1);
		assert.deepEqual(published.diagnostics, expectedFor(EXAMPLE_TEXT));
		// The findings the seed's insecure Dockerfile must show (more may come with new rules), on the lines they are
		// about. Lines are looked up in the text so an edit of the example moves the expectation with it.
		const lineOf = (needle: string): number => EXAMPLE_TEXT.split('\n').findIndex((l) => l.includes(needle));
		const found = codesAndLines(published.diagnostics).map(([code, line]) => `${code}@${line}`);
		for (const expected of [
			`DH101@0`,
			`DH201@0`,
			`DH301@${lineOf('ARG PYPI_TOKEN')}`,
			`DH501@${lineOf('apt-get install')}`,
			`DH401@${lineOf('pip install')}`,
			`DH402@${lineOf('pip install')}`,
			`DH302@${lineOf('pip install')}`,
		]) {
			assert.ok(found.includes(expected), `${expected} in ${found.join(', ')}`);
		}
		// DH401 read requirements.txt next to the Dockerfile: its message counts the requirements without hashes.
		const dh401 = published.diagnostics.find((d) => d.code === 'DH401');
		assert.match(String(dh401?.message), /requirements\.txt have no --hash/);
		for (const d of published.diagnostics) {
			assert.equal(d.source, 'dockerfile-harden');
			assert.equal(typeof d.code, 'string');
		}
	});

	it('publishes the diagnostics of a new version on change', async () => {
		const text = EXAMPLE_TEXT.replace('pip install', 'pip install --no-cache-dir');
		const from = session.published.length;
		await session.change(EXAMPLE_URI, 2, text);
		const published = await session.diagnosticsOf(EXAMPLE_URI, 2, from);
		assert.deepEqual(published.diagnostics, expectedFor(text));
		assert.ok(!published.diagnostics.some((d) => d.code === 'DH402'));
	});

	it('after a quick sequence of changes, ends with the last version and never goes back', async () => {
		const from = session.published.length;
		const texts = [3, 4, 5, 6, 7].map((v) => `FROM python:3.${v}\nRUN pip install -r requirements.txt\n`);
		await Promise.all(texts.map((text, i) => session.change(EXAMPLE_URI, 3 + i, text)));
		const last = await session.diagnosticsOf(EXAMPLE_URI, 7, from);
		await session.settle();
		const versions = session.published
			.slice(from)
			.filter((p) => p.uri === EXAMPLE_URI)
			.map((p) => p.version ?? -1);
		assert.equal(versions[versions.length - 1], 7);
		assert.deepEqual(
			versions,
			[...versions].sort((a, b) => a - b),
			'versions only go up',
		);
		assert.deepEqual(last.diagnostics, expectedFor(texts[4]));
	});

	it('drops the result of a version that was superseded while it waited for settings', async () => {
		const uri = 'untitled:Untitled-stale';
		const release = session.holdConfiguration();
		const from = session.published.length;
		await session.client.sendNotification('textDocument/didOpen', {
			textDocument: { uri, languageId: 'dockerfile', version: 1, text: 'FROM alpine\n' },
		});
		await session.change(uri, 2, 'FROM alpine:3.20\nUSER 10001\n');
		release();
		const published = await session.diagnosticsOf(uri, 2, from);
		await session.settle();
		assert.deepEqual(
			session.published
				.slice(from)
				.filter((p) => p.uri === uri)
				.map((p) => p.version),
			[2],
			'version 1 was never published',
		);
		assert.deepEqual(codesAndLines(published.diagnostics), [['DH201', 0]]);
	});

	it('analyses untitled documents without a build context', async () => {
		const uri = 'untitled:Untitled-1';
		const text = 'FROM python:3.12\nRUN pip install -r requirements.txt\n';
		const published = await session.open(uri, text);
		assert.deepEqual(published.diagnostics, JSON.parse(JSON.stringify(lint(text).diagnostics)));
		const dh401 = published.diagnostics.find((d) => d.code === 'DH401');
		assert.ok(dh401);
		assert.doesNotMatch(String(dh401.message), /have no --hash/);
	});

	it('clears the diagnostics of a closed document', async () => {
		const uri = 'untitled:Untitled-close';
		await session.open(uri, 'FROM alpine\n');
		const from = session.published.length;
		await session.close(uri);
		const cleared = await session.diagnostics((p) => p.uri === uri, from);
		assert.deepEqual(cleared.diagnostics, []);
	});
});

void describe('language server: settings', () => {
	let session: LspSession;
	before(async () => {
		session = await LspSession.start({ settings: { languageFeatures: 'off' } });
	});
	after(() => session.dispose());

	it('pulls the settings per document with its URI as scope', async () => {
		await session.open(EXAMPLE_URI, EXAMPLE_TEXT);
		const items = session.configurationRequests.flatMap((r) => r.items);
		assert.ok(items.some((i) => i.scopeUri === EXAMPLE_URI && i.section === 'dockerfileHarden'));
	});

	it('a settings change (DH402 off) re-publishes without those findings', async () => {
		const from = session.published.length;
		await session.changeSettings({ languageFeatures: 'off', rules: { DH402: 'off' } });
		const published = await session.diagnostics(
			(p) => p.uri === EXAMPLE_URI && !p.diagnostics.some((d) => d.code === 'DH402'),
			from,
		);
		assert.equal(published.version, 1);
		assert.deepEqual(published.diagnostics, expectedFor(EXAMPLE_TEXT, normalizeSettings({ rules: { DH402: 'off' } })));
	});

	it('rule severities from the settings reach the diagnostics', async () => {
		const from = session.published.length;
		await session.changeSettings({ rules: { 'no-root-user': 'hint' }, languageFeatures: 'off' });
		const published = await session.diagnostics(
			(p) => p.uri === EXAMPLE_URI && p.diagnostics.some((d) => d.code === 'DH101' && d.severity === 4),
			from,
		);
		assert.ok(
			published.diagnostics.some((d) => d.code === 'DH402'),
			'DH402 is back on',
		);
	});

	it('enable: false publishes nothing for the document', async () => {
		const from = session.published.length;
		await session.changeSettings({ enable: false });
		const published = await session.diagnostics((p) => p.uri === EXAMPLE_URI, from);
		assert.deepEqual(published.diagnostics, []);
	});

	it('settings of the wrong type do not crash the server: defaults apply', async () => {
		for (const wrong of [
			'yes',
			42,
			null,
			[],
			{ enable: 'no', rules: ['DH402'], secrets: 7, registry: { timeoutMs: 'soon' }, languageFeatures: true },
			{ rules: { DH402: 17, DH101: 'loud' }, trustedRegistries: 'docker.io' },
		]) {
			const from = session.published.length;
			await session.changeSettings(wrong);
			const published = await session.diagnostics((p) => p.uri === EXAMPLE_URI, from);
			assert.deepEqual(
				ours(published.diagnostics),
				expectedFor(EXAMPLE_TEXT),
				`settings ${JSON.stringify(wrong)} give the defaults`,
			);
		}
		assert.equal(session.logs.filter((l) => l.type === 1).length, 0, 'nothing was logged as an error');
	});

	it('says once which secret pattern is not a regular expression, and keeps the valid ones', async () => {
		const settings = { languageFeatures: 'off', secrets: { denyPatterns: ['(unclosed', '^FLASK_'] } };
		for (let round = 0; round < 2; round++) {
			const from = session.published.length;
			await session.changeSettings(settings);
			await session.diagnostics((p) => p.uri === EXAMPLE_URI, from);
		}
		const warnings = session.messages.filter((m) => m.message.includes('(unclosed'));
		assert.equal(warnings.length, 1);
		assert.match(
			warnings[0]!.message,
			/^dockerfileHarden\.secrets\.denyPatterns: "\(unclosed" is not a valid regular expression .*; it is ignored\.$/,
		);
		assert.equal(warnings[0]!.type, 2);
		assert.ok(!session.messages.some((m) => m.message.includes('^FLASK_')));
	});
});

void describe('language server: client without configuration support', () => {
	let session: LspSession;
	before(async () => {
		session = await LspSession.start({ capabilities: {} });
	});
	after(() => session.dispose());

	it('uses the settings pushed with didChangeConfiguration for every document', async () => {
		const uri = 'untitled:Untitled-push';
		const text = 'FROM python:3.12\nRUN pip install flask==3.0.3\n';
		const first = await session.open(uri, text);
		assert.ok(first.diagnostics.some((d) => d.code === 'DH402'));
		assert.equal(first.version, 1);
		const from = session.published.length;
		await session.client.sendNotification('workspace/didChangeConfiguration', {
			settings: { dockerfileHarden: { rules: { DH402: 'off' } } },
		});
		const second = await session.diagnostics((p) => p.uri === uri, from);
		assert.ok(!second.diagnostics.some((d) => d.code === 'DH402'));
		assert.equal(session.configurationRequests.length, 0, 'the server never asked');
	});
});
