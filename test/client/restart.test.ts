import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Actions, CRASH_WINDOW_MS, MAX_CRASHES, createErrorHandler, restartMessages } from '../../client/src/restart';

/** A handler with a fake clock, recording what the user was told and what was logged. */
function harness(): {
	handler: ReturnType<typeof createErrorHandler>;
	told: string[];
	logged: string[];
	clock: { t: number };
} {
	const told: string[] = [];
	const logged: string[] = [];
	const clock = { t: 1_000_000 };
	const handler = createErrorHandler({
		name: 'Dockerfile Harden',
		notify: (m) => told.push(m),
		log: (m) => logged.push(m),
		now: () => clock.t,
	});
	return { handler, told, logged, clock };
}

void describe('the client error handler', () => {
	it('spells out the enums of vscode-languageclient (which cannot be loaded outside VS Code)', () => {
		// Read from the library's declarations, so an upgrade that renumbers them fails here.
		const declarations = readFileSync(
			// Tests run from out/test/client; the package's exports hide its declarations from require.resolve.
			path.resolve(__dirname, '../../../node_modules/vscode-languageclient/lib/common/client.d.ts'),
			'utf8',
		);
		const member = (enumName: string, name: string): number => {
			const body = new RegExp(`enum ${enumName} \\{([^}]*)\\}`).exec(declarations)?.[1] ?? '';
			return Number(new RegExp(`\\b${name} = (\\d+)`).exec(body)?.[1]);
		};
		assert.deepEqual(Actions, {
			continue: member('ErrorAction', 'Continue'),
			shutdown: member('ErrorAction', 'Shutdown'),
			doNotRestart: member('CloseAction', 'DoNotRestart'),
			restart: member('CloseAction', 'Restart'),
		});
	});

	it('restarts a crashed server and tells the user once', async () => {
		const { handler, told, logged, clock } = harness();
		for (let i = 0; i < MAX_CRASHES - 1; i++) {
			clock.t += 1000;
			assert.deepEqual(await handler.closed(), { action: Actions.restart, handled: true });
		}
		assert.deepEqual(told, [restartMessages('Dockerfile Harden').restarted]);
		assert.equal(logged.length, MAX_CRASHES - 1);
	});

	it(`stops after ${MAX_CRASHES} crashes within the window, with a message the client shows`, async () => {
		const { handler, clock } = harness();
		for (let i = 0; i < MAX_CRASHES - 1; i++) {
			clock.t += 1000;
			await handler.closed();
		}
		clock.t += 1000;
		assert.deepEqual(await handler.closed(), {
			action: Actions.doNotRestart,
			message: restartMessages('Dockerfile Harden').gaveUp,
		});
	});

	it('forgets crashes older than the window', async () => {
		const { handler, told, clock } = harness();
		for (let i = 0; i < 3 * MAX_CRASHES; i++) {
			clock.t += CRASH_WINDOW_MS / (MAX_CRASHES - 1) + 1;
			assert.equal((await handler.closed()).action, Actions.restart, `crash ${i + 1}`);
		}
		assert.equal(told.length, 1);
	});

	it('continues after a few connection errors and shuts down after more, logging each', async () => {
		const { handler, logged, told } = harness();
		const error = new Error('write EPIPE');
		assert.equal((await handler.error(error, undefined, 1)).action, Actions.continue);
		assert.equal((await handler.error(error, undefined, 3)).action, Actions.continue);
		assert.equal((await handler.error(error, undefined, 4)).action, Actions.shutdown);
		assert.equal((await handler.error(error, undefined, undefined)).action, Actions.shutdown);
		assert.equal(logged.length, 4);
		assert.deepEqual(told, []);
	});
});
