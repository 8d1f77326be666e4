/**
 * Turns the command line's paths into the files to check: files as given, directories searched for Dockerfiles,
 * quoted globs expanded with minimatch (for shells that do not expand them, and for `**` everywhere), `-` for stdin.
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Minimatch } from 'minimatch';

/** One thing to check. Files carry absolute paths. */
export type Target = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'stdin' };

/** What {@link discover} found, and one message per path it could not use. */
export interface Discovery {
	readonly targets: readonly Target[];
	readonly errors: readonly string[];
}

/** Directories never searched: dependencies and version control are not the project's Dockerfiles. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** The names a directory search picks up, for messages. */
export const DOCKERFILE_PATTERNS = 'Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile, Containerfile.*';

/**
 * Whether a file name is a Dockerfile by convention. Case-insensitive because `dockerfile` and `api.dockerfile`
 * are common; `*.dockerignore` is excluded because BuildKit reads `Dockerfile.dockerignore` as that Dockerfile's
 * ignore file, which `Dockerfile.*` would otherwise match.
 */
export function isDockerfileName(name: string): boolean {
	const n = name.toLowerCase();
	if (n.endsWith('.dockerignore')) {
		return false;
	}
	return (
		n === 'dockerfile' ||
		n === 'containerfile' ||
		n.endsWith('.dockerfile') ||
		(n.startsWith('dockerfile.') && n.length > 'dockerfile.'.length) ||
		(n.startsWith('containerfile.') && n.length > 'containerfile.'.length)
	);
}

function toPosix(path: string): string {
	return sep === '/' ? path : path.split(sep).join('/');
}

function errorCode(error: unknown): string {
	return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : String(error);
}

/** Walks `dir`, calling `visit` for every regular file; symlinked directories are not followed (no cycles). */
function walk(dir: string, visit: (file: string, name: string) => void, errors: string[], cwd: string): void {
	let entries: Dirent[];
	try {
		entries = readdirSync(dir, { withFileTypes: true });
	} catch (error) {
		errors.push(`cannot read directory ${displayPath(dir, cwd)} (${errorCode(error)}).`);
		return;
	}
	entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	for (const entry of entries) {
		const full = join(dir, entry.name);
		if (entry.isDirectory()) {
			if (!SKIPPED_DIRECTORIES.has(entry.name)) {
				walk(full, visit, errors, cwd);
			}
		} else if (entry.isFile()) {
			visit(full, entry.name);
		} else if (entry.isSymbolicLink()) {
			try {
				if (statSync(full).isFile()) {
					visit(full, entry.name);
				}
			} catch {
				// A dangling link is not a Dockerfile anyone can build.
			}
		}
	}
}

/** A path as the user should see it: relative to `cwd` with `/`, or absolute when it lies outside. */
export function displayPath(path: string, cwd: string): string {
	const rel = relative(cwd, path);
	if (rel === '') {
		return '.';
	}
	if (rel.startsWith('..') || isAbsolute(rel)) {
		return toPosix(path);
	}
	return toPosix(rel);
}

/** The leading segments of a glob that hold no magic: where the walk starts. */
function globBase(pattern: string): string {
	const parts = pattern.split('/');
	const base: string[] = [];
	for (const part of parts.slice(0, -1)) {
		if (new Minimatch(part).hasMagic()) {
			break;
		}
		base.push(part);
	}
	if (base.length === 0) {
		return '.';
	}
	const joined = base.join('/');
	return joined === '' ? '/' : joined;
}

function expandGlob(arg: string, cwd: string, errors: string[]): string[] {
	const pattern = toPosix(arg).replace(/^(\.\/)+/, '');
	const absolute = isAbsolute(arg);
	const matcher = new Minimatch(pattern, { dot: false });
	const base = resolve(cwd, globBase(pattern));
	const found: string[] = [];
	try {
		if (!statSync(base).isDirectory()) {
			return found;
		}
	} catch {
		// The pattern's fixed part does not exist: it simply matches nothing.
		return found;
	}
	walk(
		base,
		(file) => {
			const candidate = absolute ? toPosix(file) : toPosix(relative(cwd, file));
			if (matcher.match(candidate)) {
				found.push(file);
			}
		},
		errors,
		cwd,
	);
	return found;
}

/**
 * Resolves the command line's paths against `cwd`. A path that does not exist (and is not a glob that matches
 * something) is an error message, never an exception; the other paths are still used.
 */
export function discover(paths: readonly string[], cwd: string): Discovery {
	const errors: string[] = [];
	const files = new Set<string>();
	let stdin = false;
	for (const arg of paths) {
		if (arg === '-') {
			stdin = true;
			continue;
		}
		const full = resolve(cwd, arg);
		let stat: ReturnType<typeof statSync> | undefined;
		try {
			stat = statSync(full);
		} catch (error) {
			if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') {
				errors.push(`cannot read ${arg} (${errorCode(error)}).`);
				continue;
			}
		}
		if (stat?.isDirectory()) {
			let count = 0;
			walk(
				full,
				(file, name) => {
					if (isDockerfileName(name)) {
						files.add(file);
						count++;
					}
				},
				errors,
				cwd,
			);
			if (count === 0) {
				errors.push(`no Dockerfile found in ${arg} (looked for ${DOCKERFILE_PATTERNS}).`);
			}
		} else if (stat) {
			// A file named on the command line is checked whatever its name.
			files.add(full);
		} else if (new Minimatch(toPosix(arg)).hasMagic()) {
			const matches = expandGlob(arg, cwd, errors);
			if (matches.length === 0) {
				errors.push(`no files match the pattern "${arg}".`);
			}
			for (const file of matches) {
				files.add(file);
			}
		} else {
			errors.push(`no such file or directory: ${arg}`);
		}
	}
	const targets: Target[] = [...files]
		.sort((a, b) => {
			const x = displayPath(a, cwd);
			const y = displayPath(b, cwd);
			return x < y ? -1 : x > y ? 1 : 0;
		})
		.map((path) => ({ kind: 'file', path }));
	if (stdin) {
		targets.unshift({ kind: 'stdin' });
	}
	return { targets, errors };
}
