/**
 * Names, ids and settings shared by the language server, the VS Code client and the CLI.
 * This module imports nothing at run time so the client can bundle it without pulling in the server.
 */

/** Diagnostic `source` of every finding. */
export const DIAGNOSTIC_SOURCE = 'dockerfile-harden';

/** Base URL of the rule documentation pages (`<base>/DH101-no-root-user.md`). */
export const DOCS_BASE_URL = 'https://github.com/dockerfile-harden/dockerfile-harden/blob/main/docs/rules/';

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
	/**
	 * Resolves one image reference at its registry and writes its digest ("Pin to digest", "Update digest").
	 * Argument: {@link PinImageParams}; returns a {@link PinResult}. Contacts the registry: explicit user action only.
	 */
	pinImage: 'dockerfileHarden.server.pinImage',
	/**
	 * Resolves every image reference of a document concurrently and writes all digests as one edit ("Pin All Images
	 * to Digests"). Argument: {@link PinAllImagesParams}; returns a {@link PinResult}.
	 */
	pinAllImages: 'dockerfileHarden.server.pinAllImages',
	/**
	 * Downloads an `ADD` URL once and writes `--checksum=sha256:…` (DH202's fix). Argument: {@link AddChecksumParams};
	 * returns a {@link PinResult}.
	 */
	addChecksum: 'dockerfileHarden.server.addChecksum',
	/**
	 * Harden Dockerfile: every safe and review fix, and (trusted workspace) the image digests, as one edit with a
	 * change annotation per rule so the editor shows a preview. Argument: {@link HardenParams}; returns a
	 * {@link HardenResult}.
	 */
	harden: 'dockerfileHarden.server.harden',
} as const;

/** Code action kind for fix-on-save. */
export const FIX_ALL_KIND = 'source.fixAll.dockerfileHarden';

/** Custom notifications from the server to the client. */
export const Notifications = {
	/** The server tells the client to open a rule's documentation. */
	showDocs: 'dockerfileHarden/showDocs',
	/** The client tells the server its {@link ClientEnvironment} changed (trust granted, proxy changed). */
	clientEnvironment: 'dockerfileHarden/clientEnvironment',
} as const;

/**
 * What the server cannot see for itself: sent by the client as `initializationOptions` and again, whole, in a
 * {@link Notifications.clientEnvironment} notification when it changes. Every field is optional; a client that sends
 * nothing (other editors, which have no workspace trust) gets a trusted workspace and the proxy environment variables.
 */
export interface ClientEnvironment {
	/** `vscode.workspace.isTrusted`. When `false`, the server contacts no registry and downloads nothing. */
	readonly workspaceTrusted?: boolean;
	/** VS Code's `http.proxy` (`http://[user:password@]host:port`); wins over `HTTPS_PROXY`/`HTTP_PROXY`. */
	readonly httpProxy?: string;
	/** VS Code's `http.noProxy`: hosts never sent through {@link httpProxy} (added to `NO_PROXY`). */
	readonly noProxy?: readonly string[];
}

/** Reads a {@link ClientEnvironment} from whatever a client sent. Total: wrong types are ignored. */
export function normalizeClientEnvironment(raw: unknown): ClientEnvironment {
	const r = record(raw);
	const proxy = typeof r.httpProxy === 'string' && r.httpProxy.trim() !== '' ? r.httpProxy.trim() : undefined;
	return {
		...(typeof r.workspaceTrusted === 'boolean' ? { workspaceTrusted: r.workspaceTrusted } : {}),
		...(proxy !== undefined ? { httpProxy: proxy } : {}),
		...(Array.isArray(r.noProxy) ? { noProxy: stringArray(r.noProxy) ?? [] } : {}),
	};
}

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
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Why a secret pattern cannot be used (`undefined`: it compiles as a case-insensitive regular expression). */
export function regexProblem(pattern: string): string | undefined {
	try {
		new RegExp(pattern, 'i');
		return undefined;
	} catch (error) {
		return `is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`;
	}
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
		languageFeatures: mode === 'on' || mode === 'off' || mode === 'auto' ? mode : DEFAULT_SETTINGS.languageFeatures,
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
	/** What the fix needs from the build after it applies (review fixes that move values into secrets). */
	readonly details?: FixDetails;
}

/** A BuildKit secret a fixed Dockerfile expects at build time. */
export interface BuildSecret {
	/** `--mount=type=secret,id=<id>` */
	readonly id: string;
	/** Where the value comes from on the build machine: an environment variable (`env=`) or a file (`src=`). */
	readonly env?: string;
	readonly src?: string;
}

/** A file beside the Dockerfile a fix creates or extends (paths relative to the build context). */
export interface FileChange {
	readonly path: string;
	/** `create`: write `text` as a new file (only when it does not exist); `append`: add `text` at its end. */
	readonly action: 'create' | 'append';
	readonly text: string;
}

/** The parts of a fix that are not edits of the Dockerfile. */
export interface FixDetails {
	/** Secrets the build must now pass (`docker buildx build --secret id=…,env=…`). */
	readonly secrets?: readonly BuildSecret[];
	/** Other files the fix writes. */
	readonly files?: readonly FileChange[];
	/** What a person must still do or check after the fix (one sentence each). */
	readonly notes?: readonly string[];
}

/** A range in LSP coordinates. */
export type LspRange = FixEdit['range'];

/** Where an image reference is written. */
export type ImageSiteKind = 'from' | 'copyFrom' | 'mountFrom' | 'syntax' | 'argDefault';

/**
 * An image reference a network fix can pin (DH201's `data.pin`). The engine stays offline: it says what to resolve
 * and where the digest goes; the server or the CLI resolves it when the user asks.
 */
export interface PinData {
	/** The image after variable expansion, as the registry is asked for it (`python:3.11-slim`). */
	readonly image: string;
	readonly site: ImageSiteKind;
	/** The reference as written at {@link range} (`python:${PY}-slim`, `"python:3.11"` for a quoted ARG default). */
	readonly written: string;
	readonly range: LspRange;
	/** What `@sha256:…` replaces: the written digest (`@…`), or an empty range at the end of the reference. */
	readonly digestRange: LspRange;
}

/** A remote `ADD` source whose checksum a network fix can write (DH202's `data.checksum`). */
export interface ChecksumData {
	/** The URL after variable expansion. */
	readonly url: string;
	/** Where `--checksum=sha256:… ` is inserted (right after `ADD `). */
	readonly insertAt: LspRange['start'];
	/** The instruction's range, to check the document did not change before editing. */
	readonly range: LspRange;
}

/** What every diagnostic of ours carries in `data`. */
export interface DiagnosticData {
	readonly ruleId: string;
	readonly ruleName: string;
	readonly fix?: FixData;
	/** For DH201: the reference "Pin to digest" resolves (added in 0.2; older data simply lacks it). */
	readonly pin?: PinData;
	/** For DH202: the URL "Add --checksum" downloads. */
	readonly checksum?: ChecksumData;
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

/** Argument of {@link ServerCommands.harden}. */
export interface HardenParams {
	readonly uri: string;
	/** The document version the user saw; the server refuses to edit a newer one. */
	readonly version?: number;
	/** Resolve image digests at their registries too (never in an untrusted workspace). */
	readonly pin?: boolean;
}

/** What {@link ServerCommands.harden} returns. */
export interface HardenResult {
	/** As {@link ApplyAllFixesResult}'s, plus `cancelled` (while the registry answered). */
	readonly outcome: 'applied' | 'nothing' | 'stale' | 'rejected' | 'unknownDocument' | 'cancelled';
	/** Rule ids whose changes were offered, in order. */
	readonly rules: readonly string[];
	/** Findings left for a person. */
	readonly remaining: number;
	/** The build secrets the hardened file needs. */
	readonly secrets: readonly BuildSecret[];
	/** What changed, what is left, how to build and run it (Markdown). */
	readonly summary: string;
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

/** Argument of {@link ServerCommands.pinImage}. */
export interface PinImageParams {
	readonly uri: string;
	/** The reference, as DH201's `data.pin` (or the hover) gave it. */
	readonly pin: PinData;
	/** Replace an existing valid digest ("Update digest"); without it, an already pinned reference is left alone. */
	readonly update?: boolean;
}

/** Argument of {@link ServerCommands.pinAllImages}. */
export interface PinAllImagesParams {
	readonly uri: string;
	/** The document version the user saw. Digests are written only where the text still matches. */
	readonly version?: number;
	/**
	 * The client shows the report itself (VS Code does): no `window/showMessage`, and no server-created progress
	 * when the client runs its own.
	 */
	readonly quiet?: boolean;
}

/** Argument of {@link ServerCommands.addChecksum}. */
export interface AddChecksumParams {
	readonly uri: string;
	readonly checksum: ChecksumData;
}

/** What happened to one reference. */
export interface PinReferenceReport {
	/** The image as resolved (`python:3.11-slim`), or the URL for a checksum. */
	readonly image: string;
	readonly site: ImageSiteKind | 'add';
	/** 0-based line. */
	readonly line: number;
	/**
	 * `pinned`: digest written; `updated`: a moved tag's new digest written; `upToDate`: the pin already matches the
	 * tag; `failed`: see {@link reason}.
	 */
	readonly status: 'pinned' | 'updated' | 'upToDate' | 'failed';
	/** `sha256:…`, when resolved. */
	readonly digest?: string;
	/** One sentence, when failed. Never holds a credential. */
	readonly reason?: string;
}

/** What the pin commands return. */
export interface PinResult {
	/**
	 * `applied`: an edit was applied; `nothing`: nothing to pin, or every reference failed (see {@link references});
	 * `untrusted`: the workspace is not trusted, nothing was contacted; `stale`: the document changed so no reference
	 * matched; `rejected`: the client refused the edit; `cancelled`; `unknownDocument`.
	 */
	readonly outcome: 'applied' | 'nothing' | 'untrusted' | 'stale' | 'rejected' | 'cancelled' | 'unknownDocument';
	readonly references: readonly PinReferenceReport[];
	/** One sentence for the user when the outcome is not `applied` (or some references failed). */
	readonly message?: string;
}

function plural(n: number, one: string, many: string): string {
	return `${n} ${n === 1 ? one : many}`;
}

/**
 * What to tell the user about a pin command: one sentence when every reference failed for the same reason (offline,
 * a wrong password), otherwise what was pinned and, per failed reference, why. Shared by the server, the VS Code
 * client and the CLI so all three say the same.
 */
export function pinSummary(result: PinResult): string {
	if (result.message !== undefined && result.references.length === 0) {
		return result.message;
	}
	const refs = result.references;
	const done = refs.filter((r) => r.status === 'pinned' || r.status === 'updated');
	const current = refs.filter((r) => r.status === 'upToDate');
	const failed = refs.filter((r) => r.status === 'failed');
	if (refs.length === 0) {
		return result.message ?? 'There is no image reference to pin in this Dockerfile.';
	}
	const reasons = [...new Set(failed.map((r) => r.reason ?? 'unknown reason'))];
	if (failed.length > 0 && done.length === 0 && reasons.length === 1) {
		return `Nothing was changed: ${reasons[0]}`;
	}
	const parts: string[] = [];
	if (done.length > 0) {
		const updated = done.filter((r) => r.status === 'updated').length;
		if (failed.length > 0) {
			parts.push(`Pinned ${done.length} of ${plural(done.length + failed.length, 'image', 'images')}.`);
		} else if (updated === done.length) {
			parts.push(
				`Updated the ${done.length === 1 ? 'digest of 1 image' : `digests of ${done.length} images`} to what ${done.length === 1 ? 'its tag names' : 'their tags name'} now.`,
			);
		} else {
			parts.push(
				`Pinned ${plural(done.length, 'image', 'images')} to ${done.length === 1 ? 'its digest' : 'their digests'}.`,
			);
		}
	}
	if (current.length > 0) {
		parts.push(
			`${plural(current.length, 'pin is', 'pins are')} up to date with ${current.length === 1 ? 'its tag' : 'their tags'}.`,
		);
	}
	for (const r of failed) {
		parts.push(`${r.image} (line ${r.line + 1}) was not pinned: ${r.reason ?? 'unknown reason'}`);
	}
	return parts.join(' ');
}
