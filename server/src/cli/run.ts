/**
 * The CLI's orchestration: arguments → files → engine → report → exit code. All process I/O comes in through
 * {@link CliIo}, so tests run the whole CLI in-process; files are read and written with `node:fs` directly.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { minimatch } from 'minimatch';
import { fixAll } from '../engine/fixer';
import { lint, type EngineLogger, type HardenDiagnostic } from '../engine/lint';
import {
	applyConfig,
	CONFIG_FILE,
	EMPTY_CONFIG,
	formatConfigError,
	loadConfig,
	type LoadedConfig,
} from '../node/config';
import { fsContext } from '../node/fsContext';
import { loadShellParser } from '../node/shellParser';
import { DEFAULT_SETTINGS, type FileChange, type FixSafety, type Settings } from '../protocol';
import { RegistryClient } from '../registry/client';
import { HELP_TEXT, packageVersion, parseArgs, type CliOptions, type FailOn, type Format } from './args';
import { unifiedDiff, redactSecrets } from './diff';
import { discover, displayPath, type Target } from './discover';
import { formatGithub } from './formatters/github';
import { formatJson } from './formatters/json';
import { formatSarif } from './formatters/sarif';
import { formatStylish } from './formatters/stylish';
import { checkPins, pinText } from './pins';
import { fixSummary, SEVERITY_RANK, severityName, type FileReport, type Report } from './report';

/** Somewhere to write text. */
export interface OutputStream {
	/** Bytes are written only to pass through a Dockerfile that is not valid UTF-8 unchanged. */
	write(text: string | Uint8Array): void;
	/** Whether it is a terminal (colours are used only then). */
	readonly isTTY?: boolean;
}

/** The process around the CLI. */
export interface CliIo {
	readonly stdout: OutputStream;
	readonly stderr: OutputStream;
	/** All of stdin; called only when `-` is among the paths. */
	readStdin(): Promise<string | Uint8Array>;
	/** The directory relative paths start from. */
	readonly cwd: string;
	readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes (PRODUCT.md "CLI"). */
export const ExitCode = {
	/** Nothing at or above the `--fail-on` threshold. */
	clean: 0,
	/** Findings at or above the threshold (after fixes: those left). */
	findings: 1,
	/** Bad usage, a file that cannot be read or written, or an internal error. */
	error: 2,
} as const;

const FORMATTERS: Readonly<Record<Format, (report: Report) => string>> = {
	stylish: formatStylish,
	json: formatJson,
	sarif: formatSarif,
	github: formatGithub,
};

const STDIN_NAME = '<stdin>';

interface Decoded {
	readonly text: string;
	readonly bom: boolean;
	/** Invalid UTF-8 was replaced: writing the text back would corrupt the file. */
	readonly lossy: boolean;
}

/** Decodes a Dockerfile's bytes. Never throws: invalid UTF-8 is linted as replacement characters. */
function decode(input: string | Uint8Array): Decoded {
	let text: string;
	let lossy = false;
	if (typeof input === 'string') {
		text = input;
	} else {
		// ignoreBOM keeps the BOM in the text so it can be put back when the file is written.
		try {
			text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input);
		} catch {
			text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(input);
			lossy = true;
		}
	}
	// Editors hide the BOM, so positions are counted without it, as the editor extension counts them.
	const bom = text.startsWith('\uFEFF');
	return { text: bom ? text.slice(1) : text, bom, lossy };
}

/** Plain words for the file-system errors users meet; other codes are shown as they are. */
const ERROR_WORDS: Readonly<Record<string, string>> = {
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
	EISDIR: 'it is a directory',
	ENOENT: 'no such file or directory',
	EROFS: 'read-only file system',
};

function errorText(error: unknown): string {
	if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
		return ERROR_WORDS[error.code] ?? error.code;
	}
	return error instanceof Error ? error.message : String(error);
}

/** Runs the CLI. Resolves to the exit code; never rejects. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
	const say = (text: string): void => io.stderr.write(`dockerfile-harden: ${redactSecrets(text)}\n`);
	const parsed = parseArgs(argv);
	if (!parsed.ok) {
		say(parsed.error);
		io.stderr.write("Run 'dockerfile-harden --help' for usage.\n");
		return ExitCode.error;
	}
	const options = parsed.options;
	if (options.help) {
		io.stdout.write(HELP_TEXT);
		return ExitCode.clean;
	}
	const version = packageVersion();
	if (options.version) {
		io.stdout.write(`${version}\n`);
		return ExitCode.clean;
	}
	try {
		await loadShellParser();
	} catch (error) {
		say(`internal error: the shell parser could not be loaded (${errorText(error)}).`);
		return ExitCode.error;
	}
	try {
		return await lintAll(options, io, version, say);
	} catch (error) {
		say(`internal error: ${errorText(error)}`);
		return ExitCode.error;
	}
}

async function lintAll(options: CliOptions, io: CliIo, version: string, say: (text: string) => void): Promise<number> {
	let hadErrors = false;
	const fail = (text: string): void => {
		hadErrors = true;
		say(text);
	};
	const logger: EngineLogger = { error: fail };
	// Command-line rules win over config files, which come in per Dockerfile (see configFor).
	const settings: Settings = { ...DEFAULT_SETTINGS, rules: { ...options.rules } };
	const configs = new ConfigCache(options, io.cwd, fail);
	const safeties: readonly FixSafety[] | undefined =
		options.fix === 'safe' ? ['safe'] : options.fix === 'unsafe' ? ['safe', 'review'] : undefined;
	const usesStdin = options.paths.includes('-');
	// stdout carries the fixed text (stdin with --fix) or the diff; the report then goes to stderr.
	const stdoutTaken = safeties !== undefined && (options.diff || usesStdin);

	const discovery = discover(options.paths, io.cwd);
	for (const error of discovery.errors) {
		fail(error);
	}

	// One client for the run: the files' references share its tokens and digests.
	const registry =
		options.pin || options.checkPins
			? new RegistryClient({
					insecureRegistries: options.insecureRegistries,
					timeoutMs: options.registryTimeoutMs,
					env: io.env,
					homeDir: homedir(),
				})
			: undefined;
	const files: FileReport[] = [];
	const diffs: string[] = [];
	let stalePins = 0;
	const onStale = (count: number): void => {
		stalePins += count;
	};
	try {
		for (const target of discovery.targets) {
			const name = targetName(target, options, io.cwd);
			try {
				const dir = target.kind === 'file' ? dirname(target.path) : io.cwd;
				const loaded = configs.get(dir);
				if (target.kind === 'file' && configs.ignored(target.path, loaded)) {
					continue;
				}
				const checked = await checkTarget(target, name, {
					options,
					io,
					settings: applyConfig(settings, loaded.config),
					safeties,
					logger,
					fail,
					registry,
					onStale,
				});
				if (checked) {
					files.push(checked.report);
					if (checked.diff) {
						diffs.push(checked.diff);
					}
				}
			} catch (error) {
				// One file's internal error must not cost the others their results.
				fail(`internal error while checking ${name}: ${errorText(error)}`);
			}
		}
	} finally {
		await registry?.close();
	}
	files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	if (options.diff) {
		io.stdout.write(diffs.join(''));
	}

	const shown = options.quiet
		? files.map((f) => ({ ...f, diagnostics: f.diagnostics.filter((d) => d.severity === 1) }))
		: files;
	const reportStream = stdoutTaken ? io.stderr : io.stdout;
	const noColorEnv = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
	const color = options.output === undefined && (options.color ?? (!noColorEnv && reportStream.isTTY === true));
	const report: Report = {
		files: shown,
		cwd: io.cwd,
		version,
		color,
		fixMode: safeties === undefined ? 'none' : options.diff ? 'diff' : 'write',
		hadErrors,
	};
	const text = FORMATTERS[options.format](report);
	if (options.output !== undefined) {
		try {
			writeFileSync(resolve(io.cwd, options.output), text);
		} catch (error) {
			fail(`cannot write the report to ${options.output} (${errorText(error)}).`);
		}
	} else {
		reportStream.write(text);
	}
	// Machine formats must stay parseable, so the fix summary goes beside them rather than into them.
	const summary = fixSummary(report);
	if (summary !== undefined && options.format !== 'stylish') {
		io.stderr.write(`${summary}\n`);
	}

	if (hadErrors) {
		return ExitCode.error;
	}
	const failOn = options.failOnGiven ? options.failOn : (configs.failOn() ?? options.failOn);
	const moved = stalePins > 0 && failOn !== 'none';
	return moved || failing(shown, { ...options, failOn }) ? ExitCode.findings : ExitCode.clean;
}

function failing(files: readonly FileReport[], options: CliOptions): boolean {
	if (options.failOn === 'none') {
		return false;
	}
	const threshold = SEVERITY_RANK[options.failOn];
	return files.some((f) =>
		f.diagnostics.some((d: HardenDiagnostic) => SEVERITY_RANK[severityName(d.severity)] <= threshold),
	);
}

function targetName(target: Target, options: CliOptions, cwd: string): string {
	if (target.kind === 'file') {
		return displayPath(target.path, cwd);
	}
	return options.stdinFilename === undefined ? STDIN_NAME : displayPath(resolve(cwd, options.stdinFilename), cwd);
}

interface CheckEnv {
	readonly options: CliOptions;
	readonly io: CliIo;
	readonly settings: Settings;
	readonly safeties: readonly FixSafety[] | undefined;
	readonly logger: EngineLogger;
	readonly fail: (text: string) => void;
	/** Present with `--pin` or `--check-pins`. */
	readonly registry: RegistryClient | undefined;
	/** Told how many pins moved (they fail the run whatever `--fail-on` says, except `none`). */
	readonly onStale: (count: number) => void;
}

/** With `--check-pins`: the findings plus a warning per pin whose tag moved (resolution failures are errors). */
async function withStalePins(
	diagnostics: readonly HardenDiagnostic[],
	text: string,
	name: string,
	env: CheckEnv,
): Promise<HardenDiagnostic[]> {
	if (!env.options.checkPins || !env.registry) {
		return [...diagnostics];
	}
	const checked = await checkPins(text, name, env.registry);
	for (const line of checked.errors) {
		env.fail(line);
	}
	env.onStale(checked.stale.length);
	return [...diagnostics, ...checked.stale].sort(
		(a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
	);
}

/** Lints (and fixes) one target; `undefined` when it could not be read (the error is already reported). */
async function checkTarget(
	target: Target,
	name: string,
	env: CheckEnv,
): Promise<{ report: FileReport; diff: string | undefined } | undefined> {
	const { options, io, settings, safeties, logger, fail } = env;
	let bytes: string | Uint8Array;
	let contextDir: string;
	if (target.kind === 'file') {
		try {
			bytes = readFileSync(target.path);
		} catch (error) {
			fail(`cannot read ${name} (${errorText(error)}).`);
			return undefined;
		}
		contextDir = dirname(target.path);
	} else {
		try {
			bytes = await io.readStdin();
		} catch (error) {
			fail(`cannot read stdin (${errorText(error)}).`);
			return undefined;
		}
		contextDir = options.stdinFilename === undefined ? io.cwd : dirname(resolve(io.cwd, options.stdinFilename));
	}
	const { text, bom, lossy } = decode(bytes);
	const buildContext = fsContext(contextDir, target.kind === 'file' ? basename(target.path) : undefined);
	const absolutePath = target.kind === 'file' ? target.path : undefined;

	if (safeties === undefined) {
		const { diagnostics } = lint(text, { settings, buildContext, logger });
		const reported = await withStalePins(diagnostics, text, name, env);
		return { report: { path: name, absolutePath, diagnostics: reported, fixed: 0 }, diff: undefined };
	}
	if (lossy) {
		// Writing decoded text back would replace the invalid bytes for good: report, but do not fix.
		fail(`${name} is not valid UTF-8; its fixes were not applied.`);
		const { diagnostics } = lint(text, { settings, buildContext, logger });
		if (target.kind === 'stdin' && !options.diff) {
			io.stdout.write(bytes);
		}
		return { report: { path: name, absolutePath, diagnostics, fixed: 0 }, diff: undefined };
	}
	const fixedAll = fixAll(text, { settings, buildContext, logger, safeties });
	let result = { output: fixedAll.output, remaining: fixedAll.remaining };
	// Files beside the Dockerfile that the fixes write (DH305's .dockerignore): only for a Dockerfile on disk.
	let files =
		target.kind === 'file'
			? fixedAll.files.map((f) => fileWrite(contextDir, f)).filter((f) => f.after !== f.before)
			: [];
	let fixed = fixedAll.output === text && files.length === 0 ? 0 : fixedAll.applied.length;
	if (options.pin && env.registry) {
		const pinned = await pinText(result.output, name, env.registry);
		if (pinned.errors.length > 0) {
			// Nothing is half done: the file keeps its text, fixes included, and the reason is said once.
			for (const line of pinned.errors) {
				fail(line);
			}
			result = { output: text, remaining: lint(text, { settings, buildContext, logger }).diagnostics };
			fixed = 0;
			files = [];
		} else if (pinned.pinned > 0) {
			result = {
				output: pinned.output,
				remaining: lint(pinned.output, { settings, buildContext, logger }).diagnostics,
			};
			fixed += pinned.pinned;
		}
	}
	if (options.diff) {
		// Nothing is written, so the findings are those of the file as it is: their positions are its lines.
		const present = await withStalePins(lint(text, { settings, buildContext, logger }).diagnostics, text, name, env);
		const report: FileReport = { path: name, absolutePath, diagnostics: present, fixed };
		const fileDiffs = files.map((f) => unifiedDiff(relative(io.cwd, f.path) || f.path, f.before, f.after)).join('');
		return { report, diff: unifiedDiff(name, text, result.output) + fileDiffs || undefined };
	}
	const remaining = await withStalePins(result.remaining, result.output, name, env);
	const report: FileReport = { path: name, absolutePath, diagnostics: remaining, fixed };
	for (const f of files) {
		try {
			writeFileSync(f.path, f.after);
		} catch (error) {
			fail(`cannot write ${relative(io.cwd, f.path) || f.path} (${errorText(error)}).`);
		}
	}
	const written = (bom ? '\uFEFF' : '') + result.output;
	if (target.kind === 'stdin') {
		io.stdout.write(written);
	} else if (result.output !== text) {
		try {
			writeFileSync(target.path, written);
		} catch (error) {
			fail(`cannot write the fixes to ${name} (${errorText(error)}).`);
			const { diagnostics } = lint(text, { settings, buildContext, logger });
			return { report: { ...report, diagnostics, fixed: 0 }, diff: undefined };
		}
	}
	return { report, diff: undefined };
}

/** What writing a fix's file change does: the file's text before (empty when new) and after. */
function fileWrite(contextDir: string, change: FileChange): { path: string; before: string; after: string } {
	const path = resolve(contextDir, change.path);
	let before = '';
	try {
		before = readFileSync(path, 'utf8');
	} catch {
		// A new file.
	}
	if (change.action === 'create') {
		return { path, before, after: before === '' ? change.text : before };
	}
	const separator = before === '' || before.endsWith('\n') ? '' : '\n';
	return { path, before, after: before + separator + change.text };
}

/**
 * Config files by Dockerfile directory, loaded once each; their errors are reported once per config file (exit 2),
 * and the keys that are fine still apply.
 */
class ConfigCache {
	private readonly byDir = new Map<string, LoadedConfig>();
	private readonly reported = new Set<string>();
	private firstFailOn: FailOn | undefined;

	constructor(
		private readonly options: CliOptions,
		private readonly cwd: string,
		private readonly fail: (text: string) => void,
	) {}

	get(dir: string): LoadedConfig {
		let loaded = this.byDir.get(dir);
		if (!loaded) {
			loaded = this.options.useConfig
				? loadConfig(dir, {
						explicit: this.options.config === undefined ? undefined : resolve(this.cwd, this.options.config),
						hadolint:
							this.options.hadolintConfig === undefined ? undefined : resolve(this.cwd, this.options.hadolintConfig),
					})
				: { files: [], config: EMPTY_CONFIG, errors: [] };
			for (const error of loaded.errors) {
				const rel = relative(this.cwd, error.file);
				const line = formatConfigError({ ...error, file: rel === '' || rel.startsWith('..') ? error.file : rel });
				if (!this.reported.has(line)) {
					this.reported.add(line);
					this.fail(`config: ${line}`);
				}
			}
			this.firstFailOn ??= loaded.config.failOn;
			this.byDir.set(dir, loaded);
		}
		return loaded;
	}

	/** Whether a Dockerfile matches the `ignorePaths` of the config file that applies to it. */
	ignored(path: string, loaded: LoadedConfig): boolean {
		const own = loaded.files.find((f) => basename(f) === CONFIG_FILE);
		if (!own || loaded.config.ignorePaths.length === 0) {
			return false;
		}
		const rel = relative(dirname(own), path).split(sep).join('/');
		return loaded.config.ignorePaths.some((glob) => minimatch(rel, glob, { dot: true }));
	}

	/** The failure threshold a `.hadolint.yaml` gave, if any. */
	failOn(): FailOn | undefined {
		return this.firstFailOn;
	}
}
