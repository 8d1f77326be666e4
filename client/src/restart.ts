/**
 * What the client does when the language server crashes: restart it, and tell the user once. Pure (VS Code comes in
 * through {@link RestartDeps}), so plain Node tests drive it.
 *
 * vscode-languageclient's default handler restarts a crashed server up to four times in three minutes, but with the
 * default `revealOutputChannelOn: Error` it only logs the restart: the user never learns that their squiggles
 * vanished for a moment, or why. This one says so the first time, only logs later restarts, and gives up with a
 * message after {@link MAX_CRASHES} crashes within {@link CRASH_WINDOW_MS}.
 */
import type {
	CloseAction,
	CloseHandlerResult,
	ErrorAction,
	ErrorHandler,
	ErrorHandlerResult,
} from 'vscode-languageclient';

/**
 * The values of vscode-languageclient's `ErrorAction` and `CloseAction`: the enums live in a module that needs
 * `vscode` at run time, so they are spelled out here (and checked in test/client/restart.test.ts).
 */
export const Actions = {
	continue: 1 as ErrorAction.Continue,
	shutdown: 2 as ErrorAction.Shutdown,
	doNotRestart: 1 as CloseAction.DoNotRestart,
	restart: 2 as CloseAction.Restart,
} as const;

/** Crashes within {@link CRASH_WINDOW_MS} after which the server is left stopped (as vscode-languageclient does). */
export const MAX_CRASHES = 5;

/** The window in which {@link MAX_CRASHES} crashes stop the restarts. */
export const CRASH_WINDOW_MS = 3 * 60 * 1000;

/** Errors in a row on the connection after which the server is shut down (vscode-languageclient's default). */
export const MAX_CONNECTION_ERRORS = 3;

/** What the handler needs from VS Code. */
export interface RestartDeps {
	/** The product name in messages. */
	readonly name: string;
	/** Shows a message to the user (a warning notification with a way to the output). */
	readonly notify: (message: string) => void;
	/** Writes to the output channel. */
	readonly log: (message: string) => void;
	/** The clock, in milliseconds. */
	readonly now?: () => number;
}

/** The messages, for the tests and the docs. */
export function restartMessages(name: string): { readonly restarted: string; readonly gaveUp: string } {
	return {
		restarted: `The ${name} language server stopped unexpectedly and was restarted. If it keeps happening, the output channel has the details.`,
		gaveUp: `The ${name} language server crashed ${MAX_CRASHES} times in ${CRASH_WINDOW_MS / 60_000} minutes and will not be restarted. Reload the window to start it again; the output channel has the details.`,
	};
}

/** The client's error handler: restart after a crash, tell the user once, stop after too many crashes. */
export function createErrorHandler(deps: RestartDeps): ErrorHandler {
	const now = deps.now ?? Date.now;
	const messages = restartMessages(deps.name);
	const crashes: number[] = [];
	let told = false;
	return {
		error(error, _message, count): ErrorHandlerResult {
			deps.log(`Connection to the ${deps.name} server: ${error.message}`);
			if (count !== undefined && count <= MAX_CONNECTION_ERRORS) {
				return { action: Actions.continue, handled: true };
			}
			return { action: Actions.shutdown, handled: true };
		},
		closed(): CloseHandlerResult {
			const time = now();
			crashes.push(time);
			while (crashes.length > 0 && time - crashes[0] > CRASH_WINDOW_MS) {
				crashes.shift();
			}
			if (crashes.length >= MAX_CRASHES) {
				// Not handled: the client shows this one as an error notification.
				return { action: Actions.doNotRestart, message: messages.gaveUp };
			}
			deps.log(
				`The ${deps.name} server stopped; restarting it (${crashes.length} in the last ${CRASH_WINDOW_MS / 60_000} minutes).`,
			);
			if (!told) {
				told = true;
				deps.notify(messages.restarted);
			}
			// Handled: the client only logs its own "will restart" line.
			return { action: Actions.restart, handled: true };
		},
	};
}
