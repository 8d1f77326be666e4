/**
 * Unified diffs for `--fix --diff`, and the redaction that keeps credentials out of them: a diff shows context lines
 * of the user's file, and CI logs are the last place a token should be printed.
 */
import { editScript } from '../engine/lineDiff';
import { findLiteralSecrets, findUrlCredentials, isLiteralSecretValue, isSecretName } from '../engine/secrets';

/** Lines of context around each change, as `diff -u` and git use. */
const CONTEXT = 3;

interface Line {
	readonly text: string;
	/** Whether the line ends the file without a newline. */
	readonly noEol: boolean;
}

function splitLines(text: string): Line[] {
	if (text === '') {
		return [];
	}
	const parts = text.split('\n');
	const endsWithNewline = parts[parts.length - 1] === '';
	if (endsWithNewline) {
		parts.pop();
	}
	return parts.map((t, i) => ({ text: t, noEol: !endsWithNewline && i === parts.length - 1 }));
}

/**
 * A unified diff from `before` to `after` (empty when they are equal), with `a/` and `b/` prefixes as git writes
 * them. Carriage returns are not printed; literal secrets in any line are redacted.
 */
export function unifiedDiff(path: string, before: string, after: string): string {
	if (before === after) {
		return '';
	}
	const ops = editScript(splitLines(before), splitLines(after), (x, y) => x.text === y.text && x.noEol === y.noEol);
	const out: string[] = [`--- a/${path}`, `+++ b/${path}`];
	// Positions (0-based) in the old and new file of each op.
	const oldAt: number[] = [];
	const newAt: number[] = [];
	let o = 0;
	let nn = 0;
	for (const op of ops) {
		oldAt.push(o);
		newAt.push(nn);
		if (op.kind !== '+') {
			o++;
		}
		if (op.kind !== '-') {
			nn++;
		}
	}
	let i = 0;
	while (i < ops.length) {
		if (ops[i].kind === ' ') {
			i++;
			continue;
		}
		// A hunk: CONTEXT lines before the first change, and it continues while changes are within 2*CONTEXT.
		const start = Math.max(0, i - CONTEXT);
		let end = i;
		let lastChange = i;
		while (end < ops.length) {
			if (ops[end].kind !== ' ') {
				lastChange = end;
			} else if (end - lastChange > 2 * CONTEXT) {
				break;
			}
			end++;
		}
		end = Math.min(ops.length, lastChange + CONTEXT + 1);
		const hunk = ops.slice(start, end);
		const oldCount = hunk.filter((op) => op.kind !== '+').length;
		const newCount = hunk.filter((op) => op.kind !== '-').length;
		const oldStart = oldCount === 0 ? oldAt[start] : oldAt[start] + 1;
		const newStart = newCount === 0 ? newAt[start] : newAt[start] + 1;
		out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
		for (const op of hunk) {
			out.push(op.kind + redactSecrets(op.line.text.replace(/\r$/, '')));
			if (op.line.noEol) {
				out.push('\\ No newline at end of file');
			}
		}
		i = end;
	}
	return out.join('\n') + '\n';
}

/** `NAME=value` anywhere (ENV, ARG, a shell assignment in RUN). */
const ASSIGNMENT = /\b([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s"']+)/g;

/** The legacy `ENV NAME value…` form, whose value is the rest of the line. */
const LEGACY_ENV = /^(\s*(?:ENV|ARG)\s+([A-Za-z_][A-Za-z0-9_]*)\s+)([^=\s].*)$/i;

/**
 * Replaces credentials in one line of text: known token formats, passwords in URLs, and literal values of
 * secret-named variables. Used wherever the CLI would print source text.
 */
export function redactSecrets(line: string): string {
	const spans: { start: number; end: number; text: string }[] = [];
	for (const s of findLiteralSecrets(line)) {
		spans.push({ start: s.start, end: s.end, text: `<redacted ${s.kind}>` });
	}
	for (const c of findUrlCredentials(line)) {
		if (c.literal) {
			const scheme = line.indexOf('://', c.start) + 3;
			const at = line.lastIndexOf('@', c.end);
			if (scheme > 2 && at > scheme) {
				spans.push({ start: scheme, end: at, text: '<redacted>' });
			}
		}
	}
	const secretValue = (name: string, value: string): boolean =>
		isSecretName(name) && isLiteralSecretValue(value.replace(/^(["'])(.*)\1$/, '$2'));
	ASSIGNMENT.lastIndex = 0;
	for (let m = ASSIGNMENT.exec(line); m; m = ASSIGNMENT.exec(line)) {
		const [whole, name, value] = m;
		if (secretValue(name, value)) {
			const start = m.index + whole.length - value.length;
			spans.push({ start, end: start + value.length, text: '<redacted>' });
		}
	}
	const legacy = LEGACY_ENV.exec(line);
	if (legacy && secretValue(legacy[2], legacy[3].trim())) {
		spans.push({ start: legacy[1].length, end: line.length, text: '<redacted>' });
	}
	if (spans.length === 0) {
		return line;
	}
	spans.sort((a, b) => a.start - b.start || b.end - a.end);
	let result = '';
	let last = 0;
	for (const span of spans) {
		if (span.start < last) {
			// Overlapping finds: the earlier replacement stands for both, and covers the longer end.
			last = Math.max(last, span.end);
			continue;
		}
		result += line.slice(last, span.start) + span.text;
		last = span.end;
	}
	return result + line.slice(last);
}
