import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { LspSession, VSCODE_CAPABILITIES } from '../harness/lsp';

const DOCKERFILE = 'FROM python:3.12-slim\nRUN pip install flask\n';

function codes(params: { diagnostics: { code?: string | number }[] }): (string | number | undefined)[] {
	return params.diagnostics.map((d) => d.code).filter((c) => typeof c === 'string' && c.startsWith('DH'));
}

void describe('project config file in the language server', () => {
	const dir = mkdtempSync(join(tmpdir(), 'dh-server-config-'));
	after(() => rmSync(dir, { recursive: true, force: true }));
	const uri = pathToFileURL(join(dir, 'Dockerfile')).toString();
	const configPath = join(dir, '.dockerfile-harden.yaml');
	const configUri = pathToFileURL(configPath).toString();
	const capabilities = {
		...VSCODE_CAPABILITIES,
		workspace: { ...VSCODE_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: true } },
	};

	it('lays the file under the editor settings, shows a bad key on the file, and follows its changes', async () => {
		writeFileSync(configPath, 'rules:\n  DH403: off\n  DH999: off\n');
		const session = await LspSession.start({ capabilities, settings: { rules: { DH101: 'off' } } });
		try {
			const first = await session.open(uri, DOCKERFILE);
			// DH403 off by the file, DH101 off by the editor; the rest reported.
			assert.deepEqual(codes(first), ['DH201', 'DH402']);
			const problems = await session.diagnostics((p) => p.uri === configUri);
			assert.deepEqual(
				problems.diagnostics.map((d) => [d.range.start.line, d.message]),
				[
					[
						2,
						'rules.DH999 is not a rule id or name (see docs/rules). This key is ignored; the rest of the file applies.',
					],
				],
			);
			await session.settle();
			assert.ok(
				session.registrations.some((r) => r.method === DidChangeWatchedFilesNotification.method),
				'watches config and build-context files',
			);

			writeFileSync(configPath, 'rules:\n  DH402: off\n');
			const mark = session.published.length;
			await session.client.sendNotification(DidChangeWatchedFilesNotification.type, {
				changes: [{ uri: configUri, type: FileChangeType.Changed }],
			});
			const cleared = await session.diagnostics((p) => p.uri === configUri && p.diagnostics.length === 0, mark);
			assert.deepEqual(cleared.diagnostics, []);
			const after = await session.diagnostics((p) => p.uri === uri && !codes(p).includes('DH402'), mark);
			assert.deepEqual(codes(after), ['DH201', 'DH403']);
		} finally {
			await session.dispose();
		}
	});

	it('takes only rule levels from the repository in an untrusted workspace', async () => {
		writeFileSync(configPath, 'rules:\n  DH403: off\ntrustedRegistries: [ghcr.io]\n');
		const session = await LspSession.start({ capabilities, initializationOptions: { workspaceTrusted: false } });
		try {
			const published = await session.open(uri, DOCKERFILE);
			// DH207 would report python:3.12-slim if the file's trustedRegistries applied.
			assert.deepEqual(codes(published), ['DH101', 'DH201', 'DH402']);
		} finally {
			await session.dispose();
		}
	});
});
