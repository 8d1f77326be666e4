/**
 * Wires the language server onto a connection. The connection is a parameter so tests drive the real server over
 * an in-memory stream pair (vscode-languageserver-node's own tests do the same).
 */
import {
	CodeActionKind,
	DidChangeConfigurationNotification,
	TextDocuments,
	TextDocumentSyncKind,
	type Connection,
	type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionProvider, type ClientSupport } from './features/codeActions';
import { connectionLog, DiagnosticsPublisher, errorText } from './features/diagnostics';
import { CommandHandler, serverCommandIds } from './features/executeCommand';
import { LanguageFeatures } from './features/languageFeatures';
import { PinService } from './features/pinning';
import { loadShellParser } from './node/shellParser';
import { CONFIGURATION_SECTION, FIX_ALL_KIND, Notifications } from './protocol';
import { DocumentSettings } from './settings';

/** Registers every handler on `connection` and starts listening. */
export function startServer(connection: Connection): void {
	const documents = new TextDocuments(TextDocument);
	const log = connectionLog(connection);
	let support: ClientSupport = { codeActionLiterals: false, documentChanges: false, showDocument: false };
	let canPullSettings = false;
	let dynamicConfiguration = false;

	const settings = new DocumentSettings(connection, () => canPullSettings);
	const pins = new PinService({ connection, documents, settings, support: () => support, log });
	const languageFeatures = new LanguageFeatures(connection, documents, settings, (params, token) =>
		pins.hover(params, token),
	);
	const diagnostics = new DiagnosticsPublisher(connection, documents, settings, () =>
		languageFeatures.syntaxValidator(),
	);
	const deps = { connection, documents, settings, diagnostics, languageFeatures, support: () => support, pins };
	const codeActions = new CodeActionProvider(deps);
	const commands = new CommandHandler(deps);

	connection.onInitialize(async (params): Promise<InitializeResult> => {
		const capabilities = params.capabilities;
		canPullSettings = capabilities.workspace?.configuration === true;
		dynamicConfiguration = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
		support = {
			codeActionLiterals: capabilities.textDocument?.codeAction?.codeActionLiteralSupport !== undefined,
			documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
			showDocument: capabilities.window?.showDocument?.support === true,
			workDoneProgress: capabilities.window?.workDoneProgress === true,
		};
		// Workspace trust and the editor's proxy (ClientEnvironment); a client that sends nothing is trusted.
		pins.updateEnvironment(params.initializationOptions);
		try {
			await loadShellParser();
		} catch (error) {
			// The RUN rules report themselves as failed; everything else still works.
			log.error(`Loading the shell parser failed: ${errorText(error)}`);
		}
		return {
			capabilities: {
				textDocumentSync: TextDocumentSyncKind.Incremental,
				codeActionProvider: support.codeActionLiterals
					? { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] }
					: true,
				executeCommandProvider: { commands: [...serverCommandIds] },
				...languageFeatures.initialize(capabilities),
			},
			serverInfo: { name: 'dockerfile-harden' },
		};
	});

	connection.onInitialized(() => {
		if (dynamicConfiguration) {
			// Ask to be told when our section changes; settings are then pulled again per document.
			connection.client
				.register(DidChangeConfigurationNotification.type, { section: CONFIGURATION_SECTION })
				.catch((error: unknown) => {
					log.error(`Registering for configuration changes failed: ${errorText(error)}`);
				});
		}
		void languageFeatures.refresh();
		diagnostics.validateAll();
	});

	connection.onDidChangeConfiguration((change) => {
		settings.clear(change.settings);
		void languageFeatures.refresh();
		diagnostics.validateAll();
	});

	documents.onDidChangeContent((event) => diagnostics.validate(event.document));
	documents.onDidClose((event) => {
		settings.delete(event.document.uri);
		diagnostics.close(event.document.uri);
	});

	connection.onNotification(Notifications.clientEnvironment, (params: unknown) => pins.updateEnvironment(params));
	connection.onShutdown(() => pins.dispose());

	connection.onCodeAction((params) => codeActions.provide(params));
	connection.onExecuteCommand((params, token, workDone) => commands.execute(params, token, workDone));
	languageFeatures.listen();

	documents.listen(connection);
	connection.listen();
}
