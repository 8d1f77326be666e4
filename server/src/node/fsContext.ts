/**
 * The build context on disk, for the language server and the CLI. Reads are confined to the context directory and
 * capped in size, so a Dockerfile cannot make the tool read outside its project or load a huge file.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { normaliseContextPath, type BuildContext } from '../engine/context';

/** Largest context file the engine reads (requirements files, .dockerignore). */
export const MAX_CONTEXT_FILE_BYTES = 1024 * 1024;

/**
 * A build context rooted at `root` (by default the Dockerfile's directory). `dockerfileName` is the Dockerfile's
 * path relative to it, when the Dockerfile is in the context (for `<name>.dockerignore`).
 */
export function fsContext(root: string, dockerfileName?: string): BuildContext {
	const base = resolve(root);
	return {
		dockerfileName,
		readFile(path: string): string | undefined {
			const full = resolve(base, normaliseContextPath(path));
			if (full !== base && !full.startsWith(base + sep)) {
				return undefined;
			}
			try {
				const stat = statSync(full);
				if (!stat.isFile() || stat.size > MAX_CONTEXT_FILE_BYTES) {
					return undefined;
				}
				return readFileSync(full, 'utf8');
			} catch {
				return undefined;
			}
		},
	};
}
