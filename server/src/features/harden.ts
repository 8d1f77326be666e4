/**
 * Harden Dockerfile in the language server: the engine's plan (every safe and review fix), then the image digests
 * when the workspace is trusted, sent as one workspace edit whose changes are annotated per rule, so VS Code shows
 * its refactor preview and the user can untick a group. Files the fixes create (a .dockerignore) come in the same
 * edit. The result carries the summary: what changed, what is left, the build and run commands.
 */
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import {
	CancellationToken,
	CreateFile,
	TextDocumentEdit,
	type AnnotatedTextEdit,
	type ChangeAnnotation,
	type Connection,
	type TextDocuments,
	type TextEdit,
	type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LabelledEdit } from '../engine/compose';
import { EditComposer } from '../engine/compose';
import { fixAll, type AppliedFix } from '../engine/fixer';
import { composeSteps, hardenSummary, keptPart, planHarden } from '../engine/harden';
import { lint } from '../engine/lint';
import type { FileChange, HardenParams, HardenResult, PinReferenceReport } from '../protocol';
import { findRule } from '../rules';
import type { DocumentSettings } from '../settings';
import type { ClientSupport } from './codeActions';
import { buildContextFor, errorText, type ServerLog } from './diagnostics';
import type { PinService } from './pinning';

/** How long to wait for the client's didChange after an applied edit before summarising the text as it is. */
const SETTLE_MS = 2000;

/** What Harden works with. */
export interface HardenDeps {
	readonly connection: Connection;
	readonly documents: TextDocuments<TextDocument>;
	readonly settings: DocumentSettings;
	readonly pins: PinService;
	readonly support: () => ClientSupport;
	readonly log: ServerLog;
}

/**
 * A rule's group in the preview. VS Code ticks a change only when its annotation does not need confirmation, and
 * shows the preview when any change needs it: safe fixes and digests come ticked, review fixes (they change what
 * the build does, or write a file) come unticked for the user to tick.
 */
export function annotationFor(ruleId: string): ChangeAnnotation {
	const rule = findRule(ruleId);
	const review = rule?.meta.fix?.safety === 'review';
	const summary = rule?.meta.docs.summary ?? '';
	return {
		label: rule ? `${rule.meta.id} ${rule.meta.name}` : ruleId,
		description: review ? `${summary} Changes what the build does: tick to apply.` : summary,
		needsConfirmation: review,
	};
}

/** Resolves once `uri` has a version other than `version` (the client's didChange after an applied edit), or after `ms`. */
function changedFrom(
	documents: TextDocuments<TextDocument>,
	uri: string,
	version: number,
	ms: number,
): Promise<TextDocument | undefined> {
	const current = documents.get(uri);
	if (!current || current.version !== version) {
		return Promise.resolve(current);
	}
	return new Promise((resolve) => {
		const done = (document: TextDocument | undefined): void => {
			clearTimeout(timer);
			listener.dispose();
			resolve(document);
		};
		const timer = setTimeout(() => done(documents.get(uri)), ms);
		const listener = documents.onDidChangeContent((event) => {
			if (event.document.uri === uri) {
				done(event.document);
			}
		});
	});
}

/** Whether a file change is on disk now (the user may have unticked it). */
function written(dir: string | undefined, file: FileChange): boolean {
	if (dir === undefined) {
		return false;
	}
	try {
		return readFileSync(join(dir, file.path), 'utf8').includes(file.text.trim());
	} catch {
		return false;
	}
}

/** Runs Harden Dockerfile on an open document. */
export async function harden(
	deps: HardenDeps,
	params: Partial<HardenParams>,
	token: CancellationToken = CancellationToken.None,
): Promise<HardenResult> {
	const empty = { rules: [], remaining: 0, secrets: [], summary: '' };
	const uri = typeof params.uri === 'string' ? params.uri : undefined;
	const opened = uri === undefined ? undefined : deps.documents.get(uri);
	if (!uri || !opened) {
		return { outcome: 'unknownDocument', ...empty };
	}
	if (typeof params.version === 'number' && params.version !== opened.version) {
		return { outcome: 'stale', ...empty };
	}
	const settings = await deps.settings.get(uri);
	const text = opened.getText();
	const version = opened.version;
	const options = { settings, buildContext: buildContextFor(uri), logger: deps.log };
	const plan = planHarden(text, options);
	const edits: LabelledEdit[] = [...plan.edits];
	let pinned: string[] = [];
	let unpinned: string[] = [];
	let checksums: PinReferenceReport[] = [];
	let followed: readonly AppliedFix[] = [];
	if (params.pin === true && deps.pins.trusted) {
		// Digests and checksums are edits of the fixed text: composed after the plan's passes.
		const pins = await deps.pins.pinText(uri, plan.output, token);
		const sums = pins === undefined ? undefined : await deps.pins.checksumEdits(uri, plan.remaining, token);
		if (token.isCancellationRequested || pins === undefined || sums === undefined) {
			return { outcome: 'cancelled', ...empty, summary: 'Harden Dockerfile was cancelled; nothing was changed.' };
		}
		const network = [
			...pins.edits.map((e) => ({ ...e, label: 'DH201' })),
			...sums.edits.map((e) => ({ ...e, label: 'DH202' })),
		];
		if (network.length > 0) {
			const full = new EditComposer(text);
			full.apply(plan.edits);
			full.apply(network);
			// What the network edits call for in turn (ADD --checksum needs the syntax directive): safe fixes only.
			const follow = fixAll(full.text, { ...options, safeties: ['safe'] });
			composeSteps(full, follow.steps);
			followed = follow.applied;
			edits.splice(0, edits.length, ...full.edits());
		}
		pinned = pins.reports.filter((r) => r.status === 'pinned').map((r) => r.image);
		unpinned = [...pins.reports, ...sums.reports]
			.filter((r) => r.status === 'failed')
			.map((r) => `${r.site === 'add' ? `--checksum for ${r.image}` : r.image} (${r.reason})`);
		checksums = sums.reports.filter((r) => r.status === 'pinned');
	}
	const dockerfile = uri.startsWith('file:') ? basename(fileURLToPath(uri)) : 'Dockerfile';
	const dir = uri.startsWith('file:') ? dirname(fileURLToPath(uri)) : undefined;
	const offered = { rules: [...new Set(edits.map((e) => e.label))], secrets: plan.secrets };
	if (edits.length === 0 && plan.files.length === 0) {
		const summary = hardenSummary(plan, { pinned, unpinned, dockerfile, checksummed: checksums.map((r) => r.image) });
		return { outcome: 'nothing', ...offered, remaining: plan.remaining.length, summary };
	}
	const current = deps.documents.get(uri);
	if (!current || current.version !== version) {
		return { outcome: 'stale', ...empty };
	}
	const edit = workspaceEditOf(uri, version, edits, plan.files, deps.support());
	let applied: boolean;
	try {
		applied = (await deps.connection.workspace.applyEdit({ label: 'Harden Dockerfile', edit })).applied;
	} catch (error) {
		deps.log.error(`Harden Dockerfile: applying the edit failed: ${errorText(error)}`);
		applied = false;
	}
	if (!applied) {
		return { outcome: 'rejected', ...offered, remaining: plan.remaining.length, summary: '' };
	}
	// The user may have unticked groups in the preview: the summary says what the text now is.
	const after = (await changedFrom(deps.documents, uri, version, SETTLE_MS)) ?? current;
	const afterText = after.getText();
	const kept = keptPart(
		{ ...plan, edits, applied: [...plan.applied, ...followed] },
		lint(text, options).diagnostics,
		{ text: afterText, diagnostics: lint(afterText, options).diagnostics },
		pinned,
	);
	const files = plan.files.filter((f) => written(dir, f));
	const checksummed = checksums.filter((r) => afterText.includes(`--checksum=${r.digest}`)).map((r) => r.image);
	const summary = hardenSummary({ ...kept, files }, { pinned: kept.pinned, unpinned, dockerfile, checksummed });
	const rules = [
		...new Set([
			...kept.applied.map((a) => a.ruleId),
			...(kept.pinned.length > 0 ? ['DH201'] : []),
			...(checksummed.length > 0 ? ['DH202'] : []),
			...(files.length > 0 ? ['DH305'] : []),
		]),
	];
	return {
		outcome: afterText === text && files.length === 0 ? 'nothing' : 'applied',
		rules,
		remaining: kept.remaining.length,
		secrets: kept.secrets,
		summary,
	};
}

/** The edit: annotated per rule when the client shows annotations, with the files to create or extend. */
export function workspaceEditOf(
	uri: string,
	version: number,
	edits: readonly LabelledEdit[],
	files: readonly FileChange[],
	support: ClientSupport,
): WorkspaceEdit {
	const annotated = support.changeAnnotations === true && support.documentChanges;
	const changeAnnotations: Record<string, ChangeAnnotation> = {};
	const textEdits: (TextEdit | AnnotatedTextEdit)[] = edits.map((e) => {
		if (!annotated) {
			return { range: e.range, newText: e.newText };
		}
		changeAnnotations[e.label] ??= annotationFor(e.label);
		return { range: e.range, newText: e.newText, annotationId: e.label };
	});
	if (!support.documentChanges) {
		return { changes: { [uri]: textEdits } };
	}
	const documentChanges: WorkspaceEdit['documentChanges'] = [TextDocumentEdit.create({ uri, version }, textEdits)];
	const dir = uri.startsWith('file:') ? dirname(fileURLToPath(uri)) : undefined;
	for (const file of dir && support.createFiles ? files : []) {
		const path = join(dir!, file.path);
		const target = pathToFileURL(path).toString();
		const exists = existsSync(path);
		const id = 'DH305';
		if (annotated) {
			changeAnnotations[id] ??= annotationFor(id);
		}
		if (!exists) {
			if (file.action !== 'create' && file.action !== 'append') {
				continue;
			}
			documentChanges.push(CreateFile.create(target, { ignoreIfExists: true }, annotated ? id : undefined));
			documentChanges.push(
				TextDocumentEdit.create({ uri: target, version: null }, [
					annotated
						? {
								range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
								newText: file.text,
								annotationId: id,
							}
						: { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.text },
				]),
			);
		} else if (file.action === 'append') {
			const existing = readFileSync(path, 'utf8');
			const end = TextDocument.create(target, 'ignore', 0, existing).positionAt(existing.length);
			const prefix = existing === '' || existing.endsWith('\n') ? '' : '\n';
			documentChanges.push(
				TextDocumentEdit.create({ uri: target, version: null }, [
					annotated
						? { range: { start: end, end }, newText: prefix + file.text, annotationId: id }
						: { range: { start: end, end }, newText: prefix + file.text },
				]),
			);
		}
	}
	return annotated ? { documentChanges, changeAnnotations } : { documentChanges };
}
