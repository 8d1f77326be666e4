import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import {
	CodeAction,
	CompletionRequest,
	DocumentFormattingRequest,
	DocumentSymbolRequest,
	FoldingRangeRequest,
	HoverRequest,
	TextDocumentEdit,
	type CompletionItem,
	type CompletionList,
	type TextEdit,
} from 'vscode-languageserver-protocol';
import { applyEdits } from '../../server/src/engine/fixer';
import { LspSession, MINIMAL_CAPABILITIES } from '../harness/lsp';

const SYNTAX_ERROR = 'FROM alpine:3.20\nEXPOSE abc\nUSER 10001\n';
/** What is registered while on; hover is declared statically (it also carries the stale-pin check). */
const FEATURE_METHODS = [
	'textDocument/completion',
	'textDocument/formatting',
	'textDocument/rangeFormatting',
	'textDocument/documentSymbol',
	'textDocument/foldingRange',
];

function items(result: CompletionItem[] | CompletionList | null): CompletionItem[] {
	return Array.isArray(result) ? result : (result?.items ?? []);
}

void describe('language features: off', () => {
	let session: LspSession;
	before(async () => {
		session = await LspSession.start({ settings: { languageFeatures: 'off' } });
	});
	after(() => session.dispose());

	it('publishes no dockerfile-utils diagnostics and registers no feature', async () => {
		const published = await session.open('untitled:off', SYNTAX_ERROR);
		assert.deepEqual(
			published.diagnostics.map((d) => d.source),
			published.diagnostics.map(() => 'dockerfile-harden'),
		);
		await session.settle();
		assert.deepEqual(
			session.registrations.map((r) => r.method),
			['workspace/didChangeConfiguration'],
		);
	});
});

void describe('language features: on, and switched at run time', () => {
	let session: LspSession;
	before(async () => {
		session = await LspSession.start({ settings: { languageFeatures: 'on' } });
	});
	after(() => session.dispose());

	it('merges the syntax diagnostics of dockerfile-utils, keeping our codes strings', async () => {
		const published = await session.open('untitled:on', SYNTAX_ERROR);
		const syntax = published.diagnostics.filter((d) => d.source === 'dockerfile-utils');
		assert.deepEqual(
			syntax.map((d) => [d.message, d.range.start.line, d.code]),
			[['Invalid containerPort: abc', 1, 24]],
		);
		const ours = published.diagnostics.filter((d) => d.source === 'dockerfile-harden');
		assert.ok(ours.length > 0);
		assert.ok(ours.every((d) => typeof d.code === 'string' && /^DH\d{3}$/.test(d.code)));
	});

	it('registers completion, formatting, symbols and folding for Dockerfiles (hover is static)', async () => {
		await session.settle();
		const features = session.registrations.filter((r) => FEATURE_METHODS.includes(r.method));
		assert.deepEqual(features.map((r) => r.method).sort(), [...FEATURE_METHODS].sort());
		for (const r of features) {
			assert.deepEqual((r.registerOptions as { documentSelector: unknown }).documentSelector, [
				{ scheme: 'file', language: 'dockerfile' },
				{ scheme: 'untitled', language: 'dockerfile' },
			]);
		}
	});

	it('answers completion, hover, formatting, symbols and folding from dockerfile-language-service', async () => {
		const uri = 'untitled:features';
		await session.open(uri, 'FROM alpine:3.20 AS build\n   RUN echo hi\n');
		const textDocument = { uri };
		const completion = items(
			await session.client.sendRequest(CompletionRequest.type, { textDocument, position: { line: 2, character: 0 } }),
		);
		assert.ok(completion.some((i) => i.label === 'HEALTHCHECK NONE'));
		const hover = await session.client.sendRequest(HoverRequest.type, {
			textDocument,
			position: { line: 0, character: 1 },
		});
		assert.match(JSON.stringify(hover?.contents), /baseImage/);
		const formatting = await session.client.sendRequest(DocumentFormattingRequest.type, {
			textDocument,
			options: { tabSize: 4, insertSpaces: true },
		});
		assert.deepEqual(formatting, [
			{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, newText: '' },
		]);
		const symbols = await session.client.sendRequest(DocumentSymbolRequest.type, { textDocument });
		assert.deepEqual(
			(symbols ?? []).map((s) => s.name),
			['FROM', 'RUN'],
		);
		const folding = await session.client.sendRequest(FoldingRangeRequest.type, { textDocument });
		assert.ok(Array.isArray(folding));
	});

	it('never asks a registry for tags while typing an image tag', async () => {
		const uri = 'untitled:tags';
		await session.open(uri, 'FROM python:3.1\n');
		const calls: string[] = [];
		const saved = { get: https.get, request: https.request };
		const refuse = (name: string) => (): never => {
			calls.push(name);
			throw new Error('no network in tests');
		};
		Reflect.set(https, 'get', refuse('get'));
		Reflect.set(https, 'request', refuse('request'));
		try {
			const result = await session.client.sendRequest(CompletionRequest.type, {
				textDocument: { uri },
				position: { line: 0, character: 15 },
			});
			assert.deepEqual(items(result), []);
		} finally {
			Reflect.set(https, 'get', saved.get);
			Reflect.set(https, 'request', saved.request);
		}
		assert.deepEqual(calls, []);
	});

	it("offers the language service's quick fix for its syntax diagnostic", async () => {
		const uri = 'untitled:lowercase';
		const text = 'from alpine:3.20\nUSER 10001\n';
		const published = await session.open(uri, text);
		const lower = published.diagnostics.find((d) => d.source === 'dockerfile-utils');
		assert.ok(lower);
		const ours = published.diagnostics.filter((d) => d.source === 'dockerfile-harden');
		const result = await session.codeActions(uri, lower.range, { diagnostics: [lower, ...ours] });
		const convert = result.find((a) => a.title === 'Convert instruction to uppercase');
		assert.ok(convert && CodeAction.is(convert));
		assert.equal(convert.kind, 'quickfix');
		assert.deepEqual(convert.diagnostics, [lower]);
		const change = convert.edit?.documentChanges?.[0];
		assert.ok(change && TextDocumentEdit.is(change));
		assert.equal(
			applyEdits(
				text,
				change.edits.filter((e): e is TextEdit => 'newText' in e),
			),
			'FROM alpine:3.20\nUSER 10001\n',
		);
		// Our diagnostics in the same request still get their actions (their string codes were not rewritten).
		assert.ok(result.some((a) => a.title === 'Ignore DH201 for this instruction'));
	});

	it("executes the language service's commands under the server prefix", async () => {
		const uri = 'untitled:lowercase';
		const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };
		const edits = session.appliedEdits.length;
		await session.execute('dockerfileHarden.server.languageService.docker.command.convertToUppercase', uri, range);
		assert.equal(session.appliedEdits.length, edits + 1);
		assert.deepEqual(session.appliedEdits.at(-1)?.edit.documentChanges?.[0], {
			textDocument: { uri, version: 1 },
			edits: [{ range, newText: 'FROM' }],
		});
	});

	it('turned off: unregisters the features and drops the syntax diagnostics', async () => {
		const from = session.published.length;
		await session.changeSettings({ languageFeatures: 'off' });
		const published = await session.diagnostics((p) => p.uri === 'untitled:on', from);
		assert.ok(published.diagnostics.every((d) => d.source === 'dockerfile-harden'));
		await session.settle();
		assert.deepEqual(session.unregistrations.map((u) => u.method).sort(), [...FEATURE_METHODS].sort());
		const completion = await session.client.sendRequest(CompletionRequest.type, {
			textDocument: { uri: 'untitled:on' },
			position: { line: 3, character: 0 },
		});
		assert.deepEqual(items(completion), [], 'a late request gets nothing');
	});

	it('turned on again: registers again and publishes the syntax diagnostics', async () => {
		const registered = session.registrations.length;
		const from = session.published.length;
		await session.changeSettings({ languageFeatures: 'on' });
		const published = await session.diagnostics((p) => p.uri === 'untitled:on', from);
		assert.ok(published.diagnostics.some((d) => d.source === 'dockerfile-utils'));
		await session.settle();
		assert.deepEqual(
			session.registrations
				.slice(registered)
				.map((r) => r.method)
				.sort(),
			[...FEATURE_METHODS].sort(),
		);
	});
});

void describe('language features: client without dynamic registration', () => {
	let session: LspSession;
	before(async () => {
		session = await LspSession.start({ capabilities: MINIMAL_CAPABILITIES });
	});
	after(() => session.dispose());

	it('declares the features statically; `auto` means on for other editors', async () => {
		const { capabilities } = session.initializeResult;
		assert.deepEqual(capabilities.completionProvider, {
			resolveProvider: true,
			triggerCharacters: ['=', ' ', '$', '-'],
		});
		assert.equal(capabilities.hoverProvider, true);
		assert.equal(capabilities.documentFormattingProvider, true);
		assert.equal(capabilities.documentRangeFormattingProvider, true);
		assert.equal(capabilities.documentSymbolProvider, true);
		assert.equal(capabilities.foldingRangeProvider, true);
		const published = await session.open('untitled:static', SYNTAX_ERROR);
		assert.ok(published.diagnostics.some((d) => d.source === 'dockerfile-utils'));
	});
});
