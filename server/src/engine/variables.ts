/**
 * Dockerfile variable substitution (`$X`, `${X}`, `${X:-default}`, `${X:+alt}`, `${X-default}`, `${X+alt}`),
 * as BuildKit applies it to FROM, COPY, ENV, USER, WORKDIR… (never to RUN, which the shell expands).
 */

/** The result of expanding a text. */
export interface Expansion {
	readonly value: string;
	/** Whether some variable had no known value, so `value` is incomplete. */
	readonly unresolved: boolean;
	/** Names of the variables referenced. */
	readonly names: readonly string[];
}

/**
 * Lookup of a variable: a string for a known value, `null` for declared without a value (`ARG X`), `undefined` for
 * not declared.
 */
export type VariableLookup = (name: string) => string | null | undefined;

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * How deep `${A:-${B:-…}}` defaults may nest before the rest counts as unresolved. Real files nest two or three
 * levels; without a limit, thousands of levels overflowed the call stack (and cost quadratic time).
 */
export const MAX_EXPANSION_DEPTH = 32;

/** Expands variables in `text`. `escapeChar` + `$` is a literal dollar. */
export function expandVariables(text: string, lookup: VariableLookup, escapeChar = '\\'): Expansion {
	return expand(text, lookup, escapeChar, 0);
}

function expand(text: string, lookup: VariableLookup, escapeChar: string, depth: number): Expansion {
	if (depth > MAX_EXPANSION_DEPTH) {
		return { value: text, unresolved: true, names: [] };
	}
	let out = '';
	let unresolved = false;
	const names: string[] = [];
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (c === escapeChar && text[i + 1] === '$') {
			out += '$';
			i += 2;
			continue;
		}
		if (c !== '$') {
			out += c;
			i++;
			continue;
		}
		if (text[i + 1] === '{') {
			const close = matchingBrace(text, i + 2);
			if (close < 0) {
				out += text.slice(i);
				unresolved = true;
				break;
			}
			const body = text.slice(i + 2, close);
			const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])(.*))?$/s.exec(body);
			if (!m) {
				unresolved = true;
				out += text.slice(i, close + 1);
			} else {
				const [, name, op, word] = m;
				names.push(name);
				const value = lookup(name);
				const set = value !== undefined && value !== null;
				const nonEmpty = set && value !== '';
				if (op === ':-' || op === '-') {
					const useDefault = op === ':-' ? !nonEmpty : !set;
					if (useDefault) {
						const inner = expand(word ?? '', lookup, escapeChar, depth + 1);
						names.push(...inner.names);
						out += inner.value;
						unresolved ||= inner.unresolved;
					} else {
						out += value;
					}
				} else if (op === ':+' || op === '+') {
					const useAlt = op === ':+' ? nonEmpty : set;
					if (useAlt) {
						const inner = expand(word ?? '', lookup, escapeChar, depth + 1);
						names.push(...inner.names);
						out += inner.value;
						unresolved ||= inner.unresolved;
					} else if (value === undefined || value === null) {
						// Not known statically whether the build passes it.
						unresolved ||= value === null;
					}
				} else if (set) {
					out += value;
				} else {
					unresolved = true;
				}
			}
			i = close + 1;
			continue;
		}
		NAME.lastIndex = i + 1;
		const m = NAME.exec(text);
		if (!m) {
			out += c;
			i++;
			continue;
		}
		names.push(m[0]);
		const value = lookup(m[0]);
		if (value === undefined || value === null) {
			unresolved = true;
		} else {
			out += value;
		}
		i = NAME.lastIndex;
	}
	return { value: out, unresolved, names };
}

function matchingBrace(text: string, from: number): number {
	let depth = 1;
	for (let i = from; i < text.length; i++) {
		if (text[i] === '{' && text[i - 1] === '$') {
			depth++;
		} else if (text[i] === '}') {
			depth--;
			if (depth === 0) {
				return i;
			}
		}
	}
	return -1;
}

/** Whether a text references a variable at all. */
export function hasVariable(text: string): boolean {
	return /\$(?:\{|[A-Za-z_])/.test(text);
}
