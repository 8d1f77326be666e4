/**
 * What counts as a secret: variable names (split into words, so `GOPRIVATE` and `KEY_NAME` are not secrets while
 * `PYPI_TOKEN` is) and literal credential formats (AWS, GitHub, GitLab, Slack, PyPI, npm, private keys).
 */

/** User-tunable patterns (settings `secrets.allowPatterns` / `secrets.denyPatterns`). */
export interface SecretPatterns {
	readonly allowPatterns: readonly string[];
	readonly denyPatterns: readonly string[];
}

/** Single words that make a name a secret. */
const SECRET_WORDS = new Set([
	'password',
	'passwd',
	'pwd',
	'pass',
	'passphrase',
	'secret',
	'secrets',
	'token',
	'apikey',
	'credential',
	'credentials',
	'creds',
	'privatekey',
	'authtoken',
	'accesstoken',
]);

/** Word pairs that make a name a secret (`API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`). */
const SECRET_PAIRS = new Set([
	'api key',
	'private key',
	'access key',
	'secret key',
	'signing key',
	'encryption key',
	'master key',
	'client key',
	'license key',
	'auth key',
	'deploy key',
]);

/**
 * A name ending in one of these words is about a secret, not the secret itself (`TOKEN_URL`, `PASSWORD_FILE`,
 * `AWS_ACCESS_KEY_ID`, `PASSWORD_MIN_LENGTH`).
 */
const NOT_SECRET_LAST_WORDS = new Set([
	'file',
	'files',
	'path',
	'dir',
	'directory',
	'url',
	'uri',
	'endpoint',
	'host',
	'hostname',
	'port',
	'id',
	'ids',
	'name',
	'names',
	'type',
	'mode',
	'version',
	'length',
	'len',
	'size',
	'count',
	'ttl',
	'expiry',
	'expires',
	'expiration',
	'timeout',
	'header',
	'prefix',
	'suffix',
	'format',
	'algorithm',
	'alias',
	'arn',
	'region',
	'enabled',
	'enable',
	'disabled',
	'required',
	'location',
	'policy',
	'scope',
	'scopes',
	'field',
]);

/** Any of these words anywhere means the value is public (`PUBLIC_KEY`, `GPG_PUBLIC_KEY`). */
const PUBLIC_WORDS = new Set(['public', 'pub', 'fingerprint', 'checksum', 'sha256', 'hash']);

/**
 * Words that make a name a switch about a secret rather than the secret (`TS_DISABLE_TOKEN_AUTHORIZATION`,
 * `REQUIRE_PASSWORD`, `SKIP_TOKEN_CHECK`).
 */
const SWITCH_WORDS = new Set([
	'disable',
	'disabled',
	'enable',
	'enabled',
	'skip',
	'allow',
	'require',
	'use',
	'verify',
	'ignore',
	'no',
]);

/**
 * Build-time variables that frameworks expose to browser code by design (Vite, Create React App, Next.js, Nuxt,
 * Expo, Gatsby, Vue CLI, Storybook): whatever they hold is public once the bundle ships.
 */
const CLIENT_SIDE_PREFIX = /^(?:VITE|REACT_APP|NEXT_PUBLIC|NUXT_PUBLIC|EXPO_PUBLIC|GATSBY|VUE_APP|STORYBOOK)_/i;

/** Splits `NPM_AUTH_TOKEN`, `npmAuthToken`, `npm-auth.token` into lower-case words. */
export function nameWords(name: string): string[] {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.split(/[^A-Za-z0-9]+/)
		.filter(Boolean)
		.map((w) => w.toLowerCase());
}

function compile(patterns: readonly string[]): RegExp[] {
	const out: RegExp[] = [];
	for (const p of patterns) {
		try {
			out.push(new RegExp(p, 'i'));
		} catch {
			// An invalid user pattern is ignored; the settings layer reports it.
		}
	}
	return out;
}

/** Compiled patterns per settings array (a WeakMap: each settings pull brings new arrays). */
const compiled = new WeakMap<readonly string[], RegExp[]>();
function patternsOf(list: readonly string[]): RegExp[] {
	let r = compiled.get(list);
	if (!r) {
		r = compile(list);
		compiled.set(list, r);
	}
	return r;
}

/** Whether a variable name says it holds a credential. */
export function isSecretName(name: string, patterns?: SecretPatterns): boolean {
	if (patterns) {
		if (patternsOf(patterns.allowPatterns).some((r) => r.test(name))) {
			return false;
		}
		if (patternsOf(patterns.denyPatterns).some((r) => r.test(name))) {
			return true;
		}
	}
	if (CLIENT_SIDE_PREFIX.test(name)) {
		return false;
	}
	const words = nameWords(name);
	if (words.length === 0 || words.some((w) => PUBLIC_WORDS.has(w) || SWITCH_WORDS.has(w))) {
		return false;
	}
	const last = words[words.length - 1];
	let hit = -1;
	for (let i = 0; i < words.length; i++) {
		if (SECRET_WORDS.has(words[i])) {
			hit = i;
		} else if (i + 1 < words.length && SECRET_PAIRS.has(`${words[i]} ${words[i + 1]}`)) {
			hit = i + 1;
		}
	}
	if (hit < 0) {
		return false;
	}
	// `TOKEN_URL`, `PASSWORD_FILE`, `ACCESS_KEY_ID`: the secret word is followed by a word that says what the
	// variable really holds.
	return !(hit < words.length - 1 && NOT_SECRET_LAST_WORDS.has(last));
}

/** A literal credential found in text. */
export interface LiteralSecret {
	readonly start: number;
	readonly end: number;
	/** What it is, for the message ("GitHub token"). Never the value. */
	readonly kind: string;
}

const LITERAL_PATTERNS: readonly { readonly kind: string; readonly re: RegExp }[] = [
	{ kind: 'AWS access key ID', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
	{ kind: 'GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g },
	{ kind: 'GitHub fine-grained token', re: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g },
	{ kind: 'GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
	{ kind: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
	{ kind: 'PyPI token', re: /\bpypi-AgE[A-Za-z0-9_-]{50,}\b/g },
	{ kind: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
	{ kind: 'private key', re: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
];

/**
 * What every pattern of {@link LITERAL_PATTERNS} starts with: one scan of a text without any of them replaces eight
 * (the rule runs them over every instruction of every file).
 */
const LITERAL_PREFIX = /AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[abposr]-|pypi-AgE|npm_|-----BEGIN /;

/** Finds literal credentials (known token formats). Example values documented by vendors are skipped. */
export function findLiteralSecrets(text: string): LiteralSecret[] {
	if (!LITERAL_PREFIX.test(text)) {
		return [];
	}
	const out: LiteralSecret[] = [];
	for (const { kind, re } of LITERAL_PATTERNS) {
		re.lastIndex = 0;
		for (let m = re.exec(text); m; m = re.exec(text)) {
			if (/EXAMPLE/i.test(m[0])) {
				continue;
			}
			out.push({ start: m.index, end: m.index + m[0].length, kind });
		}
	}
	return out.sort((a, b) => a.start - b.start);
}

/**
 * Whether a value written for a secret-named variable is a literal secret (not empty, not a variable reference,
 * not a file path, not a placeholder a build passes later).
 */
export function isLiteralSecretValue(value: string): boolean {
	const v = value.trim().replace(/^(["'])(.*)\1$/, '$2');
	if (v === '' || v.includes('$') || v.startsWith('/') || v.startsWith('./') || v.startsWith('~/')) {
		return false;
	}
	// Booleans and placeholders: a flag, or a value a build uses only to run a step (Django's collectstatic with
	// SECRET_KEY=dummy) is not a credential.
	if (/^(?:true|false|yes|no|on|off|none|null)$/i.test(v)) {
		return false;
	}
	if (/dummy|placeholder|example|sample|fake|not-?a-?secret|changeme|change-me|replace-?me|your[-_ ]/i.test(v)) {
		return false;
	}
	return !/^(?:<[^>]*>|\{\{.*\}\}|x+|\*+|\.\.\.)$/i.test(v);
}

/** A URL carrying credentials (`https://user:pass@host`, `https://${TOKEN}@host`). */
export interface UrlCredential {
	readonly start: number;
	readonly end: number;
	readonly host: string;
	/** Whether the password (or token) is written literally rather than through a variable. */
	readonly literal: boolean;
	/** Variables the credentials come from (`PYPI_TOKEN` in `https://u:${PYPI_TOKEN}@h`). */
	readonly variables: readonly string[];
}

const URL_WITH_USERINFO = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/@'"<>]+)@([A-Za-z0-9.-]+(?::\d+)?)/gi;

/** Finds URLs with credentials in text. `ssh://git@host` and other user-only URLs are not credentials. */
export function findUrlCredentials(text: string): UrlCredential[] {
	// The pattern needs both; most instructions have neither.
	if (!text.includes('://') || !text.includes('@')) {
		return [];
	}
	const out: UrlCredential[] = [];
	URL_WITH_USERINFO.lastIndex = 0;
	for (let m = URL_WITH_USERINFO.exec(text); m; m = URL_WITH_USERINFO.exec(text)) {
		const userinfo = m[2];
		const colon = userinfo.indexOf(':');
		const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
		const password = colon < 0 ? '' : userinfo.slice(colon + 1);
		const hasVariable = (s: string): boolean => /\$(?:\{|[A-Za-z_])/.test(s);
		let credential: boolean;
		let literal: boolean;
		if (password !== '') {
			credential = true;
			literal = !hasVariable(password);
		} else {
			// A user name alone is a credential only when it is a token (`https://${GITHUB_TOKEN}@github.com`).
			credential = hasVariable(user) || findLiteralSecrets(user).length > 0;
			literal = !hasVariable(user);
		}
		if (credential) {
			const variables = [...userinfo.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((v) => v[1]);
			out.push({ start: m.index, end: m.index + m[0].length, host: m[3], literal, variables });
		}
	}
	return out;
}
