/**
 * `WWW-Authenticate` challenges (RFC 9110 §11.6.1): `Bearer realm="…",service="…",scope="…"` and `Basic realm="…"`,
 * possibly several in one header.
 */

/** One challenge: its scheme (lower-cased) and parameters (keys lower-cased). */
export interface Challenge {
	readonly scheme: string;
	readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/** Parses a `WWW-Authenticate` header. Never throws; unparseable parts are skipped. */
export function parseChallenges(header: string | undefined): Challenge[] {
	if (!header) {
		return [];
	}
	const challenges: { scheme: string; params: Record<string, string> }[] = [];
	let rest = header;
	const skip = (pattern: RegExp): void => {
		rest = rest.replace(pattern, '');
	};
	while (rest.length > 0) {
		skip(/^[\s,]+/);
		const word = TOKEN.exec(rest)?.[0];
		if (!word) {
			// Not a token: drop one character and resynchronise.
			rest = rest.slice(1);
			continue;
		}
		rest = rest.slice(word.length);
		const afterSpaces = rest.replace(/^[ \t]*/, '');
		if (afterSpaces.startsWith('=') && challenges.length > 0) {
			// An auth-param of the current challenge.
			rest = afterSpaces.slice(1).replace(/^[ \t]*/, '');
			let value = '';
			if (rest.startsWith('"')) {
				let i = 1;
				for (; i < rest.length && rest[i] !== '"'; i++) {
					if (rest[i] === '\\' && i + 1 < rest.length) {
						i++;
					}
					value += rest[i];
				}
				rest = rest.slice(i + 1);
			} else {
				value = /^[^,\s]*/.exec(rest)![0];
				rest = rest.slice(value.length);
			}
			challenges[challenges.length - 1].params[word.toLowerCase()] = value;
		} else {
			challenges.push({ scheme: word.toLowerCase(), params: {} });
		}
	}
	return challenges;
}
