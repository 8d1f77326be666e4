import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogOutputChannel } from 'vscode';
import type { CancellationToken, ConfigurationParams, TransportKind } from 'vscode-languageclient/node';
import {
	CLIENT_ID,
	OTHER_DOCKERFILE_EXTENSIONS,
	clientEnvironment,
	createClientOptions,
	createServerOptions,
	resolveLanguageFeatures,
	rewriteConfiguration,
} from '../../client/src/languageClient';

/** TransportKind.ipc; the enum lives in a module that needs `vscode`, so its value is spelled out. */
const IPC = 1 as TransportKind;

const token = { isCancellationRequested: false } as CancellationToken;
const channel = { name: 'Dockerfile Harden' } as LogOutputChannel;

void describe('createServerOptions', () => {
	it('runs the bundled module with a small young generation, and under the debugger with an inspector on 6009', () => {
		assert.deepEqual(createServerOptions('/ext/dist/server.js', IPC), {
			run: { module: '/ext/dist/server.js', transport: IPC, options: { execArgv: ['--max-semi-space-size=2'] } },
			debug: {
				module: '/ext/dist/server.js',
				transport: IPC,
				options: { execArgv: ['--max-semi-space-size=2', '--nolazy', '--inspect=6009'] },
			},
		});
	});

	it('uses the id whose trace setting is dockerfileHarden.trace.server', () => {
		assert.equal(CLIENT_ID, 'dockerfileHarden');
	});
});

void describe('createClientOptions', () => {
	it('selects Dockerfiles on disk and untitled ones, and logs to the given channel', () => {
		const options = createClientOptions({ outputChannel: channel, otherDockerfileExtensionPresent: () => false });
		assert.deepEqual(options.documentSelector, [
			{ scheme: 'file', language: 'dockerfile' },
			{ scheme: 'untitled', language: 'dockerfile' },
		]);
		assert.equal(options.outputChannel, channel);
	});

	it('its configuration middleware resolves `auto` with what is installed at the time of the request', async () => {
		let present = false;
		const options = createClientOptions({ outputChannel: channel, otherDockerfileExtensionPresent: () => present });
		const middleware = options.middleware?.workspace?.configuration;
		assert.ok(middleware);
		const params: ConfigurationParams = {
			items: [{ scopeUri: 'file:///w/Dockerfile', section: 'dockerfileHarden' }, { section: 'editor' }],
		};
		const next = (): unknown[] => [{ enable: true, languageFeatures: 'auto' }, { tabSize: 4 }];
		assert.deepEqual(await middleware(params, token, next), [{ enable: true, languageFeatures: 'on' }, { tabSize: 4 }]);
		present = true;
		assert.deepEqual(await middleware(params, token, next), [
			{ enable: true, languageFeatures: 'off' },
			{ tabSize: 4 },
		]);
	});

	it('passes an error from the next handler through', async () => {
		const options = createClientOptions({ outputChannel: channel, otherDockerfileExtensionPresent: () => false });
		const error = { code: -32603, message: 'no' };
		const result = await options.middleware?.workspace?.configuration?.(
			{ items: [{ section: 'dockerfileHarden' }] },
			token,
			() => error as never,
		);
		assert.equal(result, error);
	});
});

void describe('resolveLanguageFeatures and rewriteConfiguration', () => {
	it('auto (or unset) becomes on or off; explicit values stay', () => {
		assert.equal(resolveLanguageFeatures('auto', false), 'on');
		assert.equal(resolveLanguageFeatures('auto', true), 'off');
		assert.equal(resolveLanguageFeatures(undefined, true), 'off');
		assert.equal(resolveLanguageFeatures('on', true), 'on');
		assert.equal(resolveLanguageFeatures('off', false), 'off');
		assert.equal(resolveLanguageFeatures(42, false), 42, 'the server normalises wrong types');
	});

	it('rewrites only our section, also when the client has no value for it', () => {
		assert.deepEqual(
			rewriteConfiguration(
				[{ section: 'dockerfileHarden' }, { section: 'dockerfileHarden' }, { section: 'other' }],
				[null, { rules: { DH101: 'off' }, languageFeatures: 'on' }, { languageFeatures: 'auto' }],
				true,
			),
			[{ languageFeatures: 'off' }, { rules: { DH101: 'off' }, languageFeatures: 'on' }, { languageFeatures: 'auto' }],
		);
	});

	it('knows the three Docker extensions', () => {
		assert.deepEqual(
			[...OTHER_DOCKERFILE_EXTENSIONS],
			['docker.docker', 'ms-azuretools.vscode-containers', 'ms-azuretools.vscode-docker'],
		);
	});
});

void describe('clientEnvironment', () => {
	it('tells the server whether the workspace is trusted and which proxy VS Code uses', () => {
		assert.deepEqual(clientEnvironment({ isTrusted: false, httpProxy: '', noProxy: [] }), { workspaceTrusted: false });
		assert.deepEqual(
			clientEnvironment({ isTrusted: true, httpProxy: ' http://proxy.corp:3128 ', noProxy: ['internal.corp', 3, ''] }),
			{ workspaceTrusted: true, httpProxy: 'http://proxy.corp:3128', noProxy: ['internal.corp'] },
		);
		assert.deepEqual(clientEnvironment({ isTrusted: true, httpProxy: undefined, noProxy: undefined }), {
			workspaceTrusted: true,
		});
	});

	it('is read when the server starts, as initializationOptions', () => {
		let trusted = false;
		const options = createClientOptions({
			outputChannel: channel,
			otherDockerfileExtensionPresent: () => false,
			environment: () => clientEnvironment({ isTrusted: trusted, httpProxy: undefined, noProxy: undefined }),
		});
		const read = options.initializationOptions as () => unknown;
		assert.deepEqual(read(), { workspaceTrusted: false });
		trusted = true;
		assert.deepEqual(read(), { workspaceTrusted: true });
	});
});
