/**
 * The human format, after ESLint's `stylish`: a file header, one row per finding, a summary. Never prints source
 * text: messages are written by the rules to be free of secrets, and that guarantee holds only if nothing else is
 * echoed.
 */
import { countFindings, fixSummary, oneBased, messageText, plural, severityName, type Report } from '../report';

type Style = 'red' | 'yellow' | 'blue' | 'cyan' | 'dim' | 'bold' | 'underline' | 'green';

const CODES: Readonly<Record<Style, readonly [number, number]>> = {
	red: [31, 39],
	yellow: [33, 39],
	blue: [34, 39],
	cyan: [36, 39],
	green: [32, 39],
	dim: [2, 22],
	bold: [1, 22],
	underline: [4, 24],
};

function painter(enabled: boolean): (style: Style, text: string) => string {
	return enabled
		? (style, text) => `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m`
		: (_style, text) => text;
}

const SEVERITY_STYLE = { error: 'red', warning: 'yellow', info: 'blue', hint: 'cyan' } as const;

/** Formats a report as stylish text (empty when there is nothing to say). */
export function formatStylish(report: Report): string {
	const paint = painter(report.color);
	const lines: string[] = [];
	for (const file of report.files) {
		if (file.diagnostics.length === 0) {
			continue;
		}
		const rows = file.diagnostics.map((d) => {
			const { line, column } = oneBased(d.range.start);
			return { position: `${line}:${column}`, severity: severityName(d.severity), d };
		});
		const positionWidth = Math.max(...rows.map((r) => r.position.length));
		const severityWidth = Math.max(...rows.map((r) => r.severity.length));
		lines.push(paint('underline', file.path));
		for (const { position, severity, d } of rows) {
			// Messages are one line by contract; a stray newline would break the table, so it is flattened.
			const message = messageText(d).replace(/\s*[\r\n]+\s*/g, ' ');
			lines.push(
				`  ${paint('dim', position.padEnd(positionWidth))}  ${paint(SEVERITY_STYLE[severity], severity.padEnd(severityWidth))}  ${message}  ${paint('dim', d.code)}`,
			);
		}
		lines.push('');
	}
	const counts = countFindings(report.files);
	if (counts.problems > 0) {
		const parts = [plural(counts.errors, 'error'), plural(counts.warnings, 'warning'), plural(counts.infos, 'info')];
		if (counts.hints > 0) {
			parts.push(plural(counts.hints, 'hint'));
		}
		const style = counts.errors > 0 ? 'red' : 'yellow';
		lines.push(paint(style, paint('bold', `\u2716 ${plural(counts.problems, 'problem')} (${parts.join(', ')})`)));
		if (counts.fixable > 0 || counts.fixableUnsafe > 0) {
			const more = counts.fixableUnsafe > 0 ? ` (${counts.fixableUnsafe} more with --fix-unsafe)` : '';
			lines.push(paint(style, paint('bold', `  ${counts.fixable} fixable with --fix${more}`)));
		}
	}
	const fixed = fixSummary(report);
	if (fixed !== undefined) {
		lines.push(paint('green', fixed));
	}
	return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
