/**
 * Names, ids and settings shared by the language server, the VS Code client and the CLI.
 * This module imports nothing at run time so the client can bundle it without pulling in the server.
 */

/** Diagnostic `source` of every finding. */
export const DIAGNOSTIC_SOURCE = 'dockerfile-harden';

/** Base URL of the rule documentation pages (`<base>/DH101-no-root-user.md`). */
export const DOCS_BASE_URL =
	'https://github.com/dockerfile-harden/dockerfile-harden/blob/main/docs/rules/';

/** Commands the user runs from VS Code. */
export const ClientCommands = {
	hardenDockerfile: 'dockerfileHarden.hardenDockerfile',
	pinImageDigests: 'dockerfileHarden.pinImageDigests',
	showRuleDocs: 'dockerfileHarden.showRuleDocs',
	showOutput: 'dockerfileHarden.showOutput',
} as const;

/** Commands the server registers; never the same id as a client command. */
export const ServerCommands = {
	applyFix: 'dockerfileHarden.server.applyFix',
	applyAllFixes: 'dockerfileHarden.server.applyAllFixes',
	addSuppression: 'dockerfileHarden.server.addSuppression',
	languageService: 'dockerfileHarden.server.languageService',
	/** Opens a rule's documentation page (`window/showDocument`, external). Argument: {@link ShowDocsParams}. */
	showDocs: 'dockerfileHarden.server.showDocs',
	/** Returns the rule catalogue as {@link RuleInfo}[] (for the client's "Show Rule Documentation" pick). */
	listRules: 'dockerfileHarden.server.listRules',
} as const;

/** Code action kind for fix-on-save. */
export const FIX_ALL_KIND = 'source.fixAll.dockerfileHarden';

/** Custom notifications from the server to the client. */
export const Notifications = {
	/** The server tells the client to open a rule's documentation. */
	showDocs: 'dockerfileHarden/showDocs',
} as const;

/** Severity a user can give a rule. `off` disables it. */
export type RuleLevel = 'off' | 'error' | 'warning' | 'info' | 'hint';

/** Whether the dockerfile-language-service features (completion, hover, …) run. */
export type LanguageFeaturesMode = 'auto' | 'on' | 'off';

/** The settings of one document, after normalisation. */
export interface Settings {
	readonly enable: boolean;
	/** Rule id (`DH101`) or name (`no-root-user`) → level. */
	readonly rules: Readonly<Record<string, RuleLevel>>;
	readonly secrets: {
		/** Regular expressions (case-insensitive) for variable names that are never secrets. */
		readonly allowPatterns: readonly string[];
		/** Regular expressions (case-insensitive) for variable names that are always secrets. */
		readonly denyPatterns: readonly string[];
	};
	readonly trustedRegistries: readonly string[];
	readonly registry: {
		readonly insecureRegistries: readonly string[];
		readonly timeoutMs: number;
	};
	readonly languageFeatures: LanguageFeaturesMode;
}

/** Settings used when nothing is configured. */
export const DEFAULT_SETTINGS: Settings = {
	enable: true,
	rules: {},
	secrets: { allowPatterns: [], denyPatterns: [] },
	trustedRegistries: [],
	registry: { insecureRegistries: [], timeoutMs: 10000 },
	languageFeatures: 'auto',
};

const RULE_LEVELS: readonly RuleLevel[] = ['off', 'error', 'warning', 'info', 'hint'];

/** Accepts the spellings users write for a level (`information`, `warn`, `none`). */
export function toRuleLevel(value: unknown): RuleLevel | undefined {
	if (typeof value !== 'string') {
		return undefined;
	}
	const v = value.trim().toLowerCase();
	if ((RULE_LEVELS as readonly string[]).includes(v)) {
		return v as RuleLevel;
	}
	switch (v) {
		case 'information':
			return 'info';
		case 'warn':
			return 'warning';
		case 'none':
		case 'ignore':
			return 'off';
		default:
			return undefined;
	}
}

function stringArray(value: unknown): string[] | undefined {
	if (!Array.isArray(value)) {
		return undefined;
	}
	return value.filter((v): v is string => typeof v === 'string');
}

function record(value: unknown): Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: {};
}

/**
 * Turns whatever the client sent (possibly wrong types) into complete settings.
 * Total: never throws, and a wrong value falls back to its default.
 */
export function normalizeSettings(raw: unknown): Settings {
	const r = record(raw);
	const rules: Record<string, RuleLevel> = {};
	for (const [key, value] of Object.entries(record(r.rules))) {
		const level = toRuleLevel(value);
		if (level !== undefined) {
			rules[key] = level;
		}
	}
	const secrets = record(r.secrets);
	const registry = record(r.registry);
	const timeout = registry.timeoutMs;
	const mode = r.languageFeatures;
	return {
		enable: typeof r.enable === 'boolean' ? r.enable : DEFAULT_SETTINGS.enable,
		rules,
		secrets: {
			allowPatterns: stringArray(secrets.allowPatterns) ?? [],
			denyPatterns: stringArray(secrets.denyPatterns) ?? [],
		},
		trustedRegistries: stringArray(r.trustedRegistries) ?? [],
		registry: {
			insecureRegistries: stringArray(registry.insecureRegistries) ?? [],
			timeoutMs:
				typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0
					? timeout
					: DEFAULT_SETTINGS.registry.timeoutMs,
		},
		languageFeatures:
			mode === 'on' || mode === 'off' || mode === 'auto' ? mode : DEFAULT_SETTINGS.languageFeatures,
	};
}

/** How safe a fix is (PRODUCT.md "Rule catalogue"). */
export type FixSafety = 'safe' | 'review' | 'network';

/** A text edit in LSP coordinates (0-based line and UTF-16 character). */
export interface FixEdit {
	readonly range: {
		readonly start: { readonly line: number; readonly character: number };
		readonly end: { readonly line: number; readonly character: number };
	};
	readonly newText: string;
}

/** A fix precomputed into a diagnostic's `data`. */
export interface FixData {
	readonly title: string;
	readonly safety: FixSafety;
	readonly edits: readonly FixEdit[];
}

/** What every diagnostic of ours carries in `data`. */
export interface DiagnosticData {
	readonly ruleId: string;
	readonly ruleName: string;
	readonly fix?: FixData;
}

/** URL of a rule's documentation page. */
export function docsUrl(ruleId: string, ruleName: string): string {
	return `${DOCS_BASE_URL}${ruleId}-${ruleName}.md`;
}

/** The configuration section the server pulls (`workspace/configuration`) and the prefix of every setting. */
export const CONFIGURATION_SECTION = 'dockerfileHarden';

/** Argument of {@link ServerCommands.applyAllFixes}. */
export interface ApplyAllFixesParams {
	readonly uri: string;
	/** The document version the user saw; the server refuses to edit a newer one. */
	readonly version?: number;
	/** Apply `review` fixes too (Harden Dockerfile), not only `safe` ones. Never `network` fixes. */
	readonly includeReview?: boolean;
}

/** What {@link ServerCommands.applyAllFixes} returns, so the client can tell the user what happened. */
export interface ApplyAllFixesResult {
	/**
	 * `applied`: the edit was applied; `nothing`: no fix applied to this text; `stale`: the document changed since
	 * `version`; `rejected`: the client refused the edit; `unknownDocument`: the server has no such open document.
	 */
	readonly outcome: 'applied' | 'nothing' | 'stale' | 'rejected' | 'unknownDocument';
	/** Number of fixes applied (over every pass). */
	readonly applied: number;
	/** Findings left after the fixes. */
	readonly remaining: number;
	/** `DH402: Add --no-cache-dir to pip install`, one per applied fix, in the order applied. */
	readonly titles: readonly string[];
}

/** Argument of {@link ServerCommands.showDocs}. */
export interface ShowDocsParams {
	readonly ruleId: string;
}

/** One rule of the catalogue, as {@link ServerCommands.listRules} returns it. */
export interface RuleInfo {
	readonly id: string;
	readonly name: string;
	readonly summary: string;
	readonly url: string;
}
