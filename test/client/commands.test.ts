import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
	PIN_PROGRESS_TITLE,
	createCommands,
	hardenMessage,
	type CommandDeps,
	type EditorDocument,
	type RulePickItem,
} from '../../client/src/commands';
import {
	ClientCommands,
	ServerCommands,
	type HardenResult,
	type PinResult,
	type RuleInfo,
} from '../../server/src/protocol';

interface Recorded {
	requests: [string, readonly unknown[]][];
	info: string[];
	warnings: string[];
	errors: string[];
	picked: (readonly RulePickItem[])[];
	opened: string[];
	outputShown: number;
	progress: string[];
	summaries: [string, string][];
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
		progress: [],
		summaries: [],
	};
	const deps: CommandDeps = {
		executeServerCommand: async (command, args) => {
			recorded.requests.push([command, args]);
			return answer(command);
		},
		withProgress: async (title, task) => {
			recorded.progress.push(title);
			return task({ isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) });
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
		offerSummary: async (message, markdown) => recorded.summaries.push([message, markdown]),
	};
	return { deps, recorded };
}

const DOCKERFILE: EditorDocument = { uri: 'file:///w/Dockerfile', version: 7, languageId: 'dockerfile' };
const APPLIED: HardenResult = {
	outcome: 'applied',
	rules: ['DH301', 'DH402'],
	remaining: 3,
	secrets: [{ id: 'pypi_token', env: 'PYPI_TOKEN' }],
	summary: '# Harden Dockerfile\n',
};

void describe('user commands', () => {
	it('has a handler for every client command', () => {
		const { deps } = fakes(undefined, () => null);
		assert.deepEqual(Object.keys(createCommands(deps)).sort(), Object.values(ClientCommands).sort());
	});

	it('Harden Dockerfile asks the server to harden this version (with pinning), then offers the summary', async () => {
		const { deps, recorded } = fakes(DOCKERFILE, () => APPLIED);
		await createCommands(deps)[ClientCommands.hardenDockerfile]();
		assert.deepEqual(recorded.requests, [
			[ServerCommands.harden, [{ uri: 'file:///w/Dockerfile', version: 7, pin: true }]],
		]);
		assert.deepEqual(recorded.summaries, [
			[
				'Harden Dockerfile applied the changes of 2 rules (DH301, DH402). 3 findings still need a person. ' +
					'The build now needs 1 secret (pypi_token): see the summary for the command.',
				'# Harden Dockerfile\n',
			],
		]);
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
		const stale = fakes(DOCKERFILE, () => ({ ...APPLIED, outcome: 'stale', rules: [], secrets: [] }));
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

	it('Pin All Images to Digests asks the server under a progress notification and shows its report', async () => {
		const result: PinResult = {
			outcome: 'applied',
			references: [
				{ image: 'python:3.11-slim', site: 'from', line: 0, status: 'pinned', digest: `sha256:${'a'.repeat(64)}` },
				{ image: 'busybox:1.36', site: 'copyFrom', line: 3, status: 'pinned', digest: `sha256:${'b'.repeat(64)}` },
			],
		};
		const { deps, recorded } = fakes(DOCKERFILE, () => result);
		await createCommands(deps)[ClientCommands.pinImageDigests]();
		assert.deepEqual(recorded.progress, [PIN_PROGRESS_TITLE]);
		assert.deepEqual(recorded.requests, [
			[ServerCommands.pinAllImages, [{ uri: DOCKERFILE.uri, version: 7, quiet: true }]],
		]);
		assert.deepEqual(recorded.info, ['Pinned 2 images to their digests.']);
	});

	it('Pin All Images to Digests says why a reference failed, and one sentence when all failed alike', async () => {
		const partly = fakes(DOCKERFILE, () => ({
			outcome: 'applied',
			references: [
				{ image: 'python:3.11-slim', site: 'from', line: 0, status: 'pinned', digest: `sha256:${'a'.repeat(64)}` },
				{ image: 'ghcr.io/o/x:1', site: 'from', line: 4, status: 'failed', reason: 'ghcr.io has no image o/x:1.' },
			],
		}));
		await createCommands(partly.deps)[ClientCommands.pinImageDigests]();
		assert.deepEqual(partly.recorded.warnings, [
			'Pinned 1 of 2 images. ghcr.io/o/x:1 (line 5) was not pinned: ghcr.io has no image o/x:1.',
		]);
		const reason = 'Could not connect to 127.0.0.1:5000: the connection was refused.';
		const offline = fakes(DOCKERFILE, () => ({
			outcome: 'nothing',
			references: [
				{ image: 'a:1', site: 'from', line: 0, status: 'failed', reason },
				{ image: 'b:1', site: 'from', line: 2, status: 'failed', reason },
			],
		}));
		await createCommands(offline.deps)[ClientCommands.pinImageDigests]();
		assert.deepEqual(offline.recorded.errors, [`Nothing was changed: ${reason}`]);
	});

	it("Pin All Images to Digests in an untrusted workspace passes on the server's refusal", async () => {
		const message = 'Dockerfile Harden contacts no registry in an untrusted workspace.';
		const { deps, recorded } = fakes(DOCKERFILE, () => ({ outcome: 'untrusted', references: [], message }));
		await createCommands(deps)[ClientCommands.pinImageDigests]();
		assert.deepEqual(recorded.warnings, [message]);
	});

	it('Pin All Images to Digests needs a Dockerfile in the editor', async () => {
		const { deps, recorded } = fakes(undefined, () => null);
		await createCommands(deps)[ClientCommands.pinImageDigests]();
		assert.deepEqual(recorded.requests, []);
		assert.deepEqual(recorded.warnings, ['Open a Dockerfile in the editor first.']);
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

void describe('hardenMessage', () => {
	it('covers every outcome', () => {
		const base = { rules: [], remaining: 1, secrets: [], summary: '' };
		assert.deepEqual(hardenMessage({ ...base, outcome: 'nothing' }), {
			level: 'info',
			text: 'Harden Dockerfile found nothing it can change. 1 finding still needs a person.',
		});
		assert.deepEqual(hardenMessage({ ...base, outcome: 'applied', rules: ['DH402'], remaining: 0 }), {
			level: 'info',
			text: 'Harden Dockerfile applied the changes of 1 rule (DH402). Nothing is left for a person.',
		});
		for (const outcome of ['stale', 'rejected', 'cancelled', 'unknownDocument'] as const) {
			assert.equal(hardenMessage({ ...base, outcome }).level, 'warning');
		}
	});
});
