/**
 * Every place a Dockerfile names an external image — `FROM`, `COPY --from`, `RUN --mount=from`, the `# syntax=`
 * directive and a global `ARG` default used as a whole image — with the range to edit when pinning it to a digest.
 * Pure: DH201 reports from the same sites, and the registry commands (Pin All, hover, `--pin`) act on them.
 */
import type { From, Instruction } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';
import type { ChecksumData, ImageSiteKind, PinData } from '../protocol';
import { flagOf, flagsOf, parseDockerfile } from './ast';
import { isValidDigest, parseImageRef, type ImageRef } from './imageRef';
import { FileModel, type Stage } from './model';

/** One image reference in a Dockerfile. */
export interface ImageSite {
	readonly kind: ImageSiteKind;
	/** The image after variable expansion. */
	readonly ref: ImageRef;
	/** What the pin commands need: the written text, its range, and where `@<digest>` goes. */
	readonly pin: PinData;
	/** The global ARG whose default this is (`argDefault` sites). */
	readonly argName?: string;
	/** The 0-based lines of the FROMs that use the ARG (`argDefault` sites), in order. */
	readonly usedAt?: readonly number[];
}

/** Whether a reference names the image by a single variable (`$BASE`, `${BASE}`), and which. */
export function singleVariable(text: string): string | undefined {
	const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(text.trim());
	return m ? (m[1] ?? m[2]) : undefined;
}

/** Whether a reference already carries a digest Docker can pull by. */
export function isPinned(ref: ImageRef): boolean {
	return ref.digest !== undefined && isValidDigest(ref.digest);
}

/**
 * The pin data of a reference written at `range`: the range `@<digest>` replaces is the written digest (`@…`, even a
 * malformed one) or, without one, the empty range at the end of the reference (inside a closing quote).
 */
export function pinDataFor(document: TextDocument, range: Range, ref: ImageRef, kind: ImageSiteKind): PinData {
	const written = document.getText(range);
	const start = document.offsetAt(range.start);
	const quoted = written.length >= 2 && (written[0] === '"' || written[0] === "'") && written.at(-1) === written[0];
	const innerStart = quoted ? 1 : 0;
	const innerEnd = quoted ? written.length - 1 : written.length;
	const at = written.slice(innerStart, innerEnd).lastIndexOf('@');
	const digestStart = at >= 0 ? innerStart + at : innerEnd;
	return {
		image: ref.raw,
		site: kind,
		written,
		range,
		digestRange: {
			start: document.positionAt(start + digestStart),
			end: document.positionAt(start + innerEnd),
		},
	};
}

/** Every external image reference of a parsed file, in document order. */
export function imageSites(model: FileModel): ImageSite[] {
	const { document, dockerfile } = model;
	const sites: ImageSite[] = [];
	const argUses = new Map<string, number[]>();
	const add = (
		kind: ImageSiteKind,
		ref: ImageRef | undefined,
		range: Range | null,
		arg?: { name: string; usedAt: number[] },
	): void => {
		if (ref && range) {
			sites.push({ kind, ref, pin: pinDataFor(document, range, ref, kind), argName: arg?.name, usedAt: arg?.usedAt });
		}
	};

	const syntax = dockerfile.getDirectives().find((d) => d.getName().toLowerCase() === 'syntax');
	if (syntax) {
		add('syntax', parseImageRef(syntax.getValue()), syntax.getValueRange());
	}

	/** A global ARG default used as a whole image: `true` when the ARG decides the image (pinned or not). */
	const fromArgDefault = (name: string, line: number): boolean => {
		const property = dockerfile
			.getInitialARGs()
			.filter((a) => a.getProperty()?.getName() === name)
			.at(-1)
			?.getProperty();
		const valueRange = property?.getValueRange();
		const value = property?.getValue();
		if (!property || !valueRange || value === null || value === undefined) {
			return false;
		}
		const ref = parseImageRef(model.globalArgs.get(name) ?? value);
		if (ref && !model.findStage(ref.raw) && ref.raw.toLowerCase() !== 'scratch') {
			const seen = argUses.get(name);
			if (seen) {
				seen.push(line);
			} else {
				const usedAt = [line];
				argUses.set(name, usedAt);
				add('argDefault', ref, valueRange, { name, usedAt });
			}
		}
		return true;
	};

	const fromValue = (kind: ImageSiteKind, value: string | null, range: Range | null, stage: Stage, at: Instruction) => {
		if (!value || !range) {
			return;
		}
		const expansion = model.expand(value, model.variablesAt(stage, at));
		if (!expansion.unresolved && !model.findStage(expansion.value)) {
			add(kind, parseImageRef(expansion.value), range);
		}
	};

	for (const stage of model.stages) {
		if (!stage.parent && !stage.isScratch) {
			const from = stage.from as From;
			const variable = singleVariable(from.getImage() ?? '');
			if (!(variable && fromArgDefault(variable, from.getRange().start.line)) && !stage.baseUnresolved) {
				add('from', stage.baseImage, from.getImageRange());
			}
		}
		for (const instruction of stage.instructions) {
			const keyword = instruction.getKeyword();
			if (keyword === 'COPY') {
				const flag = flagOf(instruction, 'from');
				if (flag) {
					fromValue('copyFrom', flag.getValue(), flag.getValueRange(), stage, instruction);
				}
			} else if (keyword === 'RUN') {
				for (const flag of flagsOf(instruction)) {
					const option = flag.getName().toLowerCase() === 'mount' ? flag.getOption('from') : undefined;
					if (option) {
						fromValue('mountFrom', option.getValue(), option.getValueRange(), stage, instruction);
					}
				}
			}
		}
	}
	return sites.sort(
		(a, b) =>
			a.pin.range.start.line - b.pin.range.start.line || a.pin.range.start.character - b.pin.range.start.character,
	);
}

/** Every external image reference of a Dockerfile's text. Never throws on any text. */
export function imageSitesOf(text: string): ImageSite[] {
	try {
		const document = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
		const dockerfile = parseDockerfile(text);
		return imageSites(new FileModel(document, dockerfile, dockerfile.getEscapeCharacter()));
	} catch {
		// A text the parser cannot take has no reference anyone could pin.
		return [];
	}
}

/** Whether a position is inside (or at either end of) a range. */
export function rangeContains(range: Range, position: Range['start']): boolean {
	const after =
		position.line > range.start.line ||
		(position.line === range.start.line && position.character >= range.start.character);
	const before =
		position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
	return after && before;
}

/**
 * The `data.checksum` DH202 attaches to an `ADD <url> <dest>` finding, so "Add --checksum" knows what to download
 * and where `--checksum=sha256:… ` goes (right after `ADD `, before any other flag). `undefined` when the `ADD` has
 * more than one source: BuildKit takes `--checksum` only with a single source.
 */
export function checksumDataFor(instruction: Instruction, url: string, sources: number): ChecksumData | undefined {
	if (sources !== 1) {
		return undefined;
	}
	const keyword = instruction.getInstructionRange();
	return {
		url,
		insertAt: { line: keyword.end.line, character: keyword.end.character + 1 },
		range: instruction.getRange(),
	};
}
