/**
 * Command-line argument parsing for `dockerfile-harden`. No dependency: the grammar is small, and owning it lets
 * every mistake produce one precise message and exit code 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { toRuleLevel, type RuleLevel } from '../protocol';
import { findRule } from '../rules';
import type { Severity } from '../rules/types';

/** Report formats. */
export const FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;

/** A report format. */
export type Format = (typeof FORMATS)[number];

/** The least severe level that fails the run, or `none` to never fail on findings. */
export type FailOn = Severity | 'none';

/** Parsed command line. */
export interface CliOptions {
	/** Files, directories, globs, `-` for stdin. Defaults to `.`. */
	readonly paths: readonly string[];
	readonly format: Format;
	/** `safe`: `--fix`; `unsafe`: `--fix-unsafe` (safe and review fixes). */
	readonly fix: 'none' | 'safe' | 'unsafe';
	/** Print a unified diff instead of writing fixes. */
	readonly diff: boolean;
	/** `--pin`: resolve every unpinned image reference at its registry and write its digest (implies `--fix`). */
	readonly pin: boolean;
	/** `--check-pins`: report pinned references whose tag now points at another digest. */
	readonly checkPins: boolean;
	/** `--insecure-registry HOST[:PORT]`: registries `--pin` may reach over plain HTTP (loopback never needs it). */
	readonly insecureRegistries: readonly string[];
	/** `--registry-timeout MS`: per registry request. */
	readonly registryTimeoutMs: number;
	/** Rule id → level from `--rule`; keys are canonical ids (`DH101`) whatever the user wrote. */
	readonly rules: Readonly<Record<string, RuleLevel>>;
	readonly failOn: FailOn;
	/** Whether `--fail-on` was given (otherwise a `.hadolint.yaml` failure-threshold may set it). */
	readonly failOnGiven: boolean;
	/** `--config FILE`: the config file to use instead of the nearest `.dockerfile-harden.yaml`. */
	readonly config: string | undefined;
	/** `--hadolint-config FILE`: the hadolint config to read instead of the nearest `.hadolint.yaml`. */
	readonly hadolintConfig: string | undefined;
	/** `--no-config`: read no config file at all. */
	readonly useConfig: boolean;
	/** `false` after `--no-color`; otherwise decided from the environment. */
	readonly color: boolean | undefined;
	/** Report file from `-o/--output`. */
	readonly output: string | undefined;
	/** Name shown (and build context used) for stdin. */
	readonly stdinFilename: string | undefined;
	readonly quiet: boolean;
	readonly help: boolean;
	readonly version: boolean;
}

/** What {@link parseArgs} returns: options, or the one message that explains what is wrong. */
export type ParseResult =
	{ readonly ok: true; readonly options: CliOptions } | { readonly ok: false; readonly error: string };

/** Options that take a value. */
const WITH_VALUE = new Set([
	'--format',
	'--rule',
	'--fail-on',
	'--max-severity',
	'--output',
	'-o',
	'--stdin-filename',
	'--insecure-registry',
	'--registry-timeout',
	'--config',
	'--hadolint-config',
]);

/** Per registry request, as the editor's `dockerfileHarden.registry.timeoutMs` default. */
const DEFAULT_REGISTRY_TIMEOUT_MS = 10_000;

const FAIL_ON_LEVELS: readonly FailOn[] = ['error', 'warning', 'info', 'hint', 'none'];

function parseFailOn(value: string): FailOn | undefined {
	const v = value.trim().toLowerCase();
	if (v === 'none' || v === 'off' || v === 'never') {
		return 'none';
	}
	const level = toRuleLevel(v);
	return level === undefined || level === 'off' ? undefined : level;
}

function parseRule(value: string, rules: Record<string, RuleLevel>): string | undefined {
	for (const item of value.split(',')) {
		const eq = item.lastIndexOf('=');
		if (eq <= 0) {
			return `--rule expects ID=LEVEL (for example --rule DH101=off), got "${item}".`;
		}
		const key = item.slice(0, eq).trim();
		const levelText = item.slice(eq + 1).trim();
		const rule = findRule(key);
		if (!rule) {
			return `--rule: unknown rule "${key}". Rules are named by id (DH101) or name (no-root-user).`;
		}
		const level = toRuleLevel(levelText);
		if (level === undefined) {
			return `--rule ${key}: unknown level "${levelText}" (use off, error, warning, info or hint).`;
		}
		rules[rule.meta.id] = level;
	}
	return undefined;
}

/** Parses the arguments after `node cli.js`. Never throws. */
export function parseArgs(argv: readonly string[]): ParseResult {
	const paths: string[] = [];
	const rules: Record<string, RuleLevel> = {};
	let format: Format = 'stylish';
	let fix: CliOptions['fix'] = 'none';
	let diff = false;
	let pin = false;
	let checkPins = false;
	const insecureRegistries: string[] = [];
	let registryTimeoutMs = DEFAULT_REGISTRY_TIMEOUT_MS;
	let failOn: FailOn = 'info';
	let failOnGiven = false;
	let config: string | undefined;
	let hadolintConfig: string | undefined;
	let useConfig = true;
	let color: boolean | undefined;
	let output: string | undefined;
	let stdinFilename: string | undefined;
	let quiet = false;
	let help = false;
	let version = false;
	let onlyPaths = false;
	const fail = (error: string): ParseResult => ({ ok: false, error });

	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (onlyPaths || arg === '-' || !arg.startsWith('-')) {
			paths.push(arg);
			continue;
		}
		if (arg === '--') {
			onlyPaths = true;
			continue;
		}
		const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
		const name = eq > 0 ? arg.slice(0, eq) : arg;
		let value: string | undefined;
		if (WITH_VALUE.has(name)) {
			if (eq > 0) {
				value = arg.slice(eq + 1);
			} else if (i + 1 < argv.length) {
				value = argv[++i];
			} else {
				return fail(`${name} needs a value.`);
			}
		} else if (eq > 0) {
			return fail(`${name} takes no value.`);
		}
		switch (name) {
			case '--format': {
				const f = value!.trim().toLowerCase();
				if (!(FORMATS as readonly string[]).includes(f)) {
					return fail(`--format: unknown format "${value}" (use ${FORMATS.join(', ')}).`);
				}
				format = f as Format;
				break;
			}
			case '--rule': {
				const error = parseRule(value!, rules);
				if (error) {
					return fail(error);
				}
				break;
			}
			case '--fail-on':
			case '--max-severity': {
				const level = parseFailOn(value!);
				if (level === undefined) {
					return fail(`${name}: unknown level "${value}" (use ${FAIL_ON_LEVELS.join(', ')}).`);
				}
				failOn = level;
				failOnGiven = true;
				break;
			}
			case '--config':
				config = value;
				break;
			case '--hadolint-config':
				hadolintConfig = value;
				break;
			case '--no-config':
				useConfig = false;
				break;
			case '-o':
			case '--output':
				if (value === '') {
					return fail(`${name} needs a file name.`);
				}
				output = value;
				break;
			case '--stdin-filename':
				if (value === '') {
					return fail(`${name} needs a file name.`);
				}
				stdinFilename = value;
				break;
			case '--fix':
				fix = fix === 'unsafe' ? 'unsafe' : 'safe';
				break;
			case '--fix-unsafe':
				fix = 'unsafe';
				break;
			case '--diff':
			case '--dry-run':
				diff = true;
				break;
			case '--pin':
				pin = true;
				break;
			case '--check-pins':
				checkPins = true;
				break;
			case '--insecure-registry': {
				const host = value!.trim();
				if (host === '' || /[/\s]/.test(host.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, ''))) {
					return fail(`--insecure-registry expects HOST[:PORT], got "${value}".`);
				}
				insecureRegistries.push(
					host
						.replace(/^[a-z]+:\/\//i, '')
						.replace(/\/+$/, '')
						.toLowerCase(),
				);
				break;
			}
			case '--registry-timeout': {
				const ms = Number(value);
				if (!Number.isInteger(ms) || ms < 100) {
					return fail(`--registry-timeout expects milliseconds (at least 100), got "${value}".`);
				}
				registryTimeoutMs = ms;
				break;
			}
			case '--no-color':
				color = false;
				break;
			case '--color':
				color = true;
				break;
			case '--quiet':
			case '-q':
				quiet = true;
				break;
			case '--help':
			case '-h':
				help = true;
				break;
			case '--version':
			case '-v':
				version = true;
				break;
			default:
				return fail(`unknown option ${name}.`);
		}
	}

	// `lint` is the default (and for now only) command; a file literally named `lint` can be given as `./lint`.
	if (paths[0] === 'lint') {
		paths.shift();
	}
	if (pin && fix === 'none') {
		// --pin writes digests with --fix semantics: the safe fixes are applied too.
		fix = 'safe';
	}
	if (diff && fix === 'none') {
		return fail('--diff shows what --fix, --fix-unsafe or --pin would change: add one of them.');
	}
	if (paths.filter((p) => p === '-').length > 1) {
		return fail('stdin (-) can be given only once.');
	}
	if (stdinFilename !== undefined && !paths.includes('-')) {
		return fail('--stdin-filename needs - (stdin) among the paths.');
	}
	return {
		ok: true,
		options: {
			paths: paths.length > 0 ? paths : ['.'],
			format,
			fix,
			diff,
			pin,
			checkPins,
			insecureRegistries,
			registryTimeoutMs,
			rules,
			failOn,
			failOnGiven,
			config,
			hadolintConfig,
			useConfig,
			color,
			output,
			stdinFilename,
			quiet,
			help,
			version,
		},
	};
}

/** The `--help` text. */
export const HELP_TEXT = `Usage: dockerfile-harden [lint] [options] [PATH...]

Finds the security-hardening gaps in Dockerfiles and fixes the safe ones.

PATH is a file, a directory (searched recursively for Dockerfile, *.Dockerfile, Dockerfile.*,
Containerfile and Containerfile.*, skipping node_modules and .git), a quoted glob ("**/Dockerfile*"),
or - for stdin. Default: the current directory.

Options:
  --format FORMAT        stylish (default), json, sarif (SARIF 2.1.0) or github (Actions annotations)
  --fix                  apply every safe fix in place
  --fix-unsafe           apply safe fixes and fixes that need review
  --diff                 with --fix/--fix-unsafe/--pin: write nothing, print a unified diff to stdout
  --pin                  resolve every image reference without a digest at its registry and write
                         name:tag@sha256:… (the multi-platform index digest); applies the safe fixes too.
                         Credentials come from the Docker config ($DOCKER_CONFIG/config.json, credential
                         helpers, DOCKER_AUTH_CONFIG). If any reference cannot be resolved, the file is
                         left unchanged.
  --check-pins           report pinned references whose tag now points at another digest
  --insecure-registry HOST[:PORT]
                         a registry --pin/--check-pins may reach over plain HTTP (loopback needs
                         no listing); repeatable
  --registry-timeout MS  per registry request (default 10000)
  --rule ID=LEVEL        set a rule's level (id or name; off, error, warning, info, hint); repeatable
  --fail-on LEVEL        exit 1 when a finding is at or above LEVEL: error, warning, info (default),
                         hint, or none to never fail on findings (alias: --max-severity)
  --config FILE          use FILE instead of the nearest .dockerfile-harden.yaml (found by walking up from
                         each Dockerfile); --rule options still win over it
  --hadolint-config FILE read hadolint's ignored/override/trustedRegistries/failure-threshold from FILE
                         (otherwise the nearest .hadolint.yaml is picked up)
  --no-config            read no config file
  -o, --output FILE      write the report to FILE instead of stdout
  --stdin-filename NAME  the name shown for stdin (-); its directory is the build context
  --quiet                report errors only (and only errors count for --fail-on)
  --no-color             no colours (also when NO_COLOR is set or the output is not a terminal)
  --color                colours even when the output is not a terminal
  -h, --help             show this help
  -v, --version          show the version

With - and --fix, the fixed Dockerfile goes to stdout; with --diff, the diff does. The report then goes to
stderr (or to the -o file).

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above --fail-on (after fixes: those left;
with --check-pins, also a pin whose tag moved), 2 bad usage, a bad config file (each bad key is named; the
other settings still apply), a file that cannot be read, a registry that could not be asked (--pin,
--check-pins), or an internal error.

Proxies: HTTPS_PROXY, HTTP_PROXY and NO_PROXY. Extra CA certificates: NODE_EXTRA_CA_CERTS, or Docker's
/etc/docker/certs.d/HOST[:PORT]/*.crt (also under $DOCKER_CONFIG/certs.d).

Examples:
  dockerfile-harden .
  dockerfile-harden --format sarif -o dockerfile-harden.sarif .
  dockerfile-harden --fix --diff services/api/Dockerfile
  dockerfile-harden --pin Dockerfile
  dockerfile-harden --check-pins .
  cat Dockerfile | dockerfile-harden --rule DH201=off -
`;

/**
 * The package version. Read at run time from the nearest `package.json` named `dockerfile-harden` above this
 * module, so the bundle (`dist/cli.js`) and the compiled tests (`out/server/src/cli/`) both find it without a copy.
 */
export function packageVersion(start: string = __dirname): string {
	let dir = start;
	for (let i = 0; i < 8; i++) {
		const file = join(dir, 'package.json');
		if (existsSync(file)) {
			try {
				const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
				if (pkg.name === 'dockerfile-harden' && typeof pkg.version === 'string') {
					return pkg.version;
				}
			} catch {
				// A broken package.json further down is not ours; keep looking.
			}
		}
		const parent = dirname(dir);
		if (parent === dir) {
			break;
		}
		dir = parent;
	}
	return '0.0.0-unknown';
}
