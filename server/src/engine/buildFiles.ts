/**
 * Where a file a RUN reads came from: the working directory at an instruction, and which COPY/ADD (or bind mount)
 * put an image path there from the build context. Also reads pip requirements files.
 */
import type { Instruction } from 'dockerfile-ast';
import { flagsOf } from './ast';
import { wordsOf } from './words';
import type { BuildContext } from './context';
import { normaliseContextPath } from './context';
import { mountTarget, runMounts } from './commands';
import { resolveImagePath, type FileModel, type Stage } from './model';

export { resolveImagePath } from './model';

/** The working directory before `instruction` in `stage`. */
export function workdirAt(model: FileModel, stage: Stage, instruction: Instruction): string {
	return model.workdirAt(stage, instruction);
}

function isUrl(source: string): boolean {
	return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || source.startsWith('git@');
}

/** Matches a COPY source pattern against a file name (`*`, `?`, `[…]`). */
function globMatch(pattern: string, name: string): boolean {
	if (!/[*?[]/.test(pattern)) {
		return pattern === name;
	}
	const re = pattern
		.replace(/[.+^${}()|\\]/g, '\\$&')
		.replace(/\*/g, '[^/]*')
		.replace(/\?/g, '[^/]');
	try {
		return new RegExp(`^${re}$`).test(name);
	} catch {
		return false;
	}
}

function dirname(path: string): string {
	const i = path.lastIndexOf('/');
	return i <= 0 ? '/' : path.slice(0, i);
}

function leaf(path: string): string {
	return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Context paths that may hold the file found at `imagePath` when `instruction` runs, most likely first: a bind mount
 * of the RUN itself, then the latest COPY/ADD from the context that covers the path.
 */
export function contextCandidates(
	model: FileModel,
	stage: Stage,
	instruction: Instruction,
	imagePath: string,
): string[] {
	const out: string[] = [];
	const add = (p: string): void => {
		const n = normaliseContextPath(p);
		if (n !== '' && !out.includes(n)) {
			out.push(n);
		}
	};
	const workdir = workdirAt(model, stage, instruction);
	for (const mount of runMounts(instruction)) {
		const target = mountTarget(mount);
		if (mount.get('type') !== 'bind' || mount.has('from') || !target) {
			continue;
		}
		const t = resolveImagePath(workdir, target);
		const source = mount.get('source') ?? mount.get('src') ?? '.';
		if (imagePath === t) {
			add(source);
		} else if (imagePath.startsWith(`${t}/`)) {
			add(`${source}/${imagePath.slice(t.length + 1)}`);
		}
	}
	const effective = model.effectiveInstructions(stage);
	const copies = effective
		.slice(0, effective.indexOf(instruction))
		.filter((i) => i.getKeyword() === 'COPY' || i.getKeyword() === 'ADD')
		.reverse();
	for (const copy of copies) {
		if (flagsOf(copy).some((f) => f.getName().toLowerCase() === 'from')) {
			continue;
		}
		const owner = model.stageOf(copy) ?? stage;
		const args = wordsOf(copy).map((w) => w.value);
		if (args.length < 2 || args[0].startsWith('<<')) {
			continue;
		}
		const vars = model.variablesAt(owner, copy);
		const sources = args.slice(0, -1).map((s) => model.expand(s, vars).value);
		const destRaw = model.expand(args[args.length - 1], vars).value;
		const dest = resolveImagePath(workdirAt(model, owner, copy), destRaw);
		const destIsDir = destRaw.endsWith('/') || destRaw === '.' || sources.length > 1;
		for (const source of sources) {
			if (isUrl(source)) {
				continue;
			}
			const clean = source.replace(/\/+$/, '');
			if (!destIsDir && imagePath === dest) {
				add(clean);
			}
			// A directory source copies its contents into dest.
			if (imagePath.startsWith(`${dest}/`) || (dest === '/' && imagePath !== '/')) {
				const rel = dest === '/' ? imagePath.slice(1) : imagePath.slice(dest.length + 1);
				if (clean === '.' || clean === '') {
					add(rel);
				} else if (!/[*?[]/.test(clean)) {
					add(`${clean}/${rel}`);
				}
			}
			// A file source lands as dest/<its name>.
			if (destIsDir && dirname(imagePath) === dest && globMatch(leaf(clean), leaf(imagePath))) {
				add(/[*?[]/.test(clean) ? `${dirname(`/${clean}`).slice(1)}/${leaf(imagePath)}` : clean);
			}
		}
		if (out.length > 0) {
			break;
		}
	}
	return out;
}

/** What a requirements file says about hashes. */
export interface RequirementsInfo {
	/** The context path that was read. */
	readonly path: string;
	readonly total: number;
	readonly hashed: number;
}

const MAX_INCLUDE_DEPTH = 5;

/**
 * Reads a pip requirements file (following `-r` includes) and counts requirements with and without `--hash`.
 * Returns `undefined` when the file is not in the context.
 */
export function readRequirements(context: BuildContext, path: string): RequirementsInfo | undefined {
	const seen = new Set<string>();
	const count = (p: string, depth: number): { total: number; hashed: number } | undefined => {
		const normal = normaliseContextPath(p);
		if (seen.has(normal) || depth > MAX_INCLUDE_DEPTH) {
			return { total: 0, hashed: 0 };
		}
		seen.add(normal);
		const text = context.readFile(normal);
		if (text === undefined) {
			return undefined;
		}
		let total = 0;
		let hashed = 0;
		const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
		for (const raw of logical) {
			const line = raw.replace(/(^|\s)#.*$/, '').trim();
			if (line === '') {
				continue;
			}
			const include = /^(?:-r|--requirement)(?:\s*=\s*|\s+)(\S+)/.exec(line) ?? /^-r(\S+)/.exec(line);
			if (include) {
				const dir = normal.includes('/') ? normal.slice(0, normal.lastIndexOf('/')) : '';
				const inner = count(dir ? `${dir}/${include[1]}` : include[1], depth + 1);
				if (inner) {
					total += inner.total;
					hashed += inner.hashed;
				}
				continue;
			}
			if (/^-(?!e\b|-editable\b)/.test(line)) {
				// Options such as --index-url or -c constraints.txt are not requirements.
				continue;
			}
			total++;
			if (/(^|\s)--hash[=\s]/.test(line)) {
				hashed++;
			}
		}
		return { total, hashed };
	};
	const result = count(path, 0);
	return result && { path: normaliseContextPath(path), ...result };
}
