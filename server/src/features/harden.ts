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
import { hardenSummary, planHarden } from '../engine/harden';
import type { FileChange, HardenParams, HardenResult } from '../protocol';
import { findRule } from '../rules';
import type { DocumentSettings } from '../settings';
import type { ClientSupport } from './codeActions';
import { buildContextFor, errorText, type ServerLog } from './diagnostics';
import type { PinService } from './pinning';

/** What Harden works with. */
export interface HardenDeps {
	readonly connection: Connection;
	readonly documents: TextDocuments<TextDocument>;
	readonly settings: DocumentSettings;
	readonly pins: PinService;
	readonly support: () => ClientSupport;
	readonly log: ServerLog;
}

function annotationFor(ruleId: string): ChangeAnnotation {
	const rule = findRule(ruleId);
	return {
		label: rule ? `${rule.meta.id} ${rule.meta.name}` : ruleId,
		description: rule?.meta.docs.summary,
		needsConfirmation: true,
	};
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
	const plan = planHarden(text, { settings, buildContext: buildContextFor(uri), logger: deps.log });
	const edits: LabelledEdit[] = [...plan.edits];
	let pinned: string[] = [];
	let unpinned: string[] = [];
	if (params.pin === true && deps.pins.trusted) {
		const outcome = await deps.pins.pinText(uri, plan.output, token);
		if (token.isCancellationRequested) {
			return { outcome: 'cancelled', ...empty, summary: 'Harden Dockerfile was cancelled; nothing was changed.' };
		}
		if (outcome && outcome.edits.length > 0) {
			// The digests are edits of the fixed text: compose them after the plan's passes.
			const full = new EditComposer(text);
			full.apply(plan.edits);
			full.apply(outcome.edits.map((e) => ({ ...e, label: 'DH201' })));
			edits.splice(0, edits.length, ...full.edits());
		}
		pinned = (outcome?.reports ?? []).filter((r) => r.status === 'pinned').map((r) => r.image);
		unpinned = (outcome?.reports ?? []).filter((r) => r.status === 'failed').map((r) => `${r.image} (${r.reason})`);
	}
	// Digests written by this run settle their DH201 findings.
	const remaining = plan.remaining.filter((d) => !(d.code === 'DH201' && d.data.pin && pinned.includes(d.data.pin.image)));
	const dockerfile = uri.startsWith('file:') ? basename(fileURLToPath(uri)) : 'Dockerfile';
	const summary = hardenSummary({ ...plan, remaining }, { pinned, unpinned, dockerfile });
	const result = { rules: [...new Set(edits.map((e) => e.label))], remaining: remaining.length, secrets: plan.secrets, summary };
	if (edits.length === 0 && plan.files.length === 0) {
		return { outcome: 'nothing', ...result };
	}
	const current = deps.documents.get(uri);
	if (!current || current.version !== version) {
		return { outcome: 'stale', ...empty };
	}
	const edit = workspaceEditOf(uri, version, edits, plan.files, deps.support());
	try {
		const response = await deps.connection.workspace.applyEdit({ label: 'Harden Dockerfile', edit });
		return { outcome: response.applied ? 'applied' : 'rejected', ...result };
	} catch (error) {
		deps.log.error(`Harden Dockerfile: applying the edit failed: ${errorText(error)}`);
		return { outcome: 'rejected', ...result };
	}
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
						? { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.text, annotationId: id }
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
