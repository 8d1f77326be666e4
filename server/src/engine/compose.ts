/**
 * Composes edits made in successive passes (each against the text the previous pass produced) into edits against
 * the original text, each still labelled with what made it. Harden Dockerfile needs this to show one preview, with
 * one group per rule the user can untick, of fixes that were applied in several passes.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FixEdit } from '../protocol';

/** An edit with the label of the fix that made it. */
export interface LabelledEdit extends FixEdit {
	readonly label: string;
}

type Piece =
	| { readonly kind: 'original'; readonly start: number; readonly end: number }
	| { readonly kind: 'new'; readonly text: string; readonly label: string };

/** Tracks a text as original ranges and inserted pieces while edits are applied to it. */
export class EditComposer {
	private pieces: Piece[];

	constructor(private readonly original: string) {
		this.pieces = original.length > 0 ? [{ kind: 'original', start: 0, end: original.length }] : [];
	}

	/** The current text. */
	get text(): string {
		return this.pieces.map((p) => (p.kind === 'original' ? this.original.slice(p.start, p.end) : p.text)).join('');
	}

	/** Applies one pass of non-overlapping edits, in the current text's coordinates. */
	apply(edits: readonly LabelledEdit[]): void {
		const document = TextDocument.create('file:///x', 'dockerfile', 0, this.text);
		const located = edits
			.map((e) => ({ start: document.offsetAt(e.range.start), end: document.offsetAt(e.range.end), edit: e }))
			.sort((a, b) => b.start - a.start || b.end - a.end);
		// Right to left, so earlier offsets stay valid.
		for (const { start, end, edit } of located) {
			this.splice(start, end, { kind: 'new', text: edit.newText, label: edit.label });
		}
	}

	private splice(start: number, end: number, piece: Piece): void {
		const out: Piece[] = [];
		let offset = 0;
		let inserted = false;
		const insert = (): void => {
			if (!inserted) {
				out.push(piece);
				inserted = true;
			}
		};
		for (const p of this.pieces) {
			const length = p.kind === 'original' ? p.end - p.start : p.text.length;
			const pStart = offset;
			const pEnd = offset + length;
			offset = pEnd;
			if (pEnd <= start && !(length === 0 && pStart === start)) {
				out.push(p);
				continue;
			}
			if (pStart >= end && !(start === end && pStart === start && length === 0)) {
				insert();
				out.push(p);
				continue;
			}
			// The piece meets [start, end): keep what lies outside.
			const keepBefore = Math.max(0, start - pStart);
			const keepAfter = Math.max(0, pEnd - end);
			if (keepBefore > 0) {
				out.push(cut(p, 0, keepBefore));
			}
			if (start >= pStart && start <= pEnd) {
				insert();
			}
			if (keepAfter > 0) {
				insert();
				out.push(cut(p, length - keepAfter, length));
			}
		}
		insert();
		this.pieces = out;
	}

	/**
	 * The edits that turn the original text into the current one: each run of new pieces between two original ranges
	 * replaces the original text between them. Pieces of different labels in one run become separate edits at the
	 * same place (the first replaces the removed text, the others insert after it).
	 */
	edits(): LabelledEdit[] {
		const document = TextDocument.create('file:///x', 'dockerfile', 0, this.original);
		const out: LabelledEdit[] = [];
		let cursor = 0;
		let run: Piece[] = [];
		const flush = (nextStart: number): void => {
			if (run.length === 0 && nextStart === cursor) {
				return;
			}
			const groups: { label: string; text: string }[] = [];
			for (const p of run) {
				if (p.kind !== 'new') {
					continue;
				}
				const last = groups.at(-1);
				if (last && last.label === p.label) {
					last.text += p.text;
				} else {
					groups.push({ label: p.label, text: p.text });
				}
			}
			const removed = { start: document.positionAt(cursor), end: document.positionAt(nextStart) };
			const at = removed.end;
			if (groups.length === 0) {
				// Text removed by an edit whose piece was later replaced: label it by what removed it last.
				out.push({ range: removed, newText: '', label: run.length > 0 ? 'unknown' : 'unknown' });
			}
			groups.forEach((g, i) => {
				out.push({ range: i === 0 ? removed : { start: at, end: at }, newText: g.text, label: g.label });
			});
			run = [];
		};
		for (const p of this.pieces) {
			if (p.kind === 'original') {
				if (p.start !== cursor || run.length > 0) {
					flush(p.start);
				}
				cursor = p.end;
			} else {
				run.push(p);
			}
		}
		if (run.length > 0 || cursor !== this.original.length) {
			flush(this.original.length);
		}
		return out.filter((e) => !(e.newText === '' && samePosition(e.range.start, e.range.end)));
	}
}

function cut(p: Piece, from: number, to: number): Piece {
	return p.kind === 'original'
		? { kind: 'original', start: p.start + from, end: p.start + to }
		: { kind: 'new', text: p.text.slice(from, to), label: p.label };
}

function samePosition(a: FixEdit['range']['start'], b: FixEdit['range']['start']): boolean {
	return a.line === b.line && a.character === b.character;
}
