/**
 * The language server's entry point (bundled to dist/server.js, started by the VS Code client over IPC and by other
 * editors as `dockerfile-harden-server --stdio`). The transport comes from the command line.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './startServer';

startServer(createConnection(ProposedFeatures.all));
