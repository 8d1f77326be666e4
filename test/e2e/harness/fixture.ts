/**
 * Fixture workspaces (copies of examples/, so a scenario may change them freely) and the CLI as the oracle: the
 * editor must show what `dockerfile-harden` reports for the same file, and fixes must write what `--fix` writes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './paths';

/** A workspace folder in a temporary directory. */
export interface Workspace {
	readonly folder: string;
	/** The absolute path of `name` inside the folder. */
	file(name: string): string;
	read(name: string): string;
	write(name: string, text: string): void;
	/** Writes `.vscode/settings.json`. */
	writeSettings(settings: Readonly<Record<string, unknown>>): void;
	remove(): void;
}

/** Copies `examples/<example>` to a fresh temporary folder. */
export function copyExample(example: string): Workspace {
	const parent = mkdtempSync(path.join(tmpdir(), 'dockerfile-harden-ws-'));
	// The folder's name shows in the workbench title and the screenshots.
	const folder = path.join(parent, example);
	cpSync(path.join(REPO_ROOT, 'examples', example), folder, { recursive: true });
	const workspace: Workspace = {
		folder,
		file: (name) => path.join(folder, name),
		read: (name) => readFileSync(path.join(folder, name), 'utf8'),
		write: (name, text) => {
			mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
			writeFileSync(path.join(folder, name), text);
		},
		writeSettings: (settings) => workspace.write('.vscode/settings.json', JSON.stringify(settings, null, '\t')),
		remove: () => rmSync(parent, { recursive: true, force: true }),
	};
	return workspace;
}

/** One finding as the CLI's JSON format reports it. */
export interface CliFinding {
	readonly ruleId: string;
	readonly severity: string;
	readonly message: string;
	readonly line: number;
	readonly column: number;
	readonly docsUrl: string;
}

const CLI = path.join(REPO_ROOT, 'dist/cli.js');

/** What the CLI finds in `file`, with default settings except `rules` (id → level). */
export function cliFindings(file: string, rules: Readonly<Record<string, string>> = {}): CliFinding[] {
	const ruleArgs = Object.entries(rules).flatMap(([id, level]) => ['--rule', `${id}=${level}`]);
	// Exit code 1 means "findings", which is what we want; anything else is a real failure.
	const result = spawnSync(process.execPath, [CLI, '--format', 'json', '--fail-on', 'none', ...ruleArgs, file], {
		encoding: 'utf8',
		cwd: path.dirname(file),
	});
	if (result.status !== 0) {
		throw new Error(`dockerfile-harden failed on ${file}: ${result.stderr}`);
	}
	const report = JSON.parse(result.stdout) as { files: { findings: CliFinding[] }[] };
	return report.files.flatMap((f) => f.findings);
}

/** The text `dockerfile-harden --fix` (or `--fix-unsafe`: safe and review fixes) makes of `file`, on a copy. */
export function cliFixed(file: string, mode: '--fix' | '--fix-unsafe'): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'dockerfile-harden-fix-'));
	try {
		// The build context (requirements files) decides some fixes, so copy the whole folder.
		cpSync(path.dirname(file), dir, { recursive: true });
		const copy = path.join(dir, path.basename(file));
		execFileSync(process.execPath, [CLI, mode, '--fail-on', 'none', copy], { stdio: 'pipe' });
		return readFileSync(copy, 'utf8');
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
