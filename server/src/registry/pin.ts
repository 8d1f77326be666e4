/**
 * Pinning shared by the language server and the CLI: which references to resolve, the edits that write their
 * digests (`@sha256:…` at each reference's digest range, so tag, `--platform`, `AS`, comments and line endings stay
 * as they are), and a report per reference.
 */
import { imageSitesOf, isPinned, type ImageSite } from '../engine/imageSites';
import type { FixEdit, PinData, PinReferenceReport } from '../protocol';
import { cacheKey, type RegistryClient, type Resolution, type ResolveOptions } from './client';
import { RegistryError } from './errors';

/** The references Pin All acts on: every one without a valid digest (a malformed digest is replaced). */
export function unpinnedSites(sites: readonly ImageSite[]): ImageSite[] {
	return sites.filter((s) => !isPinned(s.ref));
}

/** The references whose pin can be checked against their tag: a valid digest and a tag. */
export function checkableSites(sites: readonly ImageSite[]): ImageSite[] {
	return sites.filter((s) => isPinned(s.ref) && s.ref.tag !== undefined);
}

/**
 * Finds a reference again in a text that may have changed since `pin` was computed: the site of the same kind with
 * the same written text and image, nearest to where it was. `undefined` when it is gone.
 */
export function relocate(pin: PinData, text: string): ImageSite | undefined {
	const line = pin.range.start.line;
	return imageSitesOf(text)
		.filter((s) => s.kind === pin.site && s.pin.written === pin.written && s.pin.image === pin.image)
		.sort((a, b) => Math.abs(a.pin.range.start.line - line) - Math.abs(b.pin.range.start.line - line))[0];
}

/** What {@link pinSites} returns. */
export interface PinOutcome {
	/** One edit per reference that got a (new) digest; never two for the same range. */
	readonly edits: FixEdit[];
	readonly reports: PinReferenceReport[];
}

/** The edit that writes `digest` into a reference. */
export function digestEdit(site: ImageSite, digest: string): FixEdit {
	return { range: site.pin.digestRange, newText: `@${digest}` };
}

/**
 * Resolves the references concurrently (each distinct tag once) and builds the edits. With `update`, references
 * that already have a digest get the tag's current one when it moved (`upToDate` otherwise).
 */
export async function pinSites(
	sites: readonly ImageSite[],
	client: RegistryClient,
	options: ResolveOptions & {
		readonly update?: boolean;
		readonly onSettled?: (image: string, done: number, total: number) => void;
	} = {},
): Promise<PinOutcome> {
	const results = await client.resolveAll(
		sites.map((s) => s.ref),
		{ ...options, onSettled: (ref, done, total) => options.onSettled?.(ref.raw, done, total) },
	);
	return outcomeOf(sites, results, options.update === true);
}

/** Edits and reports from resolutions already made. */
export function outcomeOf(
	sites: readonly ImageSite[],
	results: ReadonlyMap<string, Resolution | RegistryError>,
	update: boolean,
): PinOutcome {
	const edits: FixEdit[] = [];
	const reports: PinReferenceReport[] = [];
	for (const site of sites) {
		const result = results.get(cacheKey(site.ref));
		const base = { image: site.ref.raw, site: site.kind, line: site.pin.range.start.line } as const;
		if (!result || result instanceof RegistryError) {
			reports.push({ ...base, status: 'failed', reason: result?.message ?? 'It was not looked up.' });
			continue;
		}
		const pinned = isPinned(site.ref);
		if (pinned && site.ref.digest === result.digest) {
			reports.push({ ...base, status: 'upToDate', digest: result.digest });
			continue;
		}
		if (pinned && !update) {
			continue;
		}
		edits.push(digestEdit(site, result.digest));
		reports.push({ ...base, status: pinned ? 'updated' : 'pinned', digest: result.digest });
	}
	return { edits, reports };
}
