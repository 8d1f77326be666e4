/**
 * The packaged extension in real VS Code (code-server), in a trusted workspace: what a user sees and does with the
 * insecure example. The CLI is the oracle for what the editor must show and write, so these scenarios test the
 * editor integration, not the rules (the unit, protocol and golden tests do that).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { CLIENT_NAME } from '../../client/src/languageClient';
import { restartMessages } from '../../client/src/restart';
import { languageServerPids } from './harness/codeServer';
import { cliFindings, cliFixed, type CliFinding, type Workspace } from './harness/fixture';
import { launchChromium, runScenario } from './harness/scenario';
import { until, type ProblemRow } from './harness/workbench';

/** A scenario may take minutes on a loaded CI machine: code-server, the workbench and the extension all start fresh. */
const SCENARIO = { timeout: 300_000 };

/** The Problems panel shows errors, warnings and information; hints only as dots in the editor. */
function listed(findings: readonly CliFinding[]): CliFinding[] {
	return findings.filter((f) => f.severity !== 'hint');
}

/** Comparable form of a finding, from the CLI or from a Problems row. */
function key(f: { code?: string; ruleId?: string; line: number; column: number; message: string }): string {
	return `${f.ruleId ?? f.code} ${f.line}:${f.column} ${f.message}`;
}

function sameFindings(rows: readonly ProblemRow[], findings: readonly CliFinding[]): boolean {
	const a = rows.map(key).sort();
	const b = listed(findings).map(key).sort();
	return a.length === b.length && a.every((k, i) => k === b[i]);
}

void describe('Dockerfile Harden in VS Code', () => {
	let browser: Browser;

	before(async () => {
		browser = await launchChromium();
	});

	after(async () => {
		await browser?.close();
	});

	it(
		'lists the insecure example’s findings in the Problems panel, with their codes and docs links',
		SCENARIO,
		async () => {
			await runScenario(browser, 'problems panel', {}, async ({ workspace, workbench, shot, metric }) => {
				const expected = cliFindings(workspace.file('Dockerfile'));
				for (const id of ['DH101', 'DH201', 'DH301', 'DH302', 'DH401', 'DH402', 'DH501', 'DH502']) {
					assert.ok(
						expected.some((f) => f.ruleId === id),
						`the insecure example triggers ${id}`,
					);
				}
				await workbench.showProblems();
				const opened = Date.now();
				await workbench.openFile('Dockerfile');
				// Opening the file activates the extension (onLanguage:dockerfile), starts the server and lints.
				await workbench.page.locator('.markers-panel .marker-code').first().waitFor();
				metric('open Dockerfile to first diagnostic (ms)', Date.now() - opened);

				await until(
					'the Problems panel to count what the CLI finds',
					() => workbench.problemCount(),
					(n) => n === listed(expected).length,
				);
				await shot('problems');
				const rows = await until(
					'the Problems panel to list what the CLI finds',
					() => workbench.allProblems(),
					(r) => sameFindings(r, expected),
				);
				for (const row of rows) {
					const finding = expected.find((f) => key(f) === key(row));
					assert.equal(row.href, finding?.docsUrl, `${row.code} links to its docs page`);
					assert.equal(row.severity, finding?.severity, `${row.code} keeps its severity`);
				}

				// VS Code's own measure of the extension's activation (code loading and activate()).
				await workbench.runCommand('Developer: Show Running Extensions');
				const time = await workbench.page
					.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Dockerfile Harden' })
					.locator('.activation-time')
					.innerText();
				const activation = /(\d+)\s*ms/.exec(time);
				assert.ok(activation, `activation time shown: ${time}`);
				metric('activation (ms, Running Extensions)', Number(activation[1]));
			});
		},
	);

	it('shows the message and the docs link when hovering a squiggle', SCENARIO, async () => {
		await runScenario(browser, 'hover', {}, async ({ workspace, workbench, shot }) => {
			const finding = cliFindings(workspace.file('Dockerfile')).find((f) => f.ruleId === 'DH301' && f.line === 2);
			assert.ok(finding, 'DH301 on ARG PYPI_TOKEN');
			await workbench.openFile('Dockerfile');
			const hover = await workbench.hoverSquiggle(2, 'error');
			await until(
				'the hover to show the DH301 message',
				() => hover.innerText(),
				(text) => text.includes(finding.message),
			);
			const link = hover.locator('a.code-link');
			assert.equal(await link.innerText(), 'DH301');
			assert.equal(await link.getAttribute('href'), finding.docsUrl);
			await shot('hover');
		});
	});

	it('applies a quick fix from the light bulb', SCENARIO, async () => {
		await runScenario(browser, 'quick fix', {}, async ({ workspace, workbench, shot }) => {
			const original = workspace.read('Dockerfile');
			const expected = original.replace('RUN pip install ', 'RUN pip install --no-cache-dir ');
			assert.notEqual(expected, original);
			await workbench.openFile('Dockerfile');
			await workbench.page.locator('.squiggly-warning').first().waitFor();
			await workbench.goTo(7, 10);
			const titles = await workbench.openLightBulb(7);
			for (const title of ['Add --no-cache-dir to pip install', 'Ignore DH402 for this instruction']) {
				assert.ok(titles.includes(title), `${title} in ${JSON.stringify(titles)}`);
			}
			await shot('menu');
			await workbench.pickAction('Add --no-cache-dir to pip install');
			await workbench.waitForEditorText(expected);
			// The fix edits the buffer; the user saves.
			await workbench.waitForDirty(true);
			await workbench.save();
			await until(
				'the file on disk to have the fix',
				() => workspace.read('Dockerfile'),
				(t) => t === expected,
			);
			await until(
				'DH402 to leave the Problems panel',
				async () => {
					await workbench.showProblems();
					return workbench.problems();
				},
				(rows) => rows.length > 0 && !rows.some((r) => r.code === 'DH402'),
			);
		});
	});

	it('applies the safe fixes on save with source.fixAll.dockerfileHarden', SCENARIO, async () => {
		const options = {
			prepare: (workspace: Workspace) =>
				workspace.writeSettings({ 'editor.codeActionsOnSave': { 'source.fixAll.dockerfileHarden': 'explicit' } }),
		};
		await runScenario(browser, 'fix on save', options, async ({ workspace, workbench }) => {
			const original = workspace.read('Dockerfile');
			const expected = cliFixed(workspace.file('Dockerfile'), '--fix');
			assert.notEqual(expected, original, 'the insecure example has safe fixes');
			await workbench.openFile('Dockerfile');
			await workbench.page.locator('.squiggly-warning').first().waitFor();
			await workbench.save();
			await until(
				'the saved file to carry the safe fixes',
				() => workspace.read('Dockerfile'),
				(t) => t === expected,
			);
			await workbench.waitForEditorText(expected);
			await workbench.waitForDirty(false);
		});
	});

	it('drops a rule’s findings when the rule is turned off in the settings', SCENARIO, async () => {
		await runScenario(browser, 'rule off', {}, async ({ workspace, workbench }) => {
			const withoutDh501 = cliFindings(workspace.file('Dockerfile'), { DH501: 'off' });
			await workbench.openFile('Dockerfile');
			await workbench.showProblems();
			await until(
				'DH501 in the Problems panel',
				() => workbench.allProblems(),
				(rows) => rows.some((r) => r.code === 'DH501'),
			);
			// What editing .vscode/settings.json does; VS Code picks the change up from the file.
			workspace.writeSettings({ 'dockerfileHarden.rules': { DH501: 'off' } });
			await until(
				'DH501 to leave the Problems panel, and nothing else',
				() => workbench.allProblems(),
				(rows) => sameFindings(rows, withoutDh501),
			);
			assert.equal(await workbench.page.locator('.squiggly-info').count(), 0, 'DH501 was the only info finding');
		});
	});

	it('restarts a crashed language server, says so once, and goes on analysing', SCENARIO, async () => {
		await runScenario(browser, 'server restart', {}, async ({ server, workspace, workbench, shot }) => {
			const expected = listed(cliFindings(workspace.file('Dockerfile')));
			await workbench.showProblems();
			await workbench.openFile('Dockerfile');
			await until(
				'the Problems panel to count what the CLI finds',
				() => workbench.problemCount(),
				(n) => n === expected.length,
			);
			const message = restartMessages(CLIENT_NAME).restarted;
			let pids = await until(
				'one language server process',
				() => Promise.resolve(languageServerPids(server)),
				(p) => p.length === 1,
			);
			for (let crash = 1; crash <= 2; crash++) {
				const [crashed] = pids;
				process.kill(crashed, 'SIGKILL');
				pids = await until(
					`a new language server after crash ${crash}`,
					() => Promise.resolve(languageServerPids(server)),
					(p) => p.length === 1 && p[0] !== crashed,
				);
				if (crash === 1) {
					await workbench.notification(message);
					await shot('restarted');
				}
				// The new server analyses what the user types next: a line that adds one finding each time.
				const typed =
					crash === 1 ? { line: 'EXPOSE 22', code: 'DH105' } : { line: 'RUN chmod 777 /app/data', code: 'DH103' };
				await workbench.typeAtEnd(`\n${typed.line}`);
				await until(
					`${typed.code} on the line typed after crash ${crash}`,
					() => workbench.allProblems(),
					(rows) => rows.some((r) => r.code === typed.code) && rows.length === expected.length + crash,
				);
			}
			// Said once: the second crash restarted the server without another notification.
			await workbench.runCommand('Notifications: Show Notifications');
			const said = await until(
				'the notification centre to list the restart',
				() =>
					workbench.page.locator('.notifications-center .monaco-list-row', { hasText: 'stopped unexpectedly' }).count(),
				(n) => n > 0,
			);
			assert.equal(said, 1, 'the restart is announced once');
		});
	});
});
