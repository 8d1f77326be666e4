/**
 * Golden files (Ruff/Biome snapshots): a Dockerfile's diagnostics drawn under their lines, then the text after
 * every safe fix. `UPDATE_SNAPSHOTS=1` rewrites the `.snap` files; review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fixAll } from '../../server/src/engine/fixer';
import { lint, type HardenDiagnostic } from '../../server/src/engine/lint';
import type { BuildContext } from '../../server/src/engine/context';
import { allRules } from '../../server/src/rules';

const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

function draw(lines: readonly string[], d: HardenDiagnostic): string {
	const { start, end } = d.range;
	const width = String(lines.length).length;
	const out: string[] = [];
	for (let l = start.line; l <= end.line && l < lines.length; l++) {
		const text = lines[l];
		const from = l === start.line ? start.character : 0;
		const to = l === end.line ? end.character : text.length;
		out.push(`${String(l + 1).padStart(width)} | ${text}`);
		out.push(`${' '.repeat(width)} | ${' '.repeat(from)}${'~'.repeat(Math.max(1, to - from))}`);
	}
	const rule = allRules.find((r) => r.meta.id === d.code);
	const fix = d.data.fix ? ` [fix: ${d.data.fix.safety}]` : '';
	out.push(`${' '.repeat(width)} = ${d.code} ${SEVERITY[d.severity ?? 0]} ${rule?.meta.name}: ${d.message}${fix}`);
	return out.join('\n');
}

/** Renders a snapshot. */
export function renderSnapshot(text: string, buildContext: BuildContext | undefined): string {
	const lines = text.split(/\r\n|\r|\n/);
	const diagnostics = lint(text, { buildContext }).diagnostics;
	const fixed = fixAll(text, { buildContext, safeties: ['safe'] });
	return [
		'# Diagnostics',
		diagnostics.length === 0 ? '(none)' : diagnostics.map((d) => draw(lines, d)).join('\n\n'),
		'',
		`# After --fix (${fixed.applied.length} fixes in ${fixed.passes} passes)`,
		fixed.output === text ? '(unchanged)' : fixed.output.replace(/\r\n/g, '\u240D\n'),
		'',
	].join('\n');
}

/** Compares a rendering with its `.snap` file, or writes it under `UPDATE_SNAPSHOTS=1`. */
export function assertSnapshot(snapPath: string, actual: string): void {
	if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(snapPath)) {
		if (process.env.CI && !existsSync(snapPath)) {
			assert.fail(`missing snapshot ${snapPath}`);
		}
		writeFileSync(snapPath, actual);
		return;
	}
	assert.equal(actual, readFileSync(snapPath, 'utf8'), `snapshot ${snapPath} differs (UPDATE_SNAPSHOTS=1 rewrites it)`);
}
