/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), which the runner turns into annotations on
 * the pull request. Info and hint findings become `notice`, the only lower level Actions knows.
 */
import { oneBased, messageText, severityName, type Report } from '../report';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' } as const;

/** Escapes a command's message as the runner expects (`%`, CR, LF). */
export function escapeData(text: string): string {
	return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property value: the message escapes plus `:` and `,`, which delimit properties. */
export function escapeProperty(text: string): string {
	return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Formats a report as one workflow command per finding. */
export function formatGithub(report: Report): string {
	const lines: string[] = [];
	for (const file of report.files) {
		for (const d of file.diagnostics) {
			const start = oneBased(d.range.start);
			const end = oneBased(d.range.end);
			const properties = [
				`file=${escapeProperty(file.path)}`,
				`line=${start.line}`,
				`col=${start.column}`,
				`endLine=${end.line}`,
				`endColumn=${end.column}`,
				`title=${escapeProperty(`${d.data.ruleId} ${d.data.ruleName}`)}`,
			];
			lines.push(`::${COMMAND[severityName(d.severity)]} ${properties.join(',')}::${escapeData(messageText(d))}`);
		}
	}
	return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
