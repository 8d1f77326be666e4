/**
 * The language server answers or ignores whatever a client sends, and never dies: malformed frames and JSON,
 * messages that are not JSON-RPC, wrong parameters, unknown methods and documents, a 10 MB document (over stdio,
 * the bundled dist/server.js as editors run it), a burst of edits with cancelled requests, and settings of the wrong
 * type (in memory, through test/harness/lsp.ts).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import {
	CancellationTokenSource,
	CodeActionRequest,
	createProtocolConnection,
	DidChangeTextDocumentNotification,
	DidCloseTextDocumentNotification,
	DidOpenTextDocumentNotification,
	ErrorCodes,
	ExecuteCommandRequest,
	ExitNotification,
	InitializedNotification,
	InitializeRequest,
	LSPErrorCodes,
	PublishDiagnosticsNotification,
	ResponseError,
	ShutdownRequest,
	StreamMessageReader,
	Trace,
	AbstractMessageWriter,
	type Message,
	type MessageWriter,
	type ProtocolConnection,
	type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { applyEdits } from '../../server/src/engine/fixer';
import { lint } from '../../server/src/engine/lint';
import { loadShellParser } from '../../server/src/node/shellParser';
import { ServerCommands } from '../../server/src/protocol';
import { codesAndLines, LspSession, ours, REPO_ROOT } from '../harness/lsp';

const SERVER = path.join(REPO_ROOT, 'dist/server.js');
const DOCKERFILE = 'FROM python:3.12\nRUN pip install -r requirements.txt\n';

/** A message writer that frames each message and hands it to `write`, in order. */
class QueuedWriter extends AbstractMessageWriter implements MessageWriter {
	constructor(private readonly writeBytes: (bytes: Buffer) => Promise<void>) {
		super();
	}

	write(message: Message): Promise<void> {
		const body = Buffer.from(JSON.stringify(message), 'utf8');
		return this.writeBytes(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
	}

	end(): void {
		// The child's stdin is closed with the process.
	}
}

/** The bundled server over stdio, with a typed connection and a raw way into its stdin. */
class StdioServer {
	readonly connection: ProtocolConnection;
	readonly published: PublishDiagnosticsParams[] = [];
	private stderrText = '';
	/** Everything the server wrote, to find the answers to requests sent as raw frames. */
	private stdoutText = '';
	readonly exited: Promise<number | null>;

	constructor(private readonly child: ChildProcessWithoutNullStreams) {
		child.stderr.on('data', (chunk: Buffer) => {
			this.stderrText += chunk.toString();
		});
		child.stdout.on('data', (chunk: Buffer) => {
			this.stdoutText += chunk.toString();
		});
		this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
		this.connection = createProtocolConnection(
			new StreamMessageReader(child.stdout),
			new QueuedWriter((bytes) => this.raw(bytes)),
		);
		this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
			this.published.push(params);
		});
		this.connection.listen();
		void this.connection.trace(Trace.Messages, { log: (message: string) => this.traceLog.push(message) });
	}

	readonly traceLog: string[] = [];

	static async start(): Promise<StdioServer> {
		const server = new StdioServer(spawn(process.execPath, [SERVER, '--stdio'], { cwd: REPO_ROOT }));
		await server.connection.sendRequest(InitializeRequest.type, {
			processId: process.pid,
			rootUri: null,
			capabilities: {},
		});
		await server.connection.sendNotification(InitializedNotification.type, {});
		return server;
	}

	get alive(): boolean {
		return this.child.exitCode === null && this.child.signalCode === null;
	}

	get stderr(): string {
		return this.stderrText;
	}

	/**
	 * Writes bytes as they are, after everything queued before: the connection's own messages (also its automatic
	 * answers to the server's requests) go through the same queue, so no frame is ever split by another.
	 */
	raw(bytes: string | Buffer): Promise<void> {
		const write = this.queue.then(
			() =>
				new Promise<void>((resolve, reject) =>
					this.child.stdin.write(bytes, (error) => (error ? reject(error) : resolve())),
				),
		);
		this.queue = write.catch(() => undefined);
		return write;
	}

	private queue: Promise<void> = Promise.resolve();

	/** A frame around any body, valid or not. */
	frame(body: string | Buffer): Promise<void> {
		const bytes = typeof body === 'string' ? Buffer.from(body) : body;
		return this.raw(Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]));
	}

	/** Sends a JSON-RPC message as a raw frame: params of any shape, which the typed connection refuses to send. */
	message(message: Record<string, unknown>): Promise<void> {
		return this.frame(JSON.stringify({ jsonrpc: '2.0', ...message }));
	}

	/** Waits for the answer (result or error) to a request sent with {@link message}. */
	async answerTo(id: number, ms = 20_000): Promise<'result' | number> {
		const deadline = Date.now() + ms;
		for (;;) {
			for (const body of this.stdoutText.split(/Content-Length: \d+\r\n\r\n/)) {
				if (body.startsWith('{') && body.includes(`"id":${id}`)) {
					const message = JSON.parse(body) as { id?: number; error?: { code: number } };
					if (message.id === id) {
						return message.error ? message.error.code : 'result';
					}
				}
			}
			assert.ok(Date.now() < deadline, `no answer to request ${id} within ${ms} ms`);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}

	/** Proof of life: a request answered after everything sent before it. */
	async answers(): Promise<void> {
		const rules = await withTimeout(
			this.connection.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.listRules, arguments: [] }),
			20_000,
			'the server did not answer listRules',
		).catch((error: unknown) => {
			// Say what the server did last: the frames it wrote and what the client saw.
			throw new Error(
				`${String(error)}; alive: ${this.alive}; client trace: ${this.traceLog.slice(-8).join(' | ')}; stderr: ${this.stderrText.slice(-600)}`,
			);
		});
		assert.ok(Array.isArray(rules) && rules.length > 0);
	}

	/** The diagnostics of `uri` at `version`, waiting up to `ms`. */
	async diagnosticsOf(uri: string, version: number, ms = 30_000): Promise<PublishDiagnosticsParams> {
		const deadline = Date.now() + ms;
		for (;;) {
			const found = this.published.find((p) => p.uri === uri && p.version === version);
			if (found) {
				return found;
			}
			assert.ok(Date.now() < deadline, `no diagnostics for ${uri} version ${version} within ${ms} ms`);
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}

	kill(): void {
		if (this.alive) {
			this.child.kill();
		}
	}

	/** Closes the connection and ends the process. */
	stop(): void {
		this.connection.dispose();
		this.kill();
	}

	/** Starts a server, opens `text` as `uri` and returns its first diagnostics, then stops it. */
	static async diagnosticsOfOpened(uri: string, text: string): Promise<PublishDiagnosticsParams> {
		const server = await StdioServer.start();
		try {
			await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
				textDocument: { uri, languageId: 'dockerfile', version: 1, text },
			});
			return await server.diagnosticsOf(uri, 1, 30_000);
		} finally {
			server.stop();
		}
	}
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<T>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
		}),
	]);
}

/** Resolves to the error code of a rejected request, or `'answered'`. */
async function outcome(promise: Promise<unknown>): Promise<number | 'answered'> {
	try {
		await promise;
		return 'answered';
	} catch (error) {
		assert.ok(error instanceof ResponseError, `not a JSON-RPC error: ${String(error)}`);
		return error.code;
	}
}

void describe('server robustness over stdio (dist/server.js)', () => {
	before(async () => {
		assert.ok(existsSync(SERVER), `${SERVER} is missing: run npm run bundle first`);
		// The expected findings come from the engine in this process.
		await loadShellParser();
	});

	it(
		'answers or ignores malformed frames, non-JSON-RPC messages, wrong params and unknown methods',
		{ timeout: 60_000 },
		async () => {
			const server = await StdioServer.start();
			try {
				// A body that is not JSON, in a valid frame.
				await server.frame('{"jsonrpc": "2.0", "id": 1, "method": ');
				await server.frame(Buffer.from([0xff, 0xfe, 0x00, 0x7b]));
				await server.answers();
				// JSON that is not a JSON-RPC message, or a response nobody asked for.
				for (const body of [
					'[]',
					'{}',
					'42',
					'null',
					'"text"',
					'{"jsonrpc":"2.0","method":42}',
					'{"jsonrpc":"2.0","id":777,"result":{}}',
				]) {
					await server.frame(body);
				}
				await server.answers();
				// A header block without Content-Length (a lost frame), then valid frames again. vscode-jsonrpc reports the
				// error and leaves the rest of that chunk of input for the next one, so the client nudges with a harmless
				// notification until the server answers.
				await server.raw('X-Garbage: yes\r\n\r\n');
				const answered = server.answers();
				let nudging = true;
				void answered.finally(() => (nudging = false));
				while (nudging) {
					await server.message({ method: '$/nudge', params: {} });
					await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 200))]);
				}
				await answered;

				const c = server.connection;
				const unknownUri = 'file:///never/opened/Dockerfile';
				const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
				// Notifications with wrong params are ignored.
				for (const [method, params] of [
					['textDocument/didOpen', {}],
					['textDocument/didOpen', null],
					['textDocument/didOpen', { textDocument: { uri: 42, text: null, version: 'one' } }],
					[
						'textDocument/didChange',
						{ textDocument: { uri: unknownUri, version: 3 }, contentChanges: [{ text: 'FROM x\n' }] },
					],
					['textDocument/didChange', null],
					['textDocument/didChange', { textDocument: { uri: unknownUri }, contentChanges: 'all' }],
					['textDocument/didClose', { textDocument: { uri: unknownUri } }],
					['textDocument/didClose', [1, 2]],
					['workspace/didChangeConfiguration', 'settings'],
					['workspace/didChangeConfiguration', { settings: { dockerfileHarden: { rules: 5 } } }],
					['$/cancelRequest', { id: 'nothing' }],
					['$/unknownNotification', { anything: true }],
					['custom/unknown', [1, 2, 3]],
				] as const) {
					await server.message({ method, params });
				}
				await server.answers();

				// Requests with wrong params or for documents that were never opened get an answer, never silence: our
				// handlers answer (null, [] or a refusal), the library answers "method not found" for a method nobody
				// handles and an internal error for params that are not even an object.
				const requests: [string, unknown][] = [
					['textDocument/codeAction', { textDocument: { uri: unknownUri }, range, context: { diagnostics: [] } }],
					['textDocument/codeAction', { textDocument: { uri: unknownUri }, range: 'everything', context: 7 }],
					['textDocument/hover', { textDocument: { uri: unknownUri }, position: { line: 99, character: -1 } }],
					['textDocument/completion', { textDocument: { uri: unknownUri }, position: { line: 0, character: 0 } }],
					[
						'textDocument/formatting',
						{ textDocument: { uri: unknownUri }, options: { tabSize: 4, insertSpaces: true } },
					],
					['textDocument/documentSymbol', { textDocument: { uri: unknownUri } }],
					['textDocument/foldingRange', { textDocument: { uri: unknownUri } }],
					['workspace/executeCommand', { command: 'no.such.command', arguments: [] }],
					['workspace/executeCommand', { command: 42 }],
					...Object.values(ServerCommands).flatMap((command): [string, unknown][] => [
						['workspace/executeCommand', { command, arguments: [{ uri: unknownUri, version: 'x', edits: 5 }] }],
						['workspace/executeCommand', { command, arguments: [42, null, 'x'] }],
						['workspace/executeCommand', { command, arguments: 'not a list' }],
						['workspace/executeCommand', { command }],
					]),
				];
				const expected = new Map<number, 'result' | number>();
				let id = 1000;
				for (const [method, params] of requests) {
					expected.set(id, 'result');
					await server.message({ id: id++, method, params });
				}
				for (const method of ['textDocument/codeAction', 'workspace/executeCommand', 'textDocument/hover']) {
					expected.set(id, ErrorCodes.InternalError);
					await server.message({ id: id++, method, params: null });
				}
				expected.set(id, ErrorCodes.MethodNotFound);
				await server.message({ id: id++, method: 'textDocument/noSuchRequest', params: {} });
				for (const [requestId, wanted] of expected) {
					const answer = await server.answerTo(requestId);
					const request =
						requestId - 1000 < requests.length ? JSON.stringify(requests[requestId - 1000]) : String(requestId);
					assert.equal(answer, wanted, `request ${request}`);
				}
				await server.answers();

				// Still a working server: a real document is analysed.
				await c.sendNotification(DidOpenTextDocumentNotification.type, {
					textDocument: { uri: 'untitled:Dockerfile', languageId: 'dockerfile', version: 1, text: DOCKERFILE },
				});
				const published = await server.diagnosticsOf('untitled:Dockerfile', 1);
				assert.deepEqual(codesAndLines(ours(published.diagnostics)), codesAndLines(lint(DOCKERFILE).diagnostics));

				await c.sendRequest(ShutdownRequest.type);
				await c.sendNotification(ExitNotification.type);
				assert.equal(await server.exited, 0, server.stderr);
				assert.doesNotMatch(server.stderr, /Uncaught|UnhandledPromiseRejection|RangeError|TypeError/);
			} finally {
				server.stop();
			}
		},
	);

	it('takes a 10 MB document, stays responsive, and analyses the next small one', { timeout: 120_000 }, async () => {
		const server = await StdioServer.start();
		try {
			const c = server.connection;
			const line = 'RUN apt-get update && apt-get install -y curl ca-certificates && rm -rf /var/lib/apt/lists/*\n';
			const big = `FROM python:3.12\n${line.repeat(Math.ceil((10 * 1024 * 1024) / line.length))}`;
			assert.ok(big.length >= 10 * 1024 * 1024);
			const uri = 'untitled:big.Dockerfile';
			await c.sendNotification(DidOpenTextDocumentNotification.type, {
				textDocument: { uri, languageId: 'dockerfile', version: 1, text: big },
			});
			await server.diagnosticsOf(uri, 1, 60_000);
			const start = Date.now();
			await server.answers();
			assert.ok(Date.now() - start < 10_000, 'a request after the big document waited too long');
			// An edit at the end of the big document, and code actions on it.
			const lines = big.split('\n').length - 1;
			await c.sendNotification(DidChangeTextDocumentNotification.type, {
				textDocument: { uri, version: 2 },
				contentChanges: [
					{ range: { start: { line: lines, character: 0 }, end: { line: lines, character: 0 } }, text: 'USER app\n' },
				],
			});
			await server.diagnosticsOf(uri, 2, 60_000);
			const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } };
			assert.equal(
				await outcome(
					withTimeout(
						c.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [] } }),
						60_000,
						'code actions on the big document',
					),
				),
				'answered',
			);
			await c.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
			// And the next ordinary document is analysed as usual.
			await c.sendNotification(DidOpenTextDocumentNotification.type, {
				textDocument: { uri: 'untitled:small', languageId: 'dockerfile', version: 1, text: DOCKERFILE },
			});
			const small = await server.diagnosticsOf('untitled:small', 1);
			assert.ok(ours(small.diagnostics).some((d) => d.code === 'DH402'));
			assert.ok(server.alive);
		} finally {
			server.stop();
		}
	});

	it(
		'checks the syntax of a long invalid build stage name without hanging (the dependency patch)',
		{ timeout: 60_000 },
		async () => {
			// dockerfile-utils' own stage-name regex backtracks exponentially: unpatched, 30 characters took 100 s and these
			// 48 would take days. The bundle carries the patch of scripts/dependency-patches.cjs; the check still runs.
			const name = 'org.opencontainers.image.authors="dev@example.org"';
			const text = `FROM python:3.12 AS ${name}\nUSER app\n`;
			const published = await StdioServer.diagnosticsOfOpened('untitled:stage', text);
			const syntax = published.diagnostics.filter((d) => d.source === 'dockerfile-utils');
			assert.deepEqual(
				syntax.map((d) => [String(d.message).split(',')[0], d.range.start.character]),
				[[`invalid name for build stage: "${name.toLowerCase()}"`, 'FROM python:3.12 AS '.length]],
			);
		},
	);

	it(
		'analyses a variable with 250,000 escape characters without stalling (the dependency patch)',
		{ timeout: 60_000 },
		async () => {
			// dockerfile-ast's parseVariables is quadratic in a variable's escape characters: unpatched, the syntax check
			// and DH301 would take minutes on this; the bundle's patch makes it linear.
			const text = `FROM alpine\nARG PASSWORD\nLABEL x=\${PASSWORD${'\\'.repeat(250_000)}\n`;
			const published = await StdioServer.diagnosticsOfOpened('untitled:escapes', text);
			const codes = published.diagnostics.filter((d) => d.source === 'dockerfile-harden').map((d) => d.code);
			assert.ok(codes.includes('DH301'), `DH301 in ${JSON.stringify(codes)}`);
		},
	);
});

void describe('server robustness in memory', () => {
	before(() => loadShellParser());

	it(
		'a burst of 300 edits with cancelled requests ends with the diagnostics of the last version',
		{ timeout: 60_000 },
		async () => {
			const session = await LspSession.start();
			try {
				const uri = 'untitled:burst.Dockerfile';
				await session.open(uri, DOCKERFILE);
				let text = DOCKERFILE;
				const settled: Promise<number | 'answered'>[] = [];
				for (let version = 2; version <= 301; version++) {
					// Type a package name into the RUN, one character per edit.
					const ch = 'abcdefghij'[version % 10];
					const position = { line: 1, character: text.split('\n')[1].length };
					text = applyEdits(text, [{ range: { start: position, end: position }, newText: ch }]);
					void session.client.sendNotification(DidChangeTextDocumentNotification.type, {
						textDocument: { uri, version },
						contentChanges: [{ range: { start: position, end: position }, text: ch }],
					});
					if (version % 3 === 0) {
						const source = new CancellationTokenSource();
						settled.push(
							outcome(
								session.client.sendRequest(
									CodeActionRequest.type,
									{ textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } },
									source.token,
								),
							),
						);
						source.cancel();
					}
					if (version % 50 === 0) {
						settled.push(outcome(session.execute(ServerCommands.applyAllFixes, { uri, version: version - 1 })));
					}
				}
				const outcomes = await withTimeout(Promise.all(settled), 30_000, 'cancelled requests did not all settle');
				for (const o of outcomes) {
					assert.ok(o === 'answered' || o === LSPErrorCodes.RequestCancelled, String(o));
				}
				const last = await session.diagnosticsOf(uri, 301);
				assert.deepEqual(codesAndLines(ours(last.diagnostics)), codesAndLines(lint(text).diagnostics));
				// Nothing older was published after the newest version.
				const versions = session.published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
				assert.equal(versions.at(-1), 301);
				await session.settle();
			} finally {
				await session.dispose();
			}
		},
	);

	it(
		'settings of the wrong type fall back to defaults, and the server keeps publishing',
		{ timeout: 60_000 },
		async () => {
			const wrong: unknown[] = [
				null,
				42,
				'on',
				[],
				[{ enable: false }],
				{ enable: 'yes', rules: 'all', secrets: 'x', trustedRegistries: {}, registry: [], languageFeatures: 7 },
				{ rules: { DH101: 42, DH201: null, 'no-such-rule': 'error', DH402: ['off'] } },
				JSON.parse('{"rules": {"__proto__": {"DH401": "off"}, "constructor": "off", "toString": "error"}}'),
				{ secrets: { allowPatterns: 'x', denyPatterns: [1, null, '(unclosed', '['] } },
				{ registry: { timeoutMs: 'fast', insecureRegistries: 'localhost' } },
				{ registry: { timeoutMs: -5 } },
				{ registry: { timeoutMs: Number.MAX_VALUE } },
				{ languageFeatures: { on: true } },
			];
			const expected = codesAndLines(lint(DOCKERFILE).diagnostics);
			const session = await LspSession.start({ settings: wrong[0] });
			try {
				const uri = 'untitled:settings.Dockerfile';
				const first = await session.open(uri, DOCKERFILE);
				assert.deepEqual(codesAndLines(ours(first.diagnostics)), expected);
				for (const settings of wrong.slice(1)) {
					const from = session.published.length;
					await session.changeSettings(settings);
					await session.settle();
					const again = await session.diagnostics((p) => p.uri === uri, from);
					assert.deepEqual(codesAndLines(ours(again.diagnostics)), expected, JSON.stringify(settings));
				}
				// A setting of the right type still works after all that.
				const from = session.published.length;
				await session.changeSettings({ rules: { DH402: 'off' } });
				const off = await session.diagnostics((p) => p.uri === uri, from);
				assert.ok(!ours(off.diagnostics).some((d) => d.code === 'DH402'));
			} finally {
				await session.dispose();
			}
		},
	);
});
