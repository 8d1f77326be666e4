/**
 * Suppression comments:
 * - `# dockerfile-harden ignore=DH101,no-sudo` — the next instruction;
 * - `# dockerfile-harden global ignore=DH405` — the whole file;
 * - `# hadolint ignore=DL3002` and `# hadolint global ignore=…` — the same, for the DH rules mapped to those codes.
 * Anything after a second `#` on the line is a reason and is ignored.
 */
import type { Dockerfile } from 'dockerfile-ast';

/** Where a suppression comment applies. */
export interface Suppressions {
	/** Rule ids ignored in the whole file. */
	readonly file: ReadonlySet<string>;
	/** Rule ids ignored per instruction, keyed by the instruction's first line. */
	readonly byInstruction: ReadonlyMap<number, ReadonlySet<string>>;
	/** First and last line of every instruction, sorted, to find the instruction a finding is in. */
	readonly instructionLines: readonly (readonly [number, number])[];
}

const DIRECTIVE = /^(dockerfile-harden|hadolint)\s+(?:(global)\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+?)\s*(?:#.*)?$/i;

/**
 * Reads the suppression comments of a file.
 *
 * @param resolve maps a code written in a comment (DH id, rule name, or hadolint code) to DH rule ids
 */
export function readSuppressions(
	text: string,
	dockerfile: Dockerfile,
	resolve: (tool: 'dockerfile-harden' | 'hadolint', code: string) => readonly string[],
): Suppressions {
	const file = new Set<string>();
	const byInstruction = new Map<number, Set<string>>();
	const instructionLines = dockerfile
		.getInstructions()
		.map((i) => [i.getRange().start.line, i.getRange().end.line] as const);
	const starts = instructionLines.map((l) => l[0]);
	for (const comment of commentLines(text, instructionLines)) {
		const m = DIRECTIVE.exec(comment.content);
		if (!m) {
			continue;
		}
		const tool = m[1].toLowerCase() as 'dockerfile-harden' | 'hadolint';
		const ids = m[3]
			.split(/[\s,]+/)
			.filter(Boolean)
			.flatMap((code) => resolve(tool, code));
		if (m[2]) {
			ids.forEach((id) => file.add(id));
			continue;
		}
		const line = comment.line;
		const next = starts.find((s) => s > line);
		if (next === undefined) {
			continue;
		}
		let set = byInstruction.get(next);
		if (!set) {
			set = new Set();
			byInstruction.set(next, set);
		}
		ids.forEach((id) => set.add(id));
	}
	return { file, byInstruction, instructionLines };
}

/**
 * Comment lines outside instructions. Read from the text because dockerfile-ast takes a first-line comment that
 * contains `=` for a parser directive, and a suppression comment on line 1 is common.
 */
function* commentLines(
	text: string,
	instructionLines: readonly (readonly [number, number])[],
): Generator<{ line: number; content: string }> {
	let next = 0;
	let line = 0;
	for (const raw of text.split(/\r\n|\r|\n/)) {
		while (next < instructionLines.length && instructionLines[next][1] < line) {
			next++;
		}
		const inside = next < instructionLines.length && instructionLines[next][0] <= line;
		const trimmed = raw.trimStart();
		if (!inside && trimmed.startsWith('#')) {
			yield { line, content: trimmed.slice(1).trim() };
		}
		line++;
	}
}

/** Whether a finding of `ruleId` starting at `line` is suppressed. */
export function isSuppressed(suppressions: Suppressions, ruleId: string, line: number): boolean {
	if (suppressions.file.has(ruleId)) {
		return true;
	}
	if (suppressions.byInstruction.size === 0) {
		return false;
	}
	const instruction = instructionAt(suppressions, line);
	return instruction !== undefined && (suppressions.byInstruction.get(instruction)?.has(ruleId) ?? false);
}

/** The first line of the instruction that contains `line`, if any. */
export function instructionAt(suppressions: Suppressions, line: number): number | undefined {
	const lines = suppressions.instructionLines;
	let lo = 0;
	let hi = lines.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const [start, end] = lines[mid];
		if (line < start) {
			hi = mid - 1;
		} else if (line > end) {
			lo = mid + 1;
		} else {
			return start;
		}
	}
	return undefined;
}
