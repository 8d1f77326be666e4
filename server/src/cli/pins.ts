/**
 * `--pin` and `--check-pins`: the CLI's use of the registry client. The same sites, edits and messages as the
 * editor's Pin All Images to Digests, so both write the same bytes and say the same.
 */
import { applyEdits } from '../engine/fixer';
import { imageSitesOf } from '../engine/imageSites';
import type { HardenDiagnostic } from '../engine/lint';
import { DIAGNOSTIC_SOURCE, docsUrl, type PinReferenceReport } from '../protocol';
import { cacheKey, type RegistryClient } from '../registry/client';
import { RegistryError } from '../registry/errors';
import { checkableSites, outcomeOf, unpinnedSites } from '../registry/pin';

/** What pinning one file gave. */
export interface PinnedText {
	/** The text with every digest written, or the input when anything failed (nothing is half pinned). */
	readonly output: string;
	readonly pinned: number;
	/** Lines for stderr when something failed (the file must then stay unchanged). */
	readonly errors: readonly string[];
}

/** Resolves every unpinned reference of `text` and writes the digests, or explains why nothing was written. */
export async function pinText(text: string, name: string, registry: RegistryClient): Promise<PinnedText> {
	const sites = unpinnedSites(imageSitesOf(text));
	if (sites.length === 0) {
		return { output: text, pinned: 0, errors: [] };
	}
	const results = await registry.resolveAll(sites.map((s) => s.ref));
	const outcome = outcomeOf(sites, results, false);
	const failed = outcome.reports.filter((r) => r.status === 'failed');
	if (failed.length > 0) {
		return { output: text, pinned: 0, errors: failureLines(name, failed, 'was not changed') };
	}
	return { output: applyEdits(text, outcome.edits), pinned: outcome.edits.length, errors: [] };
}

/** One sentence when every failure has the same reason (offline, a wrong password), else one line per reference. */
function failureLines(name: string, failed: readonly PinReferenceReport[], what: string): string[] {
	const reasons = [...new Set(failed.map((r) => r.reason ?? 'unknown reason'))];
	if (reasons.length === 1) {
		return [`${name} ${what}: ${reasons[0]}`];
	}
	return [
		`${name} ${what}: ${failed.length} image references could not be resolved.`,
		...failed.map((r) => `${name}:${r.line + 1}: ${r.image}: ${r.reason ?? 'unknown reason'}`),
	];
}

/** What checking the pins of one file gave. */
export interface CheckedPins {
	/** A DH201 warning per pin whose tag moved. */
	readonly stale: HardenDiagnostic[];
	readonly errors: readonly string[];
}

/** Resolves the tag of every pinned reference and reports the ones that moved. */
export async function checkPins(text: string, name: string, registry: RegistryClient): Promise<CheckedPins> {
	const sites = checkableSites(imageSitesOf(text));
	if (sites.length === 0) {
		return { stale: [], errors: [] };
	}
	const results = await registry.resolveAll(sites.map((s) => s.ref));
	const stale: HardenDiagnostic[] = [];
	const failed: PinReferenceReport[] = [];
	for (const site of sites) {
		const result = results.get(cacheKey(site.ref));
		if (!result || result instanceof RegistryError) {
			failed.push({
				image: site.ref.raw,
				site: site.kind,
				line: site.pin.range.start.line,
				status: 'failed',
				reason: result?.message ?? 'It was not looked up.',
			});
			continue;
		}
		if (result.digest !== site.ref.digest) {
			const tagged = site.ref.raw.slice(0, site.ref.raw.lastIndexOf('@'));
			stale.push({
				range: site.pin.range,
				severity: 2,
				code: 'DH201',
				codeDescription: { href: docsUrl('DH201', 'pin-image-digest') },
				source: DIAGNOSTIC_SOURCE,
				message: `The tag "${tagged}" has moved to ${result.digest}, so the pinned ${site.ref.digest} is no longer what the tag names. Review what changed, then update the digest (the editor's "Update digest" quick fix writes it).`,
				data: { ruleId: 'DH201', ruleName: 'pin-image-digest', pin: site.pin },
			});
		}
	}
	return { stale, errors: failed.length > 0 ? failureLines(name, failed, 'pins could not be checked') : [] };
}
