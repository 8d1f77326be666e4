/**
 * SARIF 2.1.0 for code-scanning services (GitHub code scanning, Azure DevOps, …): the whole rule catalogue as
 * `tool.driver.rules`, one result per finding with its region and, when the finding has one, its fix.
 */
import { dirname, isAbsolute, join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { DIAGNOSTIC_SOURCE, DOCS_BASE_URL, docsUrl, type FixData } from '../../protocol';
import { allRules } from '../../rules';
import type { Severity } from '../../rules/types';
import { fixRevealsSecret, messageText, severityName, type FileReport, type Report } from '../report';

/** The schema URL code-scanning services expect in `$schema`. */
export const SARIF_SCHEMA_URL = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The project's home page: the docs base without its `/blob/<branch>/…` part. */
const INFORMATION_URI = DOCS_BASE_URL.replace(/\/blob\/.*$/, '');

/** The base id that makes result URIs relative to the checkout, as code scanning needs. */
const SRCROOT = '%SRCROOT%';

const LEVEL: Readonly<Record<Severity, Sarif.ReportingConfiguration.level>> = {
	error: 'error',
	warning: 'warning',
	info: 'note',
	hint: 'note',
};

/** An LSP range as a SARIF region: 1-based lines and columns, end column exclusive, both in UTF-16 code units. */
function toRegion(range: FixData['edits'][number]['range']): Sarif.Region {
	return {
		startLine: range.start.line + 1,
		startColumn: range.start.character + 1,
		endLine: range.end.line + 1,
		endColumn: range.end.character + 1,
	};
}

function artifactLocation(file: FileReport): Sarif.ArtifactLocation {
	// Paths inside the working directory are relative to %SRCROOT% so the log is portable between checkouts; a
	// path outside it can only be given absolutely.
	if (file.absolutePath !== undefined && isAbsolute(file.path)) {
		return { uri: pathToFileURL(file.absolutePath).href };
	}
	return { uri: file.path.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

/** Where a file the fix writes beside the Dockerfile lives, in the Dockerfile's terms. */
function siblingLocation(file: FileReport, name: string): Sarif.ArtifactLocation {
	if (file.absolutePath !== undefined && isAbsolute(file.path)) {
		return { uri: pathToFileURL(join(dirname(file.absolutePath), name)).href };
	}
	const dir = posix.dirname(file.path);
	const path = dir === '.' ? name : `${dir}/${name}`;
	return { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

/**
 * A finding's fix as SARIF: its edits of the Dockerfile, and a new file it creates. A fix that only extends an
 * existing file has no region SARIF could name without reading that file: it gets no `fixes` entry (the message and
 * the docs say what to add).
 */
function toFix(fix: FixData, file: FileReport, location: Sarif.ArtifactLocation): Sarif.Fix | undefined {
	const changes: Sarif.ArtifactChange[] = [];
	if (fix.edits.length > 0) {
		changes.push({
			artifactLocation: location,
			replacements: fix.edits.map((edit) => ({
				deletedRegion: toRegion(edit.range),
				insertedContent: { text: edit.newText },
			})),
		});
	}
	for (const created of (fix.details?.files ?? []).filter((f) => f.action === 'create')) {
		changes.push({
			artifactLocation: siblingLocation(file, created.path),
			replacements: [
				{
					deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
					insertedContent: { text: created.text },
				},
			],
		});
	}
	return changes.length === 0
		? undefined
		: { description: { text: fix.title }, artifactChanges: changes, properties: { safety: fix.safety } };
}

/** Builds the SARIF log object. */
export function toSarifLog(report: Report): Sarif.Log {
	const rules: Sarif.ReportingDescriptor[] = allRules.map((rule) => ({
		id: rule.meta.id,
		name: rule.meta.name,
		shortDescription: { text: rule.meta.docs.summary },
		helpUri: docsUrl(rule.meta.id, rule.meta.name),
		defaultConfiguration: { level: LEVEL[rule.meta.defaultSeverity] },
		properties: {
			tags: ['security', 'dockerfile'],
			layer: rule.meta.layer,
			...(rule.meta.fix ? { fixSafety: rule.meta.fix.safety } : {}),
		},
	}));
	const ruleIndex = new Map(allRules.map((rule, index) => [rule.meta.id as string, index]));

	const results: Sarif.Result[] = [];
	for (const file of report.files) {
		const location = artifactLocation(file);
		for (const d of file.diagnostics) {
			const result: Sarif.Result = {
				ruleId: d.data.ruleId,
				level: LEVEL[severityName(d.severity)],
				message: { text: messageText(d) },
				locations: [{ physicalLocation: { artifactLocation: location, region: toRegion(d.range) } }],
			};
			const index = ruleIndex.get(d.data.ruleId);
			if (index !== undefined) {
				result.ruleIndex = index;
			}
			const fix = d.data.fix;
			const sarifFix = fix && !fixRevealsSecret(fix) ? toFix(fix, file, location) : undefined;
			if (sarifFix) {
				result.fixes = [sarifFix];
			}
			results.push(result);
		}
	}

	const cwdUri = pathToFileURL(report.cwd).href;
	return {
		$schema: SARIF_SCHEMA_URL,
		version: '2.1.0',
		runs: [
			{
				tool: {
					driver: {
						name: DIAGNOSTIC_SOURCE,
						informationUri: INFORMATION_URI,
						version: report.version,
						semanticVersion: report.version,
						rules,
					},
				},
				originalUriBaseIds: { [SRCROOT]: { uri: cwdUri.endsWith('/') ? cwdUri : `${cwdUri}/` } },
				columnKind: 'utf16CodeUnits',
				invocations: [{ executionSuccessful: !report.hadErrors }],
				results,
			},
		],
	};
}

/** Formats a report as a SARIF 2.1.0 log. */
export function formatSarif(report: Report): string {
	return JSON.stringify(toSarifLog(report), null, 2) + '\n';
}
