import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	HARDEN_LATER_NOTE,
	PIN_NOT_YET_MESSAGE,
	createCommands,
	hardenSummary,
	type CommandDeps,
	type EditorDocument,
	type RulePickItem,
} from '../../client/src/commands';
import { ClientCommands, ServerCommands, type ApplyAllFixesResult, type RuleInfo } from '../../server/src/protocol';

interface Recorded {
	requests: [string, readonly unknown[]][];
	info: string[];
	warnings: string[];
	errors: string[];
	picked: (readonly RulePickItem[])[];
	opened: string[];
	outputShown: number;
}

/** Fakes of VS Code and the language client; `answer` is what the server "returns". */
function fakes(
	document: EditorDocument | undefined,
	answer: (command: string) => unknown,
	pick: (items: readonly RulePickItem[]) => RulePickItem | undefined = () => undefined,
): { deps: CommandDeps; recorded: Recorded } {
	const recorded: Recorded = {
		requests: [],
		info: [],
		warnings: [],
		errors: [],
		picked: [],
		opened: [],
		outputShown: 0,
	};
	const deps: CommandDeps = {
		executeServerCommand: async (command, args) => {
			recorded.requests.push([command, args]);
			return answer(command);
		},
		activeDocument: () => document,
		showInformationMessage: (m) => recorded.info.push(m),
		showWarningMessage: (m) => recorded.warnings.push(m),
		showErrorMessage: (m) => recorded.errors.push(m),
		pick: async (items) => {
			recorded.picked.push(items);
			return pick(items);
		},
		openExternal: async (url) => recorded.opened.push(url),
		showOutput: () => {
			recorded.outputShown++;
		},
	};
	return { deps, recorded };
}

const DOCKERFILE: EditorDocument = { uri: 'file:///w/Dockerfile', version: 7, languageId: 'dockerfile' };
const APPLIED: ApplyAllFixesResult = {
	outcome: 'applied',
	applied: 2,
	remaining: 3,
	titles: ['DH402: Add --no-cache-dir to pip install', 'DH502: Use the docker/dockerfile:1 frontend'],
};

void describe('user commands', () => {
	it('has a handler for every client command', () => {
		const { deps } = fakes(undefined, () => null);
		assert.deepEqual(Object.keys(createCommands(deps)).sort(), Object.values(ClientCommands).sort());
	});

	it('Harden Dockerfile asks the server for every safe and review fix of this version, then summarises', async () => {
		const { deps, recorded } = fakes(DOCKERFILE, () => APPLIED);
		await createCommands(deps)[ClientCommands.hardenDockerfile]();
		assert.deepEqual(recorded.requests, [
			[ServerCommands.applyAllFixes, [{ uri: 'file:///w/Dockerfile', version: 7, includeReview: true }]],
		]);
		assert.deepEqual(recorded.info, [
			'Harden Dockerfile applied 2 fixes: DH402: Add --no-cache-dir to pip install; DH502: Use the docker/dockerfile:1 frontend. ' +
				`3 findings still need a human (see the Problems panel). ${HARDEN_LATER_NOTE}`,
		]);
		assert.match(HARDEN_LATER_NOTE, /secret mounts, a non-root user and multi-stage rewrites come in a later version/i);
	});

	it('Harden Dockerfile without an active Dockerfile warns and sends nothing', async () => {
		for (const document of [undefined, { uri: 'file:///w/a.py', version: 1, languageId: 'python' }]) {
			const { deps, recorded } = fakes(document, () => APPLIED);
			await createCommands(deps)[ClientCommands.hardenDockerfile]();
			assert.deepEqual(recorded.requests, []);
			assert.deepEqual(recorded.warnings, ['Open a Dockerfile in the editor first.']);
		}
	});

	it('Harden Dockerfile reports a stale document as a warning and a failed request as an error', async () => {
		const stale = fakes(DOCKERFILE, () => ({ outcome: 'stale', applied: 0, remaining: 0, titles: [] }));
		await createCommands(stale.deps)[ClientCommands.hardenDockerfile]();
		assert.deepEqual(stale.recorded.warnings, [
			'The Dockerfile changed while Harden Dockerfile ran. Nothing was changed; run it again.',
		]);
		const failing = fakes(DOCKERFILE, () => {
			throw new Error('Client is not running');
		});
		await createCommands(failing.deps)[ClientCommands.hardenDockerfile]();
		assert.deepEqual(failing.recorded.errors, ['Harden Dockerfile failed: Client is not running']);
	});

	it('Pin All Images to Digests says plainly that it comes later, and contacts nothing', async () => {
		const { deps, recorded } = fakes(DOCKERFILE, () => null);
		await createCommands(deps)[ClientCommands.pinImageDigests]();
		assert.deepEqual(recorded.requests, []);
		assert.deepEqual(recorded.info, [PIN_NOT_YET_MESSAGE]);
		assert.match(PIN_NOT_YET_MESSAGE, /later version/);
		assert.match(PIN_NOT_YET_MESSAGE, /no registry was contacted/);
	});

	it('Show Rule Documentation picks a rule (id — summary) from the server and opens its page', async () => {
		const rules: RuleInfo[] = [
			{ id: 'DH101', name: 'no-root-user', summary: 'Runs as root.', url: 'https://docs/DH101-no-root-user.md' },
			{
				id: 'DH402',
				name: 'pip-no-cache-dir',
				summary: 'pip cache kept.',
				url: 'https://docs/DH402-pip-no-cache-dir.md',
			},
		];
		const { deps, recorded } = fakes(
			undefined,
			() => rules,
			(items) => items[1],
		);
		await createCommands(deps)[ClientCommands.showRuleDocs]();
		assert.deepEqual(recorded.requests, [[ServerCommands.listRules, []]]);
		assert.deepEqual(recorded.picked, [
			[
				{ label: 'DH101 — Runs as root.', description: 'no-root-user', url: 'https://docs/DH101-no-root-user.md' },
				{
					label: 'DH402 — pip cache kept.',
					description: 'pip-no-cache-dir',
					url: 'https://docs/DH402-pip-no-cache-dir.md',
				},
			],
		]);
		assert.deepEqual(recorded.opened, ['https://docs/DH402-pip-no-cache-dir.md']);
	});

	it('Show Rule Documentation opens nothing when the pick is dismissed', async () => {
		const { deps, recorded } = fakes(undefined, () => []);
		await createCommands(deps)[ClientCommands.showRuleDocs]();
		assert.deepEqual(recorded.opened, []);
	});

	it('Show Output shows the channel', async () => {
		const { deps, recorded } = fakes(undefined, () => null);
		await createCommands(deps)[ClientCommands.showOutput]();
		assert.equal(recorded.outputShown, 1);
	});
});

void describe('hardenSummary', () => {
	it('covers every outcome', () => {
		assert.equal(
			hardenSummary({ outcome: 'nothing', applied: 0, remaining: 1, titles: [] }),
			`Harden Dockerfile found nothing it can fix automatically. 1 finding still needs a human (see the Problems panel). ${HARDEN_LATER_NOTE}`,
		);
		assert.equal(
			hardenSummary({ outcome: 'applied', applied: 1, remaining: 0, titles: ['DH402: x', 'DH402: x'] }),
			`Harden Dockerfile applied 1 fix: DH402: x. ${HARDEN_LATER_NOTE}`,
		);
		assert.match(hardenSummary({ outcome: 'rejected', applied: 0, remaining: 0, titles: [] }), /did not apply/);
		assert.match(hardenSummary({ outcome: 'unknownDocument', applied: 0, remaining: 0, titles: [] }), /does not know/);
	});
});
