/**
 * One end-to-end scenario: a fresh code-server, a fresh copy of the fixture, a fresh browser context. Every scenario
 * leaves a screenshot in test-results/e2e/; a failing one also leaves a screenshot of the moment it failed, the
 * extension's log (the "Dockerfile Harden" output channel, with the LSP trace), the extension host's log and what
 * code-server printed.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';
import { copyExample, type Workspace } from './fixture';
import { RESULTS_DIR } from './paths';
import { CHROMIUM_ARGS, Workbench } from './workbench';

/** What a scenario body gets. */
export interface ScenarioContext {
	readonly server: CodeServer;
	readonly workspace: Workspace;
	readonly workbench: Workbench;
	/** Saves a named screenshot (`<scenario>-<name>.png`) and returns its path. */
	shot(name: string): Promise<string>;
	/** Records a measured figure in metrics.jsonl. */
	metric(name: string, value: number | string): void;
}

/** How a scenario is set up. */
export interface ScenarioOptions extends Partial<CodeServerOptions> {
	/** The example folder to copy (default `insecure-python`). */
	readonly example?: string;
	/** Called on the copy before the workbench opens it: workspace settings, extra files. */
	readonly prepare?: (workspace: Workspace) => void | Promise<void>;
}

/** File-name form of a scenario title. */
export function slug(title: string): string {
	return title
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
}

/** Launches Debian's Chromium (never a downloaded browser). */
export async function launchChromium(): Promise<Browser> {
	return chromium.launch({
		executablePath: process.env.DOCKERFILE_HARDEN_CHROMIUM ?? '/usr/bin/chromium',
		args: [...CHROMIUM_ARGS],
		timeout: 60_000,
	});
}

/** Appends measured figures to test-results/e2e/metrics.jsonl. */
function recordMetric(scenario: string, name: string, value: number | string): void {
	mkdirSync(RESULTS_DIR, { recursive: true });
	appendFileSync(path.join(RESULTS_DIR, 'metrics.jsonl'), `${JSON.stringify({ scenario, name, value })}\n`);
	console.log(`# metric ${scenario} ${name}: ${value}`);
}

/** Copies code-server's logs (including `Dockerfile Harden.log`) and its output next to the failure screenshot. */
function keepLogs(server: CodeServer, into: string): void {
	mkdirSync(into, { recursive: true });
	writeFileSync(path.join(into, 'code-server.log'), server.output());
	const logs = path.join(server.userDataDir, 'logs');
	if (existsSync(logs)) {
		cpSync(logs, path.join(into, 'logs'), { recursive: true });
	}
	// The extension's own channel, found wherever this VS Code version puts it, copied to the top for a quick look.
	const find = (dir: string): string[] =>
		readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
			entry.isDirectory()
				? find(path.join(dir, entry.name))
				: entry.name === 'Dockerfile Harden.log'
					? [path.join(dir, entry.name)]
					: [],
		);
	for (const [i, file] of (existsSync(logs) ? find(logs) : []).entries()) {
		cpSync(file, path.join(into, `dockerfile-harden-${i + 1}.log`));
	}
}

/** Runs one scenario with its own code-server, fixture copy and browser context; cleans up whatever happens. */
export async function runScenario(
	browser: Browser,
	title: string,
	options: ScenarioOptions,
	body: (context: ScenarioContext) => Promise<void>,
): Promise<void> {
	const name = slug(title);
	mkdirSync(RESULTS_DIR, { recursive: true });
	const workspace = copyExample(options.example ?? 'insecure-python');
	let server: CodeServer | undefined;
	let workbench: Workbench | undefined;
	try {
		await options.prepare?.(workspace);
		server = await startCodeServer({ trusted: options.trusted ?? true, userSettings: options.userSettings });
		workbench = await Workbench.open(browser, server.folderUrl(workspace.folder));
		const opened = workbench;
		await body({
			server,
			workspace,
			workbench: opened,
			shot: async (shotName) => {
				const file = path.join(RESULTS_DIR, `${name}-${slug(shotName)}.png`);
				await opened.screenshot(file);
				return file;
			},
			metric: (metricName, value) => recordMetric(name, metricName, value),
		});
		await workbench.screenshot(path.join(RESULTS_DIR, `${name}.png`));
	} catch (error) {
		await workbench?.screenshot(path.join(RESULTS_DIR, `${name}-failure.png`)).catch(() => undefined);
		if (server) {
			keepLogs(server, path.join(RESULTS_DIR, `${name}-logs`));
		}
		throw error;
	} finally {
		await workbench?.close().catch(() => undefined);
		await server?.stop();
		workspace.remove();
	}
}
