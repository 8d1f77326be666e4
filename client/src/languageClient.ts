/**
 * Builds the language client's options. Pure: everything from VS Code comes in as a parameter, so this module runs
 * in plain Node tests (`vscode` cannot be loaded outside an extension host).
 */
import type { LogOutputChannel } from 'vscode';
import type { ConfigurationItem, ErrorHandler } from 'vscode-languageclient';
import type { LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { CONFIGURATION_SECTION, type ClientEnvironment } from '../../server/src/protocol';

/** Client id: VS Code reads the trace level from `<id>.trace.server`. */
export const CLIENT_ID = 'dockerfileHarden';

/** Display name, also the output channel's name. */
export const CLIENT_NAME = 'Dockerfile Harden';

/**
 * Extensions that bring their own Dockerfile completion, hover and formatting; with any of them present,
 * `languageFeatures: auto` means off so nothing shows twice.
 */
export const OTHER_DOCKERFILE_EXTENSIONS = [
	'docker.docker',
	'ms-azuretools.vscode-containers',
	'ms-azuretools.vscode-docker',
] as const;

/** Dockerfiles on disk and unsaved ones. */
export const DOCUMENT_SELECTOR = [
	{ scheme: 'file', language: 'dockerfile' },
	{ scheme: 'untitled', language: 'dockerfile' },
];

/**
 * Node flags for the server process. V8 grows its young generation to 2 × 16 MB during the bursts of allocation
 * that analysing many files makes, and keeps it: capped at 2 MB per half, the server's resident memory after opening
 * 200 files drops by about 35 MB (158 to 121 MB) at no measurable cost in speed (docs/performance.md).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** How to start the bundled server; the debug launch waits for an inspector on port 6009. */
export function createServerOptions(serverModule: string, transport: TransportKind): ServerOptions {
	return {
		run: { module: serverModule, transport, options: { execArgv: [...SERVER_NODE_FLAGS] } },
		debug: {
			module: serverModule,
			transport,
			options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6009'] },
		},
	};
}

/** What `languageFeatures` means for the server: `auto` becomes `on` or `off`. */
export function resolveLanguageFeatures(mode: unknown, otherExtensionPresent: boolean): unknown {
	if (mode === 'auto' || mode === undefined) {
		return otherExtensionPresent ? 'off' : 'on';
	}
	return mode;
}

/** Rewrites the client's answer to `workspace/configuration` so `auto` never reaches the server. */
export function rewriteConfiguration(
	items: readonly ConfigurationItem[],
	results: readonly unknown[],
	otherExtensionPresent: boolean,
): unknown[] {
	return results.map((result, i) => {
		if (items[i]?.section !== CONFIGURATION_SECTION) {
			return result;
		}
		const settings =
			typeof result === 'object' && result !== null && !Array.isArray(result)
				? (result as Record<string, unknown>)
				: {};
		return { ...settings, languageFeatures: resolveLanguageFeatures(settings.languageFeatures, otherExtensionPresent) };
	});
}

/** What VS Code says that the server cannot see for itself. */
export interface EnvironmentSources {
	/** `vscode.workspace.isTrusted`. */
	readonly isTrusted: boolean;
	/** `http.proxy`. */
	readonly httpProxy: unknown;
	/** `http.noProxy`. */
	readonly noProxy: unknown;
}

/**
 * The {@link ClientEnvironment} sent at start (`initializationOptions`) and on change: workspace trust (the server
 * contacts no registry in an untrusted workspace) and VS Code's proxy settings.
 */
export function clientEnvironment(sources: EnvironmentSources): ClientEnvironment {
	const proxy = typeof sources.httpProxy === 'string' ? sources.httpProxy.trim() : '';
	const noProxy = Array.isArray(sources.noProxy)
		? sources.noProxy.filter((h): h is string => typeof h === 'string' && h.trim() !== '')
		: [];
	return {
		workspaceTrusted: sources.isTrusted,
		...(proxy !== '' ? { httpProxy: proxy } : {}),
		...(noProxy.length > 0 ? { noProxy } : {}),
	};
}

/** What the client options need from VS Code. */
export interface ClientOptionsDeps {
	readonly outputChannel: LogOutputChannel;
	/** Whether Docker DX, Container Tools or the Docker extension is installed and enabled. */
	readonly otherDockerfileExtensionPresent: () => boolean;
	/** Workspace trust and proxy, read when the server starts. */
	readonly environment?: () => ClientEnvironment;
	/** What to do when the server crashes (restart.ts); vscode-languageclient's default when absent. */
	readonly errorHandler?: ErrorHandler;
}

/** The language client's options. */
export function createClientOptions(deps: ClientOptionsDeps): LanguageClientOptions {
	return {
		documentSelector: DOCUMENT_SELECTOR,
		outputChannel: deps.outputChannel,
		// A function: read at every (re)start of the server, so a restart after granting trust sends the new state.
		initializationOptions: deps.environment ? () => deps.environment?.() : undefined,
		errorHandler: deps.errorHandler,
		middleware: {
			workspace: {
				configuration: async (params, token, next) => {
					const results = await next(params, token);
					return Array.isArray(results)
						? rewriteConfiguration(params.items, results, deps.otherDockerfileExtensionPresent())
						: results;
				},
			},
		},
	};
}
