/**
 * `.dockerignore` matching as BuildKit does it (moby/patternmatcher): patterns relative to the context root,
 * `*` and `?` within one path segment, `**` across segments, `!` re-includes, the last matching pattern wins, and a
 * pattern that matches a directory excludes everything under it.
 */

interface Pattern {
	readonly negate: boolean;
	readonly re: RegExp;
}

function compile(glob: string): RegExp {
	let re = '';
	for (let i = 0; i < glob.length; i++) {
		const c = glob[i];
		if (c === '*') {
			if (glob[i + 1] === '*') {
				// `**/` matches zero or more directories; `**` alone, anything.
				if (glob[i + 2] === '/') {
					re += '(?:.*/)?';
					i += 2;
				} else {
					re += '.*';
					i += 1;
				}
			} else {
				re += '[^/]*';
			}
		} else if (c === '?') {
			re += '[^/]';
		} else if (c === '[') {
			const close = glob.indexOf(']', i + 1);
			if (close < 0) {
				re += '\\[';
			} else {
				re += `[${glob
					.slice(i + 1, close)
					.replace(/^!/, '^')
					.replace(/\\/g, '\\\\')}]`;
				i = close;
			}
		} else {
			re += c.replace(/[.+^${}()|\\]/g, '\\$&');
		}
	}
	return new RegExp(`^${re}(?:/.*)?$`);
}

/** Parses a `.dockerignore` file. */
export function parseDockerignore(text: string): Pattern[] {
	const patterns: Pattern[] = [];
	for (const raw of text.split(/\r?\n/)) {
		let line = raw.trim();
		if (line === '' || line.startsWith('#')) {
			continue;
		}
		const negate = line.startsWith('!');
		if (negate) {
			line = line.slice(1).trim();
		}
		line = line.replace(/^\/+/, '').replace(/\/+$/, '').replace(/^\.\//, '');
		if (line === '' || line === '.') {
			continue;
		}
		try {
			patterns.push({ negate, re: compile(line) });
		} catch {
			// A pattern BuildKit would reject is ignored here.
		}
	}
	return patterns;
}

/** Whether `path` (relative to the context root) is excluded from the build context. */
export function isIgnored(patterns: readonly Pattern[], path: string): boolean {
	let ignored = false;
	for (const p of patterns) {
		if (p.re.test(path)) {
			ignored = !p.negate;
		}
	}
	return ignored;
}
