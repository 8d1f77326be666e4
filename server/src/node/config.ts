/**
 * The project configuration file `.dockerfile-harden.yaml` (and a `.hadolint.yaml` to migrate from): found by
 * walking up from the Dockerfile, read, checked key by key. A bad key is reported with its file, line and key, and
 * only that key falls back to its default. Read by the CLI and the language server alike, so CI and the editor agree.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { regexProblem, toRuleLevel, type RuleLevel, type Settings } from '../protocol';
import { findRule, resolveSuppressionCode } from '../rules';

/** The project config file's name. */
export const CONFIG_FILE = '.dockerfile-harden.yaml';
/** hadolint's config file names, picked up when there is no config file of ours. */
export const HADOLINT_FILES = ['.hadolint.yaml', '.hadolint.yml'] as const;

/** A problem in a config file. Never holds a value from the file (it could be a secret). */
export interface ConfigError {
	readonly file: string;
	/** 1-based. */
	readonly line: number;
	readonly column: number;
	/** The key path, e.g. `rules.DH999` or `secrets.allowPatterns[0]`. */
	readonly key: string;
	readonly message: string;
}

/** What a config file sets; only the keys it sets are present. */
export interface ProjectConfig {
	readonly rules: Readonly<Record<string, RuleLevel>>;
	readonly allowPatterns: readonly string[];
	readonly denyPatterns: readonly string[];
	readonly trustedRegistries: readonly string[];
	readonly insecureRegistries: readonly string[];
	/** Globs (relative to the config file's directory) of Dockerfiles the CLI skips. */
	readonly ignorePaths: readonly string[];
	/** hadolint's `failure-threshold`, mapped to our levels (the CLI's default `--fail-on`). */
	readonly failOn?: Exclude<RuleLevel, 'off'> | 'none';
}

/** A loaded configuration: where it came from, what it sets, what was wrong. */
export interface LoadedConfig {
	readonly files: readonly string[];
	readonly config: ProjectConfig;
	readonly errors: readonly ConfigError[];
}

/** A configuration that sets nothing. */
export const EMPTY_CONFIG: ProjectConfig = {
	rules: {},
	allowPatterns: [],
	denyPatterns: [],
	trustedRegistries: [],
	insecureRegistries: [],
	ignorePaths: [],
};

/** The nearest file among `names`, walking up from `start` to the file-system root. */
export function findUp(start: string, names: readonly string[]): string | undefined {
	let dir = resolve(start);
	for (;;) {
		for (const name of names) {
			const candidate = join(dir, name);
			if (existsSync(candidate) && statSync(candidate).isFile()) {
				return candidate;
			}
		}
		const parent = dirname(dir);
		if (parent === dir) {
			return undefined;
		}
		dir = parent;
	}
}

class Reader {
	readonly errors: ConfigError[] = [];
	private readonly lines = new LineCounter();
	readonly doc: Document;

	constructor(
		readonly file: string,
		text: string,
	) {
		this.doc = parseDocument(text, { lineCounter: this.lines });
		for (const error of this.doc.errors) {
			const pos = error.linePos?.[0];
			this.errors.push({
				file,
				line: pos?.line ?? 1,
				column: pos?.col ?? 1,
				key: '',
				message: `not valid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
			});
		}
	}

	error(node: Node | Pair | null | undefined, key: string, message: string): void {
		const range =
			(node && 'range' in node ? node.range : undefined) ??
			(node && 'key' in node && isScalar(node.key) ? node.key.range : undefined);
		const pos = this.lines.linePos(range?.[0] ?? 0);
		this.errors.push({ file: this.file, line: pos.line, column: pos.col, key, message });
	}

	/** A list of strings, or `undefined` (with an error) when it is anything else. */
	strings(node: unknown, key: string, check?: (value: string) => string | undefined): string[] | undefined {
		if (!isSeq(node)) {
			this.error(node as Node, key, 'must be a list of strings');
			return undefined;
		}
		const out: string[] = [];
		node.items.forEach((item, i) => {
			if (!isScalar(item) || typeof item.value !== 'string') {
				this.error(item as Node, `${key}[${i}]`, 'must be a string');
				return;
			}
			const problem = check?.(item.value);
			if (problem) {
				this.error(item, `${key}[${i}]`, problem);
				return;
			}
			out.push(item.value);
		});
		return out;
	}
}

/** Reads `.dockerfile-harden.yaml` text. */
export function parseConfig(file: string, text: string): { config: ProjectConfig; errors: ConfigError[] } {
	const reader = new Reader(file, text);
	const root = reader.doc.contents;
	const config: { -readonly [K in keyof ProjectConfig]: ProjectConfig[K] } = { ...EMPTY_CONFIG, rules: {} };
	if (reader.errors.length > 0 || root === null || root === undefined) {
		return { config, errors: reader.errors };
	}
	if (!isMap(root)) {
		reader.error(root, '', 'must be a mapping of settings (rules, secrets, trustedRegistries, registry, ignorePaths)');
		return { config, errors: reader.errors };
	}
	for (const pair of root.items) {
		const key = isScalar(pair.key) ? String(pair.key.value) : '';
		const value = pair.value;
		switch (key) {
			case 'rules': {
				if (!isMap(value)) {
					reader.error(pair, key, 'must map rule ids or names to off, error, warning, info or hint');
					break;
				}
				const rules: Record<string, RuleLevel> = {};
				for (const rule of value.items) {
					const name = isScalar(rule.key) ? String(rule.key.value) : '';
					const known = findRule(name);
					const level = isScalar(rule.value) ? toRuleLevel(rule.value.value) : undefined;
					if (!known) {
						reader.error(rule, `rules.${name}`, 'is not a rule id or name (see docs/rules)');
					} else if (!level) {
						reader.error(rule, `rules.${name}`, 'must be off, error, warning, info or hint');
					} else {
						rules[known.meta.id] = level;
					}
				}
				config.rules = rules;
				break;
			}
			case 'secrets': {
				if (!isMap(value)) {
					reader.error(pair, key, 'must have allowPatterns and/or denyPatterns');
					break;
				}
				for (const item of value.items) {
					const sub = isScalar(item.key) ? String(item.key.value) : '';
					if (sub === 'allowPatterns' || sub === 'denyPatterns') {
						const list = reader.strings(item.value, `secrets.${sub}`, regexProblem);
						if (list) {
							config[sub] = list;
						}
					} else {
						reader.error(item, `secrets.${sub}`, 'is not a setting (allowPatterns, denyPatterns)');
					}
				}
				break;
			}
			case 'trustedRegistries':
			case 'ignorePaths':
				config[key] = reader.strings(value, key) ?? [];
				break;
			case 'registry': {
				if (!isMap(value)) {
					reader.error(pair, key, 'must have insecureRegistries');
					break;
				}
				for (const item of value.items) {
					const sub = isScalar(item.key) ? String(item.key.value) : '';
					if (sub === 'insecureRegistries') {
						config.insecureRegistries = reader.strings(item.value, 'registry.insecureRegistries') ?? [];
					} else {
						reader.error(item, `registry.${sub}`, 'is not a setting (insecureRegistries)');
					}
				}
				break;
			}
			default:
				reader.error(pair, key, 'is not a setting (rules, secrets, trustedRegistries, registry, ignorePaths)');
		}
	}
	return { config, errors: reader.errors };
}

/** hadolint's levels as ours (`style` has no equivalent finding level: hint). */
const HADOLINT_LEVELS: Record<string, RuleLevel | 'none'> = {
	error: 'error',
	warning: 'warning',
	info: 'info',
	style: 'hint',
	ignore: 'off',
	none: 'none',
};

/**
 * Reads a `.hadolint.yaml`: `ignored` codes turn their mapped rules off, `override` re-levels them,
 * `trustedRegistries` carries over, `failure-threshold` becomes the CLI's default `--fail-on`. Codes without a DH
 * equivalent are ignored (hadolint checks them itself).
 */
export function parseHadolintConfig(file: string, text: string): { config: ProjectConfig; errors: ConfigError[] } {
	const reader = new Reader(file, text);
	const root = reader.doc.contents;
	const config: { -readonly [K in keyof ProjectConfig]: ProjectConfig[K] } = { ...EMPTY_CONFIG, rules: {} };
	if (reader.errors.length > 0 || !isMap(root)) {
		return { config, errors: reader.errors };
	}
	const rules: Record<string, RuleLevel> = {};
	const map = (code: string, level: RuleLevel): void => {
		for (const id of resolveSuppressionCode('hadolint', code)) {
			rules[id] = level;
		}
	};
	for (const pair of root.items) {
		const key = isScalar(pair.key) ? String(pair.key.value) : '';
		if (key === 'ignored') {
			for (const code of reader.strings(pair.value, key) ?? []) {
				map(code, 'off');
			}
		} else if (key === 'override' && isMap(pair.value)) {
			for (const item of pair.value.items) {
				const level = HADOLINT_LEVELS[isScalar(item.key) ? String(item.key.value) : ''];
				for (const code of reader.strings(item.value, `override.${String(isScalar(item.key) ? item.key.value : '')}`) ??
					[]) {
					if (level && level !== 'none') {
						map(code, level);
					}
				}
			}
		} else if (key === 'trustedRegistries') {
			config.trustedRegistries = isScalar(pair.value)
				? [String(pair.value.value)]
				: (reader.strings(pair.value, key) ?? []);
		} else if (key === 'failure-threshold' && isScalar(pair.value)) {
			const level = HADOLINT_LEVELS[String(pair.value.value)];
			config.failOn = level === 'off' ? 'none' : level;
		}
	}
	config.rules = rules;
	return { config, errors: reader.errors };
}

function readText(file: string): string | undefined {
	try {
		return readFileSync(file, 'utf8');
	} catch {
		return undefined;
	}
}

/**
 * Loads the configuration for a Dockerfile in `dir`: `.dockerfile-harden.yaml` found by walking up (or `explicit`),
 * over a `.hadolint.yaml` found the same way (or `hadolint`), ours winning.
 */
export function loadConfig(dir: string, options: { explicit?: string; hadolint?: string } = {}): LoadedConfig {
	const files: string[] = [];
	const errors: ConfigError[] = [];
	let config: ProjectConfig = EMPTY_CONFIG;
	const hadolintFile = options.hadolint ?? findUp(dir, HADOLINT_FILES);
	if (hadolintFile) {
		const text = readText(hadolintFile);
		if (text === undefined) {
			errors.push({ file: hadolintFile, line: 1, column: 1, key: '', message: 'cannot be read' });
		} else {
			const parsed = parseHadolintConfig(hadolintFile, text);
			files.push(hadolintFile);
			errors.push(...parsed.errors);
			config = parsed.config;
		}
	}
	const ownFile = options.explicit ?? findUp(dir, [CONFIG_FILE]);
	if (ownFile) {
		const text = readText(ownFile);
		if (text === undefined) {
			errors.push({ file: ownFile, line: 1, column: 1, key: '', message: 'cannot be read' });
		} else {
			const parsed = parseConfig(ownFile, text);
			files.push(ownFile);
			errors.push(...parsed.errors);
			config = mergeConfigs(config, parsed.config);
		}
	}
	return { files, config, errors };
}

function union(a: readonly string[], b: readonly string[]): string[] {
	return [...new Set([...a, ...b])];
}

/** `over` wins rule by rule; lists are joined. */
export function mergeConfigs(under: ProjectConfig, over: ProjectConfig): ProjectConfig {
	return {
		rules: { ...under.rules, ...over.rules },
		allowPatterns: union(under.allowPatterns, over.allowPatterns),
		denyPatterns: union(under.denyPatterns, over.denyPatterns),
		trustedRegistries: union(under.trustedRegistries, over.trustedRegistries),
		insecureRegistries: union(under.insecureRegistries, over.insecureRegistries),
		ignorePaths: union(under.ignorePaths, over.ignorePaths),
		failOn: over.failOn ?? under.failOn,
	};
}

/**
 * Settings for a document: the config file under the editor's (or the command line's) settings. Rules merge rule by
 * rule (the editor wins where both set one), lists are joined, `enable` and the rest come from `settings`.
 */
export function applyConfig(settings: Settings, config: ProjectConfig): Settings {
	return {
		...settings,
		rules: { ...config.rules, ...settings.rules },
		secrets: {
			allowPatterns: union(config.allowPatterns, settings.secrets.allowPatterns),
			denyPatterns: union(config.denyPatterns, settings.secrets.denyPatterns),
		},
		trustedRegistries: union(config.trustedRegistries, settings.trustedRegistries),
		registry: {
			...settings.registry,
			insecureRegistries: union(config.insecureRegistries, settings.registry.insecureRegistries),
		},
	};
}

/** One line for a log or the CLI: `path:line:column: key: message`. */
export function formatConfigError(error: ConfigError): string {
	return `${error.file}:${error.line}:${error.column}: ${error.key ? `${error.key} ` : ''}${error.message}`;
}
