/**
 * File modes in `chmod` commands and `COPY --chmod`: numeric (`755`, `4755`) and symbolic (`u+s,go-w`).
 */

/** A parsed mode. */
export interface Mode {
	/** Numeric mode value, or `undefined` for a symbolic mode. */
	readonly numeric: number | undefined;
	/** The digits as written (to keep their count when rewriting). */
	readonly text: string;
	readonly clauses: readonly { readonly who: string; readonly op: string; readonly perms: string }[];
}

/** Parses a mode argument; `undefined` when it is not a mode. */
export function parseMode(text: string): Mode | undefined {
	// chmod accepts extra leading zeros (`04755`, `00777`).
	if (/^0*[0-7]{1,4}$/.test(text) && text.length <= 5) {
		return { numeric: parseInt(text, 8), text, clauses: [] };
	}
	const clauses: { who: string; op: string; perms: string }[] = [];
	for (const part of text.split(',')) {
		const m = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(part);
		if (!m) {
			return undefined;
		}
		for (const action of m[2].match(/[-+=][rwxXstugo]*/g) ?? []) {
			clauses.push({ who: m[1], op: action[0], perms: action.slice(1) });
		}
	}
	return clauses.length > 0 ? { numeric: undefined, text, clauses } : undefined;
}

/** Whether a mode makes files writable by everyone. The sticky bit (`1777`, `+t`, /tmp's mode) is exempt. */
export function isWorldWritable(mode: Mode): boolean {
	if (mode.numeric !== undefined) {
		return (mode.numeric & 0o002) !== 0 && (mode.numeric & 0o1000) === 0;
	}
	if (mode.clauses.some((c) => c.perms.includes('t'))) {
		return false;
	}
	// `+w` without a who follows the umask (022 in builds), so only o/a say "everyone".
	return mode.clauses.some((c) => /[oa]/.test(c.who) && (c.op === '+' || c.op === '=') && c.perms.includes('w'));
}

/** Whether a mode sets the setuid or setgid bit. */
export function setsSpecialBit(mode: Mode): 'setuid' | 'setgid' | undefined {
	if (mode.numeric !== undefined) {
		return (mode.numeric & 0o4000) !== 0 ? 'setuid' : (mode.numeric & 0o2000) !== 0 ? 'setgid' : undefined;
	}
	let found: 'setuid' | 'setgid' | undefined;
	for (const c of mode.clauses) {
		if ((c.op === '+' || c.op === '=') && c.perms.includes('s')) {
			// `s` means setuid for u (and for a or no who), setgid for g; for o alone it does nothing.
			const who = c.who === '' ? 'a' : c.who;
			if (who.includes('u') || who.includes('a')) {
				return 'setuid';
			}
			if (who.includes('g')) {
				found = 'setgid';
			}
		}
	}
	return found;
}

/** A numeric mode without group and other write (`777` → `755`, `0666` → `0644`), digits kept. */
export function withoutSharedWrite(mode: Mode): string | undefined {
	if (mode.numeric === undefined) {
		return undefined;
	}
	return (mode.numeric & ~0o022).toString(8).padStart(mode.text.length, '0');
}

/** Options of chmod that take no value; anything else starting with `-` is an option too. */
export function chmodArguments(args: readonly { readonly value: string }[]): { modeIndex: number } | undefined {
	for (let i = 0; i < args.length; i++) {
		const v = args[i].value;
		if (v === '--') {
			return i + 1 < args.length ? { modeIndex: i + 1 } : undefined;
		}
		// `-w` or `-x` is a symbolic mode, not an option.
		if (v.startsWith('-') && !/^-[rwxXst]+$/.test(v)) {
			if (v.startsWith('--reference')) {
				return undefined;
			}
			continue;
		}
		return { modeIndex: i };
	}
	return undefined;
}
