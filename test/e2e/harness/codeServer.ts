/**
 * A fresh code-server (real VS Code: its workbench, extension host and settings) with the packaged extension
 * installed: its own user-data and extensions folders under a temporary folder, a free loopback port, no auth, no
 * telemetry, no update check. Each scenario starts one and stops it, so no state leaks between scenarios.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths';

const execFileAsync = promisify(execFile);

/** code-server's entry point, from the devDependency that test/e2e/run.mjs prepared. */
const ENTRY = path.join(REPO_ROOT, 'node_modules/code-server/out/node/entry.js');

/** The .vsix `npm run package` built. */
export const VSIX = process.env.DOCKERFILE_HARDEN_VSIX ?? path.join(REPO_ROOT, 'dockerfile-harden.vsix');

/**
 * User settings for every scenario: nothing that opens on its own (welcome page, walkthroughs, tips), no telemetry or
 * experiments, and the language client's trace on so a failure's log shows what the extension and the server said.
 */
export const BASE_USER_SETTINGS: Readonly<Record<string, unknown>> = {
	'workbench.startupEditor': 'none',
	'workbench.welcomePage.walkthroughs.openOnInstall': false,
	'workbench.tips.enabled': false,
	'workbench.enableExperiments': false,
	'telemetry.telemetryLevel': 'off',
	'extensions.ignoreRecommendations': true,
	'extensions.autoCheckUpdates': false,
	'extensions.autoUpdate': false,
	'update.mode': 'none',
	'git.enabled': false,
	'editor.minimap.enabled': false,
	'editor.wordWrap': 'off',
	'files.autoSave': 'off',
	'dockerfileHarden.trace.server': 'messages',
};

/** How to start code-server. */
export interface CodeServerOptions {
	/**
	 * `true` passes `--disable-workspace-trust` (every folder trusted). `false` turns workspace trust on without the
	 * start-up prompt, so the folder opens untrusted, in Restricted Mode.
	 */
	readonly trusted: boolean;
	/** Extra user settings, over {@link BASE_USER_SETTINGS}. */
	readonly userSettings?: Readonly<Record<string, unknown>>;
}

/** A running code-server. */
export interface CodeServer {
	/** `http://127.0.0.1:PORT/`. */
	readonly url: string;
	/** The user-data folder: settings, and the logs (`logs/<session>/exthostN/<extension>/Dockerfile Harden.log`). */
	readonly userDataDir: string;
	/** Where the packaged extension is installed. */
	readonly extensionsDir: string;
	/** What code-server printed so far. */
	output(): string;
	/** The workbench URL that opens `folder`. */
	folderUrl(folder: string): string;
	/** Stops code-server and every process it started (extension hosts, the language server), then removes its folder. */
	stop(): Promise<void>;
}

/** A free loopback port, as the kernel hands it out. */
async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** Resolves once `child` has exited (at once if it already has). */
function exited(child: ChildProcess): Promise<void> {
	return child.exitCode !== null || child.signalCode !== null
		? Promise.resolve()
		: new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Whether any process is left in the process group `pgid`. */
function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Waits up to `ms` for `check` to turn true, polling; returns its last value. */
async function pollUntil(check: () => boolean, ms: number): Promise<boolean> {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) {
			return false;
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return true;
}

/** Installs the .vsix with code-server's own CLI, as a user would. */
async function installExtension(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
	const { stdout, stderr } = await execFileAsync(process.execPath, [ENTRY, ...args, '--install-extension', VSIX], {
		env,
		timeout: 120_000,
	});
	if (!/successfully installed/.test(stdout + stderr)) {
		throw new Error(`code-server --install-extension did not install ${VSIX}:\n${stdout}\n${stderr}`);
	}
}

/** Starts code-server on a free port; resolves once it listens. */
async function launch(
	args: readonly string[],
	env: NodeJS.ProcessEnv,
	log: string[],
): Promise<{ child: ChildProcess; port: number }> {
	const port = await freePort();
	// Its own process group, so stop() can end the extension hosts and language servers it forks.
	const child = spawn(process.execPath, [ENTRY, ...args, '--bind-addr', `127.0.0.1:${port}`], {
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const listening = `HTTP server listening on http://127.0.0.1:${port}`;
	return new Promise((resolve, reject) => {
		let seen = '';
		const timer = setTimeout(() => reject(new Error(`code-server did not listen within 60 s:\n${seen}`)), 60_000);
		const onData = (chunk: Buffer): void => {
			const text = chunk.toString();
			log.push(text);
			seen += text;
			if (seen.includes(listening)) {
				clearTimeout(timer);
				resolve({ child, port });
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(Object.assign(new Error(`code-server exited with ${code} before listening:\n${seen}`), { seen }));
		});
	});
}

/** Starts a fresh code-server with the packaged extension installed. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
	const root = mkdtempSync(path.join(tmpdir(), 'dockerfile-harden-e2e-'));
	const userDataDir = path.join(root, 'user-data');
	const extensionsDir = path.join(root, 'extensions');
	const config = path.join(root, 'config.yaml');
	mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
	// code-server writes a default config with a random password to ~/.config unless it is given one.
	writeFileSync(config, 'auth: none\ncert: false\n');
	const trustSettings = options.trusted
		? {}
		: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' };
	writeFileSync(
		path.join(userDataDir, 'User', 'settings.json'),
		JSON.stringify({ ...BASE_USER_SETTINGS, ...trustSettings, ...options.userSettings }, null, '\t'),
	);
	// Keep code-server's other state (XDG data, the IPC socket's neighbours) inside the temporary folder too.
	const env: NodeJS.ProcessEnv = {
		...process.env,
		XDG_CONFIG_HOME: path.join(root, 'xdg-config'),
		XDG_DATA_HOME: path.join(root, 'xdg-data'),
	};
	const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
	await installExtension(common, env);

	const args = [
		...common,
		'--auth',
		'none',
		'--disable-telemetry',
		'--disable-update-check',
		// The language client writes its LSP trace at the output channel's trace level; without this the extension's
		// log in a failed scenario's artifacts would be empty.
		'--log',
		'trace',
		...(options.trusted ? ['--disable-workspace-trust'] : []),
	];
	const log: string[] = [];
	let started: { child: ChildProcess; port: number } | undefined;
	// The one retry here: another process can take the free port between freePort() and code-server's bind.
	for (let attempt = 1; !started; attempt++) {
		try {
			started = await launch(args, env, log);
		} catch (error) {
			const seen = (error as { seen?: string }).seen ?? '';
			if (attempt >= 3 || !/EADDRINUSE/.test(seen)) {
				rmSync(root, { recursive: true, force: true });
				throw error;
			}
		}
	}
	const { child, port } = started;
	const url = `http://127.0.0.1:${port}/`;
	return {
		url,
		userDataDir,
		extensionsDir,
		output: () => log.join(''),
		folderUrl: (folder) => `${url}?folder=${encodeURIComponent(folder)}`,
		async stop() {
			const pgid = child.pid;
			if (pgid !== undefined && groupAlive(pgid)) {
				process.kill(-pgid, 'SIGTERM');
				const done = await pollUntil(() => !groupAlive(pgid), 10_000);
				if (!done) {
					process.kill(-pgid, 'SIGKILL');
					await pollUntil(() => !groupAlive(pgid), 5_000);
				}
			}
			await exited(child);
			rmSync(root, { recursive: true, force: true });
		},
	};
}

/**
 * The process ids of the Dockerfile Harden language servers this code-server runs: processes whose command line
 * names the installed extension's `dist/server.js`.
 */
export function languageServerPids(server: CodeServer): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) {
			continue;
		}
		let commandLine: string;
		try {
			commandLine = readFileSync(path.join('/proc', entry, 'cmdline'), 'utf8');
		} catch {
			continue; // Gone since the listing.
		}
		const args = commandLine.split('\0');
		if (args.some((a) => a.startsWith(server.extensionsDir) && a.endsWith(path.join('dist', 'server.js')))) {
			pids.push(Number(entry));
		}
	}
	return pids;
}
