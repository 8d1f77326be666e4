/**
 * The extension and a real registry: Debian's docker-registry on loopback (test/registry's helpers), with two images
 * pushed to it, behind a proxy that records and can hold every request. In a trusted workspace "Pin All Images to
 * Digests" resolves both tags with a progress notification and writes their digests; in an untrusted one (Restricted
 * Mode) the same registry gets no request at all, whatever the user does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { cleanupAll, pushSinglePlatform, startRegistry, type RunningRegistry } from '../registry/harness';
import { existsSync } from 'node:fs';
import { cliFixed, type Workspace } from './harness/fixture';
import { startRegistryProxy } from './harness/registryProxy';
import { launchChromium, runScenario } from './harness/scenario';
import { until } from './harness/workbench';

const SCENARIO = { timeout: 300_000 };

/** A two-stage Dockerfile whose images live on `host`. */
function twoStage(host: string): string {
	return [
		`FROM ${host}/library/python:3.11 AS build`,
		'RUN pip install --no-cache-dir --prefix=/install flask',
		`FROM ${host}/library/python:3.11-slim`,
		'COPY --from=build /install /usr/local',
		'USER nobody',
		'CMD ["python", "-m", "flask", "run"]',
		'',
	].join('\n');
}

void describe('Dockerfile Harden and a registry', () => {
	let browser: Browser;
	let registry: RunningRegistry;
	const digests = new Map<string, string>();

	before(async () => {
		browser = await launchChromium();
		registry = await startRegistry();
		for (const tag of ['3.11', '3.11-slim']) {
			const image = await pushSinglePlatform({ origin: registry.origin }, 'library/python', tag, tag);
			digests.set(tag, image.digest);
		}
	});

	after(async () => {
		await browser?.close();
		await cleanupAll();
	});

	it('pins every image to its digest against a local registry, with progress', SCENARIO, async () => {
		const proxy = await startRegistryProxy(registry.origin, { hold: true });
		try {
			const prepare = (workspace: Workspace): void => workspace.write('Dockerfile', twoStage(proxy.host));
			await runScenario(browser, 'pin all images', { prepare }, async ({ workspace, workbench, shot }) => {
				const expected = twoStage(proxy.host)
					.replace('python:3.11 AS', `python:3.11@${digests.get('3.11')} AS`)
					.replace('python:3.11-slim\n', `python:3.11-slim@${digests.get('3.11-slim')}\n`);
				await workbench.openFile('Dockerfile');
				await workbench.showProblems();
				await until(
					'DH201 on both FROM lines',
					() => workbench.problems(),
					(rows) => rows.filter((r) => r.code === 'DH201').length === 2,
				);
				assert.deepEqual(proxy.requests, [], 'opening and linting contact no registry');
				await workbench.runCommand('Dockerfile Harden: Pin All Images to Digests');
				// The proxy holds the registry's answers until the progress notification is on screen.
				await workbench.notification('Pinning images to digests');
				await shot('progress');
				proxy.release();
				const report = await workbench.notification(/Pinned 2 images/);
				assert.match(report, /Pinned 2 images to their digests/);
				await workbench.page
					.locator('.notification-toast', { hasText: 'Pinning images to digests' })
					.waitFor({ state: 'hidden' });
				await workbench.waitForEditorText(expected);
				await until(
					'DH201 to leave the Problems panel',
					() => workbench.problems(),
					(rows) => rows.length > 0 && !rows.some((r) => r.code === 'DH201'),
				);
				assert.ok(proxy.requests.length > 0, 'the digests came from the registry');
				assert.equal(workspace.read('Dockerfile'), twoStage(proxy.host), 'the user saves the pinned file');
			});
		} finally {
			await proxy.close();
		}
	});

	it(
		'hardens the insecure example: preview, every fix and the digest, the .dockerignore, the summary',
		SCENARIO,
		async () => {
			const proxy = await startRegistryProxy(registry.origin);
			try {
				const image = `${proxy.host}/library/python:3.11-slim`;
				const prepare = (workspace: Workspace): void =>
					workspace.write(
						'Dockerfile',
						workspace.read('Dockerfile').replace(/^FROM python:3\.11-slim$/m, `FROM ${image}`),
					);
				await runScenario(browser, 'harden dockerfile', { prepare }, async ({ workspace, workbench, shot }) => {
					const original = workspace.read('Dockerfile');
					assert.ok(original.includes(`FROM ${image}\n`));
					// The CLI's safe and review fixes, with the registry's digest on every use of the image.
					const fixed = cliFixed(workspace.file('Dockerfile'), '--fix-unsafe');
					const expected = fixed.replace(
						new RegExp(`${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[\\s]|$)`, 'gm'),
						`${image}@${digests.get('3.11-slim')}`,
					);
					assert.notEqual(expected, fixed, 'the image is pinned');
					assert.equal(existsSync(workspace.file('.dockerignore')), false);
					await workbench.openFile('Dockerfile');
					await workbench.page.locator('.squiggly-warning').first().waitFor();
					await workbench.runCommand('Dockerfile Harden: Harden Dockerfile');
					// Review fixes need confirmation, so VS Code shows its refactor preview: safe fixes and the digest come
					// ticked, review fixes (and the new .dockerignore) unticked. The user ticks everything and applies.
					await workbench.applyRefactorPreview(async () => {
						const files = await workbench.refactorPreviewFiles();
						assert.deepEqual(
							files.map((f) => [f.text.includes('.dockerignore') ? '.dockerignore' : 'Dockerfile', f.checked]),
							[
								['.dockerignore', false],
								['Dockerfile', true],
							],
						);
						await shot('preview');
						await workbench.tickAllInRefactorPreview();
					});
					const message = await workbench.notification(/Harden Dockerfile applied/);
					assert.match(message, /applied the changes of \d+ rules \(DH\d{3}/);
					await workbench.waitForEditorText(expected);
					assert.ok(proxy.requests.length > 0, 'the digest came from the registry');
					// The .dockerignore the build context needs is created in the same edit.
					await until(
						'.dockerignore to exist',
						async () => existsSync(workspace.file('.dockerignore')),
						(e) => e,
					);
					// The summary: how to build with the secrets the fixes introduced, and how to run.
					await workbench.page
						.locator('.notification-toast', { hasText: 'Harden Dockerfile applied' })
						.getByRole('button', { name: 'Show Summary' })
						.click();
					const top = await until(
						'the summary to open',
						() => workbench.editorText(),
						(text) => text.startsWith('# Harden Dockerfile'),
					);
					assert.match(top, /DH201: pinned/);
					await shot('summary');
					// Its end: the secrets the build now needs (also for Compose), and the hardened run line.
					await workbench.page.keyboard.press('Control+End');
					const end = await until(
						'the end of the summary',
						() => workbench.editorText(),
						(text) => text.includes('docker run --read-only'),
					);
					const flat = end.replace(/\s+/g, ' ');
					assert.match(flat, /`\w+`: export [A-Z_]+ in the build's environment/);
					assert.match(flat, /With Docker Compose: ```yaml services: app: build: context: \. secrets: - \w+/);
					assert.equal(
						workspace.read('Dockerfile'),
						original,
						'nothing is written to the Dockerfile before the user saves',
					);
				});
			} finally {
				await proxy.close();
			}
		},
	);

	it('analyses in Restricted Mode and sends nothing to the registry', SCENARIO, async () => {
		const proxy = await startRegistryProxy(registry.origin);
		try {
			const options = {
				trusted: false,
				prepare: (workspace: Workspace): void => {
					workspace.write('Dockerfile', twoStage(proxy.host));
					// What a hostile repository would set: Restricted Mode must ignore it.
					workspace.writeSettings({ 'dockerfileHarden.registry.insecureRegistries': [proxy.host] });
				},
			};
			await runScenario(browser, 'untrusted workspace', options, async ({ workbench, shot }) => {
				await workbench.restrictedModeIndicator().waitFor();
				await workbench.openFile('Dockerfile');
				await workbench.showProblems();
				await until(
					'DH201 on both FROM lines',
					() => workbench.problems(),
					(rows) => rows.filter((r) => r.code === 'DH201').length === 2,
				);
				// The FROM line's quick fixes, and a hover on it: neither may reach the registry.
				await workbench.goTo(1, 10);
				const titles = await workbench.openQuickFixMenu();
				assert.ok(titles.length > 0, 'the FROM line has code actions');
				await shot('from-line-actions');
				await workbench.page.keyboard.press('Escape');
				await workbench.page.locator('.action-widget').waitFor({ state: 'hidden' });
				await workbench.hoverSquiggle(1, 'warning');

				await workbench.runCommand('Dockerfile Harden: Pin All Images to Digests');
				// The command's answer; in Restricted Mode it explains instead of resolving.
				const message = await workbench.notification(/trust|restricted/i);
				assert.doesNotMatch(message, /Pinned/);
				// The progress notification closes: the command finished rather than waiting on the registry.
				await workbench.page
					.locator('.notification-toast', { hasText: 'Pinning images to digests' })
					.waitFor({ state: 'hidden' });
				assert.deepEqual(proxy.requests, [], 'no request reached the registry');
			});
		} finally {
			await proxy.close();
		}
	});
});
