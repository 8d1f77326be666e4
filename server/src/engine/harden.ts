/**
 * Harden Dockerfile, the pure part: every safe and review fix in passes, composed into edits of the original text
 * labelled by rule (for a preview the user can untick group by group), the secrets and files the fixes need, what is
 * left for a person, and the commands to build and run the hardened image. Pinning and checksums are added by the
 * caller, which owns the network.
 */
import type { BuildSecret, FileChange } from '../protocol';
import { EditComposer, type LabelledEdit } from './compose';
import { fixAll, type AppliedFix, type FixAllResult } from './fixer';
import type { HardenDiagnostic, LintOptions } from './lint';

/** Something a fix leaves for a person (a secret to provide, a path to check). */
export interface HardenNote {
	readonly ruleId: string;
	readonly text: string;
}

/** What Harden would do to a text. */
export interface HardenPlan {
	readonly output: string;
	/** Edits of the original text; `label` is the rule id. */
	readonly edits: readonly LabelledEdit[];
	readonly applied: readonly AppliedFix[];
	readonly secrets: readonly BuildSecret[];
	readonly files: readonly FileChange[];
	/** What a person must still do, by the rule whose fix said so. */
	readonly notes: readonly HardenNote[];
	/** Findings left after the fixes: for a person (or for pinning). */
	readonly remaining: readonly HardenDiagnostic[];
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
	const seen = new Set<string>();
	return items.filter((item) => {
		const k = key(item);
		if (seen.has(k)) {
			return false;
		}
		seen.add(k);
		return true;
	});
}

/** Adds fix-all's passes to a composer, each edit labelled with its rule. */
export function composeSteps(composer: EditComposer, steps: FixAllResult['steps']): void {
	for (const pass of steps) {
		composer.apply(pass.flatMap((step) => step.edits.map((e) => ({ ...e, label: step.diagnostic.code }))));
	}
}

/** Plans Harden Dockerfile: safe and review fixes, never network ones. */
export function planHarden(text: string, options: LintOptions): HardenPlan {
	const result = fixAll(text, { ...options, safeties: ['safe', 'review'] });
	const composer = new EditComposer(text);
	const secrets: BuildSecret[] = [];
	const files: FileChange[] = [];
	const notes: HardenNote[] = [];
	composeSteps(composer, result.steps);
	for (const pass of result.steps) {
		for (const step of pass) {
			const details = step.diagnostic.data.fix?.details;
			secrets.push(...(details?.secrets ?? []));
			files.push(...(details?.files ?? []));
			notes.push(...(details?.notes ?? []).map((text) => ({ ruleId: step.diagnostic.code, text })));
		}
	}
	return {
		output: result.output,
		edits: composer.edits(),
		applied: result.applied,
		secrets: unique(secrets, (s) => s.id),
		files: unique(files, (f) => `${f.path}\0${f.action}\0${f.text}`),
		notes: unique(notes, (n) => n.text),
		remaining: result.remaining,
	};
}

/** How many findings of each rule. */
function countByRule(diagnostics: readonly HardenDiagnostic[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const d of diagnostics) {
		counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
	}
	return counts;
}

/**
 * The part of a plan the user kept: in VS Code's preview they may untick groups, so what changed is judged from the
 * text they ended with. A rule counts as applied when it has fewer findings than before; a secret when the text
 * mounts it; an image as pinned when no DH201 finding names it any more.
 */
export function keptPart(
	plan: Pick<HardenPlan, 'applied' | 'edits' | 'secrets' | 'notes'>,
	before: readonly HardenDiagnostic[],
	after: { readonly text: string; readonly diagnostics: readonly HardenDiagnostic[] },
	pinned: readonly string[] = [],
): Pick<HardenPlan, 'applied' | 'secrets' | 'notes' | 'remaining'> & { readonly pinned: readonly string[] } {
	const was = countByRule(before);
	const now = countByRule(after.diagnostics);
	// A rule with no finding before (a fix another fix called for, like the syntax line for a secret mount) counts
	// when its finding is still absent and a line it writes is there.
	const wrote = (ruleId: string): boolean =>
		plan.edits.some((e) => e.label === ruleId && e.newText.trim() !== '' && after.text.includes(e.newText.trim()));
	const kept = (ruleId: string): boolean => {
		const before = was.get(ruleId) ?? 0;
		const left = now.get(ruleId) ?? 0;
		return left < before || (before === 0 && left === 0 && wrote(ruleId));
	};
	const stillUnpinned = new Set(
		after.diagnostics.flatMap((d) => (d.code === 'DH201' && d.data.pin ? [d.data.pin.image] : [])),
	);
	return {
		applied: plan.applied.filter((a) => kept(a.ruleId)),
		secrets: plan.secrets.filter((s) => after.text.includes(`id=${s.id}`)),
		notes: plan.notes.filter((n) => kept(n.ruleId)),
		remaining: after.diagnostics,
		pinned: pinned.filter((image) => !stillUnpinned.has(image)),
	};
}

/** `docker buildx build` with the `--secret` flags the hardened file needs. */
export function buildCommand(secrets: readonly BuildSecret[], dockerfile = 'Dockerfile'): string {
	const flags = secrets.map(
		(s) => `--secret id=${s.id},${s.src !== undefined ? `src=${s.src}` : `env=${s.env ?? s.id.toUpperCase()}`}`,
	);
	const file = dockerfile === 'Dockerfile' ? [] : [`-f ${dockerfile}`];
	return ['docker buildx build', ...flags, ...file, '-t myapp .'].join(' ');
}

/** The seed's runtime layers 2 and 4 as `docker run` flags. */
export const RUN_COMMAND = 'docker run --read-only --tmpfs /tmp --security-opt no-new-privileges --cap-drop ALL myapp';

/** The seed's seccomp advice, which needs a profile file of the user's. */
export const SECCOMP_NOTE =
	"Add `--security-opt seccomp=./seccomp-profile.json` with a profile that allows only the syscalls the app needs (Docker's default profile already blocks about 44).";

/** The Compose form of the build secrets. */
export function composeSecrets(secrets: readonly BuildSecret[]): string | undefined {
	if (secrets.length === 0) {
		return undefined;
	}
	const service = [
		'services:',
		'  app:',
		'    build:',
		'      context: .',
		'      secrets:',
		...secrets.map((s) => `        - ${s.id}`),
	];
	const top = [
		'secrets:',
		...secrets.flatMap((s) => [
			`  ${s.id}:`,
			s.src !== undefined ? `    file: ${s.src}` : `    environment: ${s.env ?? s.id.toUpperCase()}`,
		]),
	];
	return [...service, ...top].join('\n');
}

/** The summary shown after Harden (Markdown): what changed, what is left, how to build and run. */
export function hardenSummary(
	plan: Pick<HardenPlan, 'applied' | 'secrets' | 'files' | 'notes' | 'remaining'>,
	extra: {
		readonly pinned?: readonly string[];
		/** ADD sources that got `--checksum`. */
		readonly checksummed?: readonly string[];
		/** What the network could not do, with the reason: `image (reason)`, `--checksum for URL (reason)`. */
		readonly unpinned?: readonly string[];
		readonly dockerfile?: string;
	} = {},
): string {
	const lines: string[] = ['# Harden Dockerfile', ''];
	const byRule = new Map<string, Set<string>>();
	for (const a of plan.applied) {
		byRule.set(a.ruleId, (byRule.get(a.ruleId) ?? new Set()).add(a.title));
	}
	lines.push('## What changed', '');
	if (byRule.size === 0 && (extra.pinned ?? []).length + (extra.checksummed ?? []).length + plan.files.length === 0) {
		lines.push('Nothing: no fix applies to this file.');
	}
	for (const [rule, titles] of byRule) {
		lines.push(`- ${rule}: ${[...titles].join('; ')}`);
	}
	for (const image of extra.pinned ?? []) {
		lines.push(`- DH201: pinned ${image} to its digest`);
	}
	for (const url of extra.checksummed ?? []) {
		lines.push(`- DH202: added --checksum for ${url}`);
	}
	lines.push('', '## Still needs a person', '');
	const left = [
		...plan.notes.map((n) => n.text),
		...(extra.unpinned ?? []).map((u) =>
			u.startsWith('--checksum')
				? `Add ${u}: the quick fix on the ADD line retries.`
				: `Pin ${u} (Pin All Images to Digests, with the registry reachable).`,
		),
		...plan.remaining.map((d) => `Line ${d.range.start.line + 1}, ${d.code}: ${d.message}`),
	];
	lines.push(...(left.length === 0 ? ['Nothing.'] : left.map((l) => `- ${l}`)));
	lines.push('', '## Build', '', '```sh', buildCommand(plan.secrets, extra.dockerfile), '```');
	for (const s of plan.secrets) {
		lines.push(
			s.src !== undefined
				? `- \`${s.id}\`: the file ${s.src} on the build machine (never copied into the image).`
				: `- \`${s.id}\`: export ${s.env ?? s.id.toUpperCase()} in the build's environment (never written into the image).`,
		);
	}
	const compose = composeSecrets(plan.secrets);
	if (compose) {
		lines.push('', 'With Docker Compose:', '', '```yaml', compose, '```');
	}
	lines.push('', '## Run', '', '```sh', RUN_COMMAND, '```', '', SECCOMP_NOTE, '');
	return lines.join('\n');
}
