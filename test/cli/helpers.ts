/**
 * Shared by the CLI tests: the repository's paths, temporary copies of examples, and two ways to run the CLI — as
 * the bundled process users run, and in-process through injected I/O.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { run, type CliIo } from '../../server/src/cli/run';
import { allRules } from '../../server/src/rules';

/** The repository root (this file compiles to out/test/cli/). */
export const ROOT = resolve(__dirname, '../../..');

/**
 * The bundled CLI that `npm run bundle` writes; `DOCKERFILE_HARDEN_CLI` points the process tests at another build
 * (an installed package, a bundle made elsewhere).
 */
export const CLI = process.env.DOCKERFILE_HARDEN_CLI ?? join(ROOT, 'dist', 'cli.js');

/** The insecure example, checked for invariants (always through a temporary copy): it evolves with the docs. */
export const INSECURE_EXAMPLE = join(ROOT, 'examples', 'insecure-python');

/**
 * examples/insecure-python as it was when the CLI was written, frozen here so tests can expect exact positions,
 * fixes and outputs while the example itself keeps evolving.
 */
export const INSECURE_FIXTURE: Readonly<Record<string, string>> = {
	Dockerfile: [
		'FROM python:3.11-slim',
		'ARG PYPI_TOKEN',
		'WORKDIR /app',
		'RUN apt-get update && apt-get install -y gcc libpq-dev',
		'COPY requirements.txt .',
		'RUN pip install --extra-index-url https://user:${PYPI_TOKEN}@private.pypi.example.com/ -r requirements.txt',
		'COPY . .',
		'CMD ["python", "app.py"]',
		'',
	].join('\n'),
	'requirements.txt': 'flask==3.0.3\ngunicorn==22.0.0\n',
};

/** A GitHub token shaped like a real one (`ghp_` + 36 alphanumerics); it must never be printed. */
export const PLANTED_TOKEN = `ghp_${'Zq7Xw2Lm9K'.repeat(3)}Pd4Rt8`;

/** A Dockerfile that no rule flags: digest-pinned base, non-root user. */
export const CLEAN_DOCKERFILE = [
	`FROM python:3.12-slim@sha256:${'a'.repeat(64)}`,
	'RUN useradd --create-home appuser',
	'USER appuser',
	'CMD ["python", "-c", "print(1)"]',
	'',
].join('\n');

/** A fresh temporary directory, removed by {@link cleanup}. */
export function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'dh-cli-'));
	created.push(dir);
	return dir;
}

const created: string[] = [];

/** Removes every directory {@link tempDir} made. */
export function cleanup(): void {
	for (const dir of created.splice(0)) {
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Copies the insecure example into a temporary directory; returns that directory. */
export function copyInsecureExample(): string {
	const dir = join(tempDir(), 'insecure-python');
	cpSync(INSECURE_EXAMPLE, dir, { recursive: true });
	return dir;
}

/** Writes {@link INSECURE_FIXTURE} into a temporary directory; returns that directory. */
export function writeInsecureFixture(): string {
	const dir = join(tempDir(), 'insecure-python');
	writeTree(dir, INSECURE_FIXTURE);
	fixtureDirs.add(dir);
	return dir;
}

/** The rules the frozen fixture's expectations were written for; later rules are turned off in its runs. */
const FIXTURE_RULES = new Set(['DH101', 'DH201', 'DH301', 'DH302', 'DH303', 'DH401', 'DH402', 'DH501', 'DH502']);
const fixtureDirs = new Set<string>();

/** `--rule ID=off` for every rule added after the fixture was frozen, when running in a fixture directory. */
function fixtureRuleFlags(cwd: string): string[] {
	if (![...fixtureDirs].some((d) => cwd === d || cwd.startsWith(`${d}/`))) {
		return [];
	}
	return allRules.filter((r) => !FIXTURE_RULES.has(r.meta.id)).flatMap((r) => ['--rule', `${r.meta.id}=off`]);
}

/** Writes files (relative path → content) under `root`, creating folders. */
export function writeTree(root: string, files: Readonly<Record<string, string | Uint8Array>>): void {
	for (const [path, content] of Object.entries(files)) {
		const full = join(root, path);
		mkdirSync(dirname(full), { recursive: true });
		writeFileSync(full, content);
	}
}

/** What a CLI run printed and returned. */
export interface CliRun {
	readonly code: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

/** Runs `node dist/cli.js …` as a child process. */
export function runCli(args: readonly string[], options: { cwd: string; input?: string }): CliRun {
	const result = spawnSync(process.execPath, [CLI, ...fixtureRuleFlags(options.cwd), ...args], {
		cwd: options.cwd,
		input: options.input ?? '',
		encoding: 'utf8',
		env: { ...process.env, NO_COLOR: '1' },
		timeout: 60_000,
	});
	return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI in-process with captured output. */
export async function runInProcess(
	args: readonly string[],
	options: { cwd: string; stdin?: string | Uint8Array; env?: Record<string, string>; tty?: boolean },
): Promise<CliRun & { readonly stdoutBytes: Buffer }> {
	const out: Buffer[] = [];
	const err: string[] = [];
	const io: CliIo = {
		stdout: {
			write: (text) => void out.push(typeof text === 'string' ? Buffer.from(text) : Buffer.from(text)),
			isTTY: options.tty ?? false,
		},
		stderr: { write: (text) => void err.push(typeof text === 'string' ? text : Buffer.from(text).toString()) },
		readStdin: () => Promise.resolve(options.stdin ?? ''),
		cwd: options.cwd,
		env: options.env ?? {},
	};
	const code = await run(args, io);
	const stdoutBytes = Buffer.concat(out);
	return { code, stdout: stdoutBytes.toString('utf8'), stderr: err.join(''), stdoutBytes };
}

/**
 * A validator for the official SARIF 2.1.0 schema shipped in @microsoft/jest-sarif. The schema is draft-04 (`id`,
 * not `$id`) and one of its patterns is not valid with the `u` flag, so the meta-schema keys are dropped and
 * patterns compiled without it; formats get real checks instead of being ignored.
 */
export function sarifValidator(): ValidateFunction {
	const file = join(ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
	const { $schema: _meta, id: _id, ...schema } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
	const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
	const isUri = (value: string): boolean => URL.canParse(value);
	ajv.addFormat('uri', isUri);
	ajv.addFormat('uri-reference', (value: string) => !/[\s<>"]/.test(value) && URL.canParse(value, 'file:///base/'));
	ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
	return ajv.compile(schema);
}
