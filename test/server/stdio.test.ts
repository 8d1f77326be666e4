/**
 * The bundled server (dist/server.js, what `dockerfile-harden-server --stdio` runs) started as other editors start
 * it: proves the bundle loads, finds its WebAssembly files, answers over stdio, writes nothing else to stdout, and
 * exits with 0 after shutdown + exit. Run `npm run bundle` first (`npm test` does).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import {
	CodeActionRequest,
	ConfigurationRequest,
	createProtocolConnection,
	DidOpenTextDocumentNotification,
	ExitNotification,
	InitializedNotification,
	InitializeRequest,
	PublishDiagnosticsNotification,
	ShutdownRequest,
	StreamMessageReader,
	StreamMessageWriter,
	type CodeAction,
	type PublishDiagnosticsParams,
	type Range,
} from 'vscode-languageserver-protocol/node';
import { applyEdits } from '../../server/src/engine/fixer';
import { fsContext } from '../../server/src/node/fsContext';
import { lint } from '../../server/src/engine/lint';
import { loadShellParser } from '../../server/src/node/shellParser';
import { REPO_ROOT } from '../harness/lsp';

const SERVER = path.join(REPO_ROOT, 'dist/server.js');
const TEXT = 'FROM python:3.12\nRUN pip install -r requirements.txt\n';

/** Splits stdout into LSP frames; throws on anything that is not a frame. */
function frames(stdout: Buffer): string[] {
	const bodies: string[] = [];
	let rest = stdout;
	while (rest.length > 0) {
		const headerEnd = rest.indexOf('\r\n\r\n');
		assert.ok(headerEnd > 0, `not an LSP header: ${JSON.stringify(rest.subarray(0, 80).toString())}`);
		const header = rest.subarray(0, headerEnd).toString('ascii');
		const length = /^Content-Length: (\d+)$/im.exec(header);
		assert.ok(length, `no Content-Length in ${JSON.stringify(header)}`);
		const start = headerEnd + 4;
		const end = start + Number(length[1]);
		assert.ok(end <= rest.length, 'truncated frame');
		bodies.push(rest.subarray(start, end).toString('utf8'));
		rest = rest.subarray(end);
	}
	return bodies;
}

void describe('dist/server.js --stdio', () => {
	before(() => loadShellParser());

	it('initializes, publishes diagnostics, and exits with 0 after shutdown and exit', { timeout: 30_000 }, async () => {
		assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run bundle first`);
		const child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
		const stdout: Buffer[] = [];
		const stderr: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
		const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
		const connection = createProtocolConnection(
			new StreamMessageReader(child.stdout),
			new StreamMessageWriter(child.stdin),
		);
		const diagnostics = new Promise<PublishDiagnosticsParams>((resolve) => {
			connection.onNotification(PublishDiagnosticsNotification.type, resolve);
		});
		connection.listen();

		try {
			const result = await connection.sendRequest(InitializeRequest.type, {
				processId: process.pid,
				rootUri: null,
				capabilities: {},
			});
			assert.equal(result.serverInfo?.name, 'dockerfile-harden');
			assert.ok(result.capabilities.executeCommandProvider?.commands.includes('dockerfileHarden.server.applyAllFixes'));
			await connection.sendNotification(InitializedNotification.type, {});
			await connection.sendNotification(DidOpenTextDocumentNotification.type, {
				textDocument: {
					uri: 'untitled:Dockerfile',
					languageId: 'dockerfile',
					version: 1,
					text: TEXT,
				},
			});
			const published = await diagnostics;
			assert.equal(published.version, 1);
			// The same findings as the engine in this process; DH401/DH402 need the bundled shell parser (WebAssembly
			// beside dist/server.js).
			const codes = published.diagnostics.map((d) => d.code);
			assert.ok(codes.includes('DH401') && codes.includes('DH402'), codes.join());
			assert.deepEqual(
				published.diagnostics.filter((d) => d.source === 'dockerfile-harden').map((d) => [d.code, d.range.start.line]),
				lint(TEXT).diagnostics.map((d) => [d.code, d.range.start.line]),
			);

			await connection.sendRequest(ShutdownRequest.type);
			await connection.sendNotification(ExitNotification.type);
			const code = await exited;
			connection.dispose();
			assert.equal(code, 0, `exit code; stderr: ${Buffer.concat(stderr).toString()}`);
			for (const body of frames(Buffer.concat(stdout))) {
				assert.equal((JSON.parse(body) as { jsonrpc: string }).jsonrpc, '2.0');
			}
		} finally {
			// A failed assertion must not leave the server running (it would keep the test process alive).
			if (child.exitCode === null) {
				child.kill();
			}
		}
	});

	it(
		'gives the insecure example the same findings as the CLI, and a quick fix edit that fixes its finding',
		{ timeout: 30_000 },
		async () => {
			const file = path.join(REPO_ROOT, 'examples/insecure-python/Dockerfile');
			const text = readFileSync(file, 'utf8');
			const cli = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), '--format', 'json', file], {
				encoding: 'utf8',
			});
			assert.equal(cli.status, 1, cli.stderr);
			const cliFindings = (
				JSON.parse(cli.stdout) as { files: { findings: { ruleId: string; range: Range; message: string }[] }[] }
			).files[0].findings.map((f) => [f.ruleId, f.range, f.message]);

			const child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
			const connection = createProtocolConnection(
				new StreamMessageReader(child.stdout),
				new StreamMessageWriter(child.stdin),
			);
			connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => ({})));
			const diagnostics = new Promise<PublishDiagnosticsParams>((resolve) => {
				connection.onNotification(PublishDiagnosticsNotification.type, resolve);
			});
			connection.listen();
			try {
				await connection.sendRequest(InitializeRequest.type, {
					processId: process.pid,
					rootUri: null,
					capabilities: {
						workspace: { configuration: true },
						textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } },
					},
				});
				await connection.sendNotification(InitializedNotification.type, {});
				const uri = pathToFileURL(file).toString();
				await connection.sendNotification(DidOpenTextDocumentNotification.type, {
					textDocument: { uri, languageId: 'dockerfile', version: 1, text },
				});
				const published = (await diagnostics).diagnostics.filter((d) => d.source === 'dockerfile-harden');
				assert.deepEqual(
					published.map((d) => [d.code, d.range, d.message]),
					cliFindings,
				);
				// Every rule of the core issue shows up on the insecure example.
				const codes = new Set(published.map((d) => d.code));
				for (const id of ['DH101', 'DH201', 'DH301', 'DH302', 'DH303', 'DH401', 'DH402', 'DH501', 'DH502']) {
					assert.ok(codes.has(id), `${id} missing from ${[...codes].join(', ')}`);
				}
				const target = published.find((d) => d.code === 'DH402')!;
				const actions = (await connection.sendRequest(CodeActionRequest.type, {
					textDocument: { uri },
					range: target.range,
					context: { diagnostics: [target], only: ['quickfix'] },
				})) as CodeAction[];
				const fix = actions.find((a) => a.isPreferred);
				assert.ok(fix?.edit?.changes?.[uri], JSON.stringify(actions.map((a) => a.title)));
				const fixed = applyEdits(text, fix.edit.changes[uri]);
				const before = lint(text, { buildContext: fsContext(path.dirname(file)) }).diagnostics;
				const after = lint(fixed, { buildContext: fsContext(path.dirname(file)) }).diagnostics;
				assert.deepEqual(
					after.map((d) => d.code),
					before.filter((d) => d.code !== 'DH402').map((d) => d.code),
				);
				await connection.sendRequest(ShutdownRequest.type);
				await connection.sendNotification(ExitNotification.type);
			} finally {
				connection.dispose();
				if (child.exitCode === null) {
					child.kill();
				}
			}
		},
	);
});
