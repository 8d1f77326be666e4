/**
 * Activation: starts the language server and registers the user commands. Everything testable lives in
 * languageClient.ts and commands.ts.
 */
import * as vscode from 'vscode';
import {
	DidChangeConfigurationNotification,
	ExecuteCommandRequest,
	LanguageClient,
	TransportKind,
} from 'vscode-languageclient/node';
import { Notifications } from '../../server/src/protocol';
import { createCommands } from './commands';
import { createErrorHandler } from './restart';
import {
	CLIENT_ID,
	CLIENT_NAME,
	OTHER_DOCKERFILE_EXTENSIONS,
	clientEnvironment,
	createClientOptions,
	createServerOptions,
} from './languageClient';

let client: LanguageClient | undefined;

/** Starts the client. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
	const outputChannel = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
	const otherDockerfileExtensionPresent = (): boolean =>
		OTHER_DOCKERFILE_EXTENSIONS.some((id) => vscode.extensions.getExtension(id) !== undefined);
	const environment = () =>
		clientEnvironment({
			isTrusted: vscode.workspace.isTrusted,
			httpProxy: vscode.workspace.getConfiguration('http').get('proxy'),
			noProxy: vscode.workspace.getConfiguration('http').get('noProxy'),
		});
	const languageClient = new LanguageClient(
		CLIENT_ID,
		CLIENT_NAME,
		createServerOptions(context.asAbsolutePath('dist/server.js'), TransportKind.ipc),
		createClientOptions({
			outputChannel,
			otherDockerfileExtensionPresent,
			environment,
			// Restart a crashed server and say so once (restart.ts).
			errorHandler: createErrorHandler({
				name: CLIENT_NAME,
				notify: (message) => {
					void vscode.window.showWarningMessage(message, 'Show Output').then((choice) => {
						if (choice) {
							outputChannel.show();
						}
					});
				},
				log: (message) => outputChannel.warn(message),
			}),
		}),
	);
	const sendEnvironment = (): void => {
		if (languageClient.isRunning()) {
			languageClient
				.sendNotification(Notifications.clientEnvironment, environment())
				.catch((error: unknown) =>
					outputChannel.error(`Telling the server about trust or proxy failed: ${String(error)}`),
				);
		}
	};
	client = languageClient;
	const handlers = createCommands({
		executeServerCommand: (command, args, token) =>
			languageClient.sendRequest(ExecuteCommandRequest.type, { command, arguments: [...args] }, token),
		withProgress: (title, task) =>
			vscode.window.withProgress(
				{ location: vscode.ProgressLocation.Notification, title, cancellable: true },
				(_progress, token) => task(token),
			),
		activeDocument: () => {
			const document = vscode.window.activeTextEditor?.document;
			return document && { uri: document.uri.toString(), version: document.version, languageId: document.languageId };
		},
		showInformationMessage: (message) => vscode.window.showInformationMessage(message),
		showWarningMessage: (message) => vscode.window.showWarningMessage(message),
		offerSummary: async (message, markdown) => {
			const choice = await vscode.window.showInformationMessage(message, 'Show Summary');
			if (choice === 'Show Summary') {
				const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
				await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
			}
		},
		showErrorMessage: (message) => vscode.window.showErrorMessage(message),
		pick: (items, placeHolder) => vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true }),
		openExternal: (url) => vscode.env.openExternal(vscode.Uri.parse(url)),
		showOutput: () => outputChannel.show(),
	});
	for (const [id, handler] of Object.entries(handlers)) {
		context.subscriptions.push(vscode.commands.registerCommand(id, handler));
	}
	// Installing or removing a Docker extension changes what `languageFeatures: auto` means: make the server re-read.
	context.subscriptions.push(
		vscode.extensions.onDidChange(() => {
			if (languageClient.isRunning()) {
				languageClient
					.sendNotification(DidChangeConfigurationNotification.type, { settings: null })
					.catch((error: unknown) =>
						outputChannel.error(`Telling the server about extensions failed: ${String(error)}`),
					);
			}
		}),
		// The server contacts registries only once the workspace is trusted, and through VS Code's proxy.
		vscode.workspace.onDidGrantWorkspaceTrust(sendEnvironment),
		vscode.workspace.onDidChangeConfiguration((event) => {
			if (event.affectsConfiguration('http.proxy') || event.affectsConfiguration('http.noProxy')) {
				sendEnvironment();
			}
		}),
		outputChannel,
	);
	await languageClient.start();
}

/** Stops the client (and with it the server). */
export async function deactivate(): Promise<void> {
	await client?.stop();
	client = undefined;
}
