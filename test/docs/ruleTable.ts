/**
 * The README's rule table, generated from the rules' metadata so it cannot drift from what the engine does.
 * `npm run docs:readme` writes it between the marker comments; test/docs/readme.test.ts fails when the README's copy
 * differs from what this renders.
 */
import type { Rule } from '../../server/src/rules/types';

/** Starts the generated block in README.md. */
export const RULES_START = '<!-- rules:start: generated from server/src/rules by `npm run docs:readme`; edit the rules, not this table -->';

/** Ends the generated block in README.md. */
export const RULES_END = '<!-- rules:end -->';

/** Makes text safe inside one Markdown table cell. */
function cell(text: string): string {
	return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** The Markdown table of `rules`: id (linked to its page), name, layer, severity, fix and what it finds. */
export function renderRuleTable(rules: readonly Rule[]): string {
	const lines = ['| id | name | layer | severity | fix | finds |', '|---|---|---|---|---|---|'];
	for (const { meta } of rules) {
		const link = `[${meta.id}](docs/rules/${meta.id}-${meta.name}.md)`;
		const fix = meta.fix ? meta.fix.safety : '—';
		lines.push(
			`| ${link} | ${meta.name} | ${meta.layer} | ${meta.defaultSeverity} | ${fix} | ${cell(meta.docs.summary)} |`,
		);
	}
	return lines.join('\n');
}

/**
 * `readme` with the text between the markers replaced by `table`. Throws when the markers are missing or out of
 * order, so a broken README fails loudly instead of growing a second table.
 */
export function replaceRuleTable(readme: string, table: string): string {
	const start = readme.indexOf(RULES_START);
	const end = readme.indexOf(RULES_END);
	if (start < 0 || end < start) {
		throw new Error(`README.md needs the markers ${RULES_START} and ${RULES_END}, in that order`);
	}
	return `${readme.slice(0, start + RULES_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** The fix column of docs/rules/README.md: the fix's safety (its page says what it does), or `none`. */
export function fixCell(rule: Rule): string {
	return rule.meta.fix ? rule.meta.fix.safety : 'none';
}

/**
 * docs/rules/README.md with each rule row's fix column (the fifth cell) set from the metadata: the rest of that
 * table (equivalents in other tools) is written by hand.
 */
export function replaceFixColumn(index: string, rules: readonly Rule[]): string {
	const byId = new Map(rules.map((r) => [r.meta.id as string, r]));
	return index
		.split('\n')
		.map((line) => {
			const id = /^\| \[(DH\d{3})\]/.exec(line)?.[1];
			const rule = id === undefined ? undefined : byId.get(id);
			if (!rule) {
				return line;
			}
			// Split on unescaped pipes only: summaries contain `\|`.
			const cells = line.split(/(?<!\\)\|/);
			cells[5] = ` ${fixCell(rule)} `;
			return cells.join('|');
		})
		.join('\n');
}
