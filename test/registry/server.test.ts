/**
 * The language server's registry features through the protocol, against a real registry: the "Pin to digest" quick
 * fix (the done-when), Pin All Images to Digests with progress and a report, failures that change nothing,
 * the stale-pin hover and "Update digest", workspace trust, and no network while typing.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
	CodeAction,
	Command,
	TextDocumentEdit,
	type Diagnostic,
	type MarkupContent,
	type TextEdit,
} from 'vscode-languageserver-protocol';
import { applyEdits } from '../../server/src/engine/fixer';
import { loadShellParser } from '../../server/src/node/shellParser';
import { Notifications, ServerCommands, type HardenResult, type PinResult } from '../../server/src/protocol';
import { MANIFEST_TYPES } from '../../server/src/registry/client';
import { LspSession, VSCODE_CAPABILITIES } from '../harness/lsp';
import {
	REGISTRY_MISSING,
	basicAuth,
	cleanupAll,
	dockerConfig,
	freePort,
	pushMultiPlatform,
	pushSinglePlatform,
	startFakeServer,
	startRegistry,
	type PushedImage,
	type RunningRegistry,
} from './harness';

/** VS Code's capabilities plus server-created progress. */
const WITH_PROGRESS = { ...VSCODE_CAPABILITIES, window: { ...VSCODE_CAPABILITIES.window, workDoneProgress: true } };

function actions(list: readonly (CodeAction | Command)[]): CodeAction[] {
	return list.filter((a): a is CodeAction => CodeAction.is(a));
}

/** The text after the session's last workspace/applyEdit of `uri`. */
function afterLastEdit(session: LspSession, text: string, uri: string): string {
	const change = session.appliedEdits.at(-1)?.edit.documentChanges?.[0];
	assert.ok(change && TextDocumentEdit.is(change));
	assert.equal(change.textDocument.uri, uri);
	return applyEdits(
		text,
		change.edits.filter((e): e is TextEdit => 'newText' in e),
	);
}

function hoverText(hover: { contents: unknown } | null): string {
	return hover ? (hover.contents as MarkupContent).value : '';
}

if (REGISTRY_MISSING) {
	process.stdout.write(`# registry server tests skipped: ${REGISTRY_MISSING}\n`);
}

void describe('language server: pin to digest against docker-registry', { skip: REGISTRY_MISSING }, () => {
	let registry: RunningRegistry;
	let python: PushedImage;
	const images = new Map<string, PushedImage>();
	before(async () => {
		await loadShellParser();
		// The server reads the Docker config from the environment, as it does in the editor: an empty one here.
		process.env.DOCKER_CONFIG = dockerConfig({});
		registry = await startRegistry();
		const target = { origin: registry.origin };
		python = await pushMultiPlatform(target, 'library/python', '3.11-slim');
		images.set('node', await pushMultiPlatform(target, 'library/node', '20-alpine'));
		images.set('nginx', await pushSinglePlatform(target, 'library/nginx', '1.27'));
		images.set('busybox', await pushMultiPlatform(target, 'library/busybox', '1.36'));
		images.set('frontend', await pushSinglePlatform(target, 'frontends/dockerfile', '1'));
	});
	after(cleanupAll);

	it('the quick fix turns `FROM <registry>/library/python:3.11-slim AS builder` into the same line with the index digest', async () => {
		const session = await LspSession.start({ settings: { languageFeatures: 'off' } });
		try {
			const uri = 'file:///tmp/pin-quickfix/Dockerfile';
			const text = `FROM ${registry.host}/library/python:3.11-slim AS builder\nRUN true\n`;
			const published = await session.open(uri, text);
			const dh201 = published.diagnostics.find((d) => d.code === 'DH201');
			assert.ok(dh201);
			const list = actions(await session.codeActions(uri, dh201.range, { diagnostics: [dh201] }));
			const pin = list.find((a) => a.title === 'Pin to digest');
			assert.ok(pin?.command, 'offered without contacting the registry');
			assert.equal(pin.command.command, ServerCommands.pinImage);
			assert.equal(session.appliedEdits.length, 0);
			const result = (await session.execute(pin.command.command, ...(pin.command.arguments ?? []))) as PinResult;
			assert.equal(result.outcome, 'applied');
			assert.equal(
				afterLastEdit(session, text, uri),
				`FROM ${registry.host}/library/python:3.11-slim@${python.digest} AS builder\nRUN true\n`,
			);
			assert.deepEqual(session.messages, [], 'a success needs no message: the edit shows it');
		} finally {
			await session.dispose();
		}
	});

	it('Pin All Images to Digests: every site at once, one edit, progress, and a report', async () => {
		const session = await LspSession.start({ settings: { languageFeatures: 'off' }, capabilities: WITH_PROGRESS });
		try {
			const r = registry.host;
			const uri = 'file:///tmp/pin-all/Dockerfile';
			const text = [
				`# syntax=${r}/frontends/dockerfile:1`,
				`ARG BASE=${r}/library/python:3.11-slim`,
				'# build stage',
				'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
				`RUN --mount=type=bind,from=${r}/library/busybox:1.36,target=/bb ls /bb`,
				`FROM ${r}/library/node:20-alpine AS web`,
				`COPY --from=${r}/library/nginx:1.27 /etc/nginx /etc/nginx`,
				'COPY --from=build /out /out',
				'',
			].join('\r\n');
			await session.open(uri, text);
			const result = (await session.execute(ServerCommands.pinAllImages, { uri, version: 1 })) as PinResult;
			assert.equal(result.outcome, 'applied');
			assert.equal(session.appliedEdits.length, 1, 'one edit for the whole file');
			const d = (name: string): string => images.get(name)!.digest;
			assert.equal(
				afterLastEdit(session, text, uri),
				[
					`# syntax=${r}/frontends/dockerfile:1@${d('frontend')}`,
					`ARG BASE=${r}/library/python:3.11-slim@${python.digest}`,
					'# build stage',
					'FROM --platform=$BUILDPLATFORM ${BASE} AS build',
					`RUN --mount=type=bind,from=${r}/library/busybox:1.36@${d('busybox')},target=/bb ls /bb`,
					`FROM ${r}/library/node:20-alpine@${d('node')} AS web`,
					`COPY --from=${r}/library/nginx:1.27@${d('nginx')} /etc/nginx /etc/nginx`,
					'COPY --from=build /out /out',
					'',
				].join('\r\n'),
			);
			assert.deepEqual(
				result.references.map((x) => [x.site, x.line, x.status]),
				[
					['syntax', 0, 'pinned'],
					['argDefault', 1, 'pinned'],
					['mountFrom', 4, 'pinned'],
					['from', 5, 'pinned'],
					['copyFrom', 6, 'pinned'],
				],
			);
			assert.equal(result.message, 'Pinned 5 images to their digests.');
			// Without `quiet` (other editors), the server tells the user itself; VS Code passes quiet and shows it.
			assert.deepEqual(session.messages, [{ type: 3, message: 'Pinned 5 images to their digests.' }]);
			assert.equal(session.progressTokens.length, 1);
			assert.deepEqual(
				session.progress.map((p) => p.kind),
				['begin', 'report', 'report', 'report', 'report', 'report', 'end'],
			);
		} finally {
			await session.dispose();
		}
	});

	it('a reference that fails is reported with its reason; the others are pinned', async () => {
		const session = await LspSession.start({ settings: { languageFeatures: 'off' } });
		try {
			const uri = 'file:///tmp/pin-partly/Dockerfile';
			const text = `FROM ${registry.host}/library/python:3.11-slim\nCOPY --from=${registry.host}/library/absent:1 /a /a\n`;
			await session.open(uri, text);
			const result = (await session.execute(ServerCommands.pinAllImages, { uri })) as PinResult;
			assert.equal(result.outcome, 'applied');
			const message = `Pinned 1 of 2 images. ${registry.host}/library/absent:1 (line 2) was not pinned: ${registry.host} has no image library/absent:1.`;
			assert.equal(result.message, message);
			assert.deepEqual(session.messages, [{ type: 2, message }]);
			assert.equal(
				afterLastEdit(session, text, uri),
				`FROM ${registry.host}/library/python:3.11-slim@${python.digest}\nCOPY --from=${registry.host}/library/absent:1 /a /a\n`,
			);
		} finally {
			await session.dispose();
		}
	});

	it('offline: one clear sentence, and the file is unchanged', async () => {
		const session = await LspSession.start({ settings: { languageFeatures: 'off' } });
		try {
			const port = await freePort();
			const uri = 'file:///tmp/pin-offline/Dockerfile';
			await session.open(
				uri,
				`FROM 127.0.0.1:${port}/library/python:3.11-slim AS builder\nFROM 127.0.0.1:${port}/library/node:20\n`,
			);
			const result = (await session.execute(ServerCommands.pinAllImages, { uri })) as PinResult;
			const sentence = `Nothing was changed: Could not connect to 127.0.0.1:${port}: the connection was refused.`;
			assert.equal(result.outcome, 'nothing');
			assert.equal(result.message, sentence);
			assert.deepEqual(session.messages, [{ type: 2, message: sentence }]);
			assert.equal(session.appliedEdits.length, 0);
			// quiet (VS Code): the same result, and the client shows it instead of the server.
			const quiet = (await session.execute(ServerCommands.pinAllImages, { uri, quiet: true })) as PinResult;
			assert.equal(quiet.message, sentence);
			assert.equal(session.messages.length, 1);
			assert.equal(session.progressTokens.length, 0);
		} finally {
			await session.dispose();
		}
	});

	it('a tag moved after pinning: the hover says so (on hover only), and "Update digest" writes the new digest', async () => {
		const moving = await pushMultiPlatform({ origin: registry.origin }, 'team/moving', '1.0', 'before');
		const uri = 'file:///tmp/pin-stale/Dockerfile';
		const text = `FROM ${registry.host}/team/moving:1.0@${moving.digest} AS base\n`;
		const inImage = { line: 0, character: 10 };
		const first = await LspSession.start({ settings: { languageFeatures: 'off' } });
		try {
			await first.open(uri, text);
			assert.match(hoverText(await first.hover(uri, inImage)), /still points at this digest \(checked just now\)/);
			assert.equal(hoverText(await first.hover(uri, { line: 0, character: 1 })), '', 'only on the reference');
		} finally {
			await first.dispose();
		}
		const moved = await pushMultiPlatform({ origin: registry.origin }, 'team/moving', '1.0', 'after');
		const session = await LspSession.start({ settings: { languageFeatures: 'off' } });
		try {
			await session.open(uri, text);
			const range = { start: inImage, end: inImage };
			assert.deepEqual(
				actions(await session.codeActions(uri, range, { diagnostics: [] })).map((a) => a.title),
				[],
				'no Update digest before a hover looked (code actions never reach the registry)',
			);
			const hover = hoverText(await session.hover(uri, inImage));
			assert.match(
				hover,
				/has moved: it now points at `sha256:[0-9a-f]{12}…`, not at the pinned `sha256:[0-9a-f]{12}…`/,
			);
			assert.match(hover, /Update digest/);
			const update = actions(await session.codeActions(uri, range, { diagnostics: [] })).find(
				(a) => a.title === 'Update digest',
			);
			assert.ok(update?.command);
			const result = (await session.execute(update.command.command, ...(update.command.arguments ?? []))) as PinResult;
			assert.equal(result.outcome, 'applied');
			assert.equal(
				afterLastEdit(session, text, uri),
				`FROM ${registry.host}/team/moving:1.0@${moved.digest} AS base\n`,
			);
		} finally {
			await session.dispose();
		}
	});

	it('untrusted workspace: no registry is contacted until the client says the workspace is trusted', async () => {
		const fake = await startFakeServer((_req, res) => res.writeHead(500).end());
		const session = await LspSession.start({
			settings: { languageFeatures: 'off' },
			initializationOptions: { workspaceTrusted: false },
		});
		try {
			const uri = 'file:///tmp/pin-untrusted/Dockerfile';
			const text = `FROM ${fake.host}/app:1@sha256:${'c'.repeat(64)}\nFROM ${registry.host}/library/python:3.11-slim\n`;
			await session.open(uri, text);
			const result = (await session.execute(ServerCommands.pinAllImages, { uri })) as PinResult;
			assert.equal(result.outcome, 'untrusted');
			assert.match(result.message ?? '', /contacts no registry and downloads nothing in an untrusted workspace/);
			assert.match(hoverText(await session.hover(uri, { line: 0, character: 8 })), /not checked whether/);
			assert.equal(fake.requests.length, 0);
			assert.equal(session.appliedEdits.length, 0);
			await session.client.sendNotification(Notifications.clientEnvironment, { workspaceTrusted: true });
			const trusted = (await session.execute(ServerCommands.pinAllImages, { uri })) as PinResult;
			assert.equal(trusted.outcome, 'applied');
			assert.equal(trusted.references.length, 1);
		} finally {
			await session.dispose();
		}
	});

	it('a planted credential reaches no log, message, result, diagnostic or hover of the server', async () => {
		const password = 'Pl4nted-Server-Secret-91c2';
		const good = `Basic ${basicAuth('dev', password)}`;
		const fake = await startFakeServer((req, res) => {
			if (req.headers.authorization !== good) {
				res.writeHead(401, { 'www-authenticate': 'Basic realm="planted"' }).end();
				return;
			}
			res
				.writeHead(200, { 'content-type': MANIFEST_TYPES[0], 'docker-content-digest': `sha256:${'e'.repeat(64)}` })
				.end();
		});
		const saved = process.env.DOCKER_CONFIG;
		const outputs: string[] = [];
		try {
			for (const secret of [password, `${password}-wrong`]) {
				process.env.DOCKER_CONFIG = dockerConfig({ auths: { [fake.host]: { auth: basicAuth('dev', secret) } } });
				const session = await LspSession.start({ settings: { languageFeatures: 'off' }, capabilities: WITH_PROGRESS });
				try {
					const uri = 'file:///tmp/pin-planted/Dockerfile';
					const text = `FROM ${fake.host}/app:1\nFROM ${fake.host}/app:2@sha256:${'f'.repeat(64)}\n`;
					const published = await session.open(uri, text);
					const results = [
						await session.execute(ServerCommands.pinAllImages, { uri }),
						await session.hover(uri, { line: 1, character: 8 }),
					];
					outputs.push(JSON.stringify({ published, results, logs: session.logs, messages: session.messages }));
					outputs.push(JSON.stringify({ progress: session.progress, edits: session.appliedEdits }));
				} finally {
					await session.dispose();
				}
			}
		} finally {
			process.env.DOCKER_CONFIG = saved;
		}
		assert.ok(
			fake.requests.some((r) => r.headers.authorization === good),
			'the credential was used',
		);
		assert.match(outputs[2], /rejected the credentials from/);
		for (const output of outputs) {
			for (const secret of [password, basicAuth('dev', password), basicAuth('dev', `${password}-wrong`)]) {
				assert.ok(!output.includes(secret), 'the planted credential leaked');
			}
		}
	});

	it("Add --checksum (DH202's fix) downloads the ADD source once and writes its sha256", async () => {
		const body = Buffer.from('#!/bin/sh\necho installed\n');
		const server = await startFakeServer((_req, res) => res.writeHead(200).end(body));
		const session = await LspSession.start({ settings: { languageFeatures: 'off' } });
		try {
			const uri = 'file:///tmp/checksum/Dockerfile';
			const url = `http://${server.host}/install.sh`;
			const text = `FROM alpine\nADD --chmod=755 ${url} /usr/local/bin/install\n`;
			await session.open(uri, text);
			const range = { start: { line: 1, character: 0 }, end: { line: 1, character: text.split('\n')[1].length } };
			const checksum = { url, insertAt: { line: 1, character: 4 }, range };
			const result = (await session.execute(ServerCommands.addChecksum, { uri, checksum })) as PinResult;
			assert.equal(result.outcome, 'applied');
			const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
			assert.equal(
				afterLastEdit(session, text, uri),
				// The syntax directive --checksum needs comes with it.
				`# syntax=docker/dockerfile:1\nFROM alpine\nADD --checksum=${digest} --chmod=755 ${url} /usr/local/bin/install\n`,
			);
			assert.equal(server.requests.length, 1, 'downloaded once');
		} finally {
			await session.dispose();
		}
	});

	it('Harden Dockerfile pins the image and checksums the ADD source along with the fixes, in one edit', async () => {
		const body = Buffer.from('#!/bin/sh\necho installed\n');
		const server = await startFakeServer((_req, res) => res.writeHead(200).end(body));
		const session = await LspSession.start({ settings: { languageFeatures: 'off' }, capabilities: WITH_PROGRESS });
		try {
			const uri = 'file:///tmp/harden-network/Dockerfile';
			const url = `http://${server.host}/install.sh`;
			const image = `${registry.host}/library/python:3.11-slim`;
			let text = `FROM ${image}\nADD ${url} /usr/local/bin/install\nRUN pip install --no-cache-dir flask==3.0.3\nUSER 1000\n`;
			await session.open(uri, text);
			// Plays the editor: applies the edit, says so (didChange), then answers.
			session.applyEditHandler = async ({ edit }) => {
				const change = edit.documentChanges?.[0];
				assert.ok(change && TextDocumentEdit.is(change));
				text = applyEdits(
					text,
					change.edits.filter((e): e is TextEdit => 'newText' in e),
				);
				await session.change(uri, 2, text);
				return { applied: true };
			};
			const result = (await session.execute(ServerCommands.harden, { uri, version: 1, pin: true })) as HardenResult;
			assert.equal(result.outcome, 'applied');
			const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
			assert.equal(
				text,
				// --checksum needs a recent frontend: the syntax directive comes with it (DH502's safe fix).
				`# syntax=docker/dockerfile:1\nFROM ${image}@${python.digest}\nADD --checksum=${digest} ${url} /usr/local/bin/install\nRUN pip install --no-cache-dir flask==3.0.3\nUSER 1000\n`,
			);
			assert.deepEqual([...result.rules].sort(), ['DH201', 'DH202', 'DH502']);
			assert.ok(result.summary.includes(`- DH201: pinned ${image} to its digest`));
			// The URL without its query (which may carry a token).
			assert.ok(result.summary.includes(`- DH202: added --checksum for ${server.host}/install.sh`), result.summary);
			assert.equal(server.requests.length, 1, 'downloaded once');
			assert.equal(result.remaining, 0);
		} finally {
			await session.dispose();
		}
	});

	it('no network while typing: opening, editing and asking for code actions contact no registry', async () => {
		const fake = await startFakeServer((_req, res) => res.writeHead(500).end());
		const session = await LspSession.start({ settings: { languageFeatures: 'on' } });
		try {
			const uri = 'file:///tmp/pin-typing/Dockerfile';
			let text = `FROM ${fake.host}/app:1\nCOPY --from=${fake.host}/tool:2@sha256:${'d'.repeat(64)} /t /t\n`;
			const published = await session.open(uri, text);
			for (let version = 2; version <= 6; version++) {
				text = text.replace('app:1', `app:${version}`);
				await session.change(uri, version, text);
			}
			const last = await session.diagnosticsOf(uri, 6);
			const whole = { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } };
			await session.codeActions(uri, whole, { diagnostics: last.diagnostics as Diagnostic[] });
			await session.settle();
			assert.ok(published.diagnostics.some((d) => d.code === 'DH201'));
			assert.equal(fake.requests.length, 0);
		} finally {
			await session.dispose();
		}
	});
});
