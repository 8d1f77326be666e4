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

const DIRECTIVE = /^(dockerfile-harden|hadolint)\s+(?:(global)\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+?)\s*(?:#.*)?$/di;

/** A suppression comment, read from one line of a file. */
export interface SuppressionComment {
	readonly tool: 'dockerfile-harden' | 'hadolint';
	readonly global: boolean;
	/** The codes as written (ids, names, hadolint codes). */
	readonly codes: readonly string[];
	/** The column just after the last code: where `,DH101` goes to add one. */
	readonly codesEnd: number;
}

/** Reads `# dockerfile-harden [global] ignore=…` (or `# hadolint …`) on a line, in any case and spacing. */
export function parseSuppressionComment(line: string): SuppressionComment | undefined {
	const hash = line.search(/\S/);
	if (hash < 0 || line[hash] !== '#') {
		return undefined;
	}
	const body = line.slice(hash + 1);
	const start = hash + 1 + (body.length - body.trimStart().length);
	const m = DIRECTIVE.exec(body.trim());
	if (!m?.indices?.[3]) {
		return undefined;
	}
	return {
		tool: m[1].toLowerCase() as SuppressionComment['tool'],
		global: m[2] !== undefined,
		codes: m[3].split(/[\s,]+/).filter(Boolean),
		codesEnd: start + m.indices[3][1],
	};
}

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
		const parsed = parseSuppressionComment(comment.text);
		if (!parsed) {
			continue;
		}
		const ids = parsed.codes.flatMap((code) => resolve(parsed.tool, code));
		if (parsed.global) {
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
): Generator<{ line: number; text: string }> {
	let next = 0;
	let line = 0;
	for (const raw of text.split(/\r\n|\r|\n/)) {
		while (next < instructionLines.length && instructionLines[next][1] < line) {
			next++;
		}
		const inside = next < instructionLines.length && instructionLines[next][0] <= line;
		if (!inside && raw.trimStart().startsWith('#')) {
			yield { line, text: raw };
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
