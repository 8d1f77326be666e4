/**
 * The build context (the directory `docker build` sends), seen through an interface so the engine stays free of I/O.
 * The language server and the CLI implement it over the file system; tests implement it over a map.
 */

/** Read access to the build context. Paths are relative to the context root, with `/` separators. */
export interface BuildContext {
	/** The file's text, or `undefined` when it does not exist or cannot be read. */
	readFile(path: string): string | undefined;
	/**
	 * The Dockerfile's name relative to the context root, when it is in the context (BuildKit reads
	 * `<name>.dockerignore` beside it before `.dockerignore`).
	 */
	readonly dockerfileName?: string;
}

/** A build context held in memory (tests, stdin). */
export function memoryContext(files: Readonly<Record<string, string>>, dockerfileName?: string): BuildContext {
	return {
		readFile: (path) => files[normaliseContextPath(path)],
		dockerfileName,
	};
}

/**
 * Normalises a context path: strips `./` and leading `/`, resolves `.` and `..` (never above the root).
 * Returns `''` for the root itself.
 */
export function normaliseContextPath(path: string): string {
	const parts: string[] = [];
	for (const part of path.split('/')) {
		if (part === '' || part === '.') {
			continue;
		}
		if (part === '..') {
			parts.pop();
		} else {
			parts.push(part);
		}
	}
	return parts.join('/');
}
