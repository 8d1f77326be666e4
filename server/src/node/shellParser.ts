/**
 * Loads the shell parser's WebAssembly files for Node hosts (language server, CLI, tests). In the bundle they sit
 * next to the script in `dist/`; unbundled (tests) they come from node_modules.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initShellParser } from '../engine/shell';

const FILES = { runtime: 'web-tree-sitter.wasm', bash: 'tree-sitter-bash.wasm' } as const;

function locate(file: string, packagePath: string): string {
	const beside = join(__dirname, file);
	if (existsSync(beside)) {
		return beside;
	}
	return require.resolve(packagePath);
}

/** Reads both WebAssembly files and initialises the shell parser. */
export function loadShellParser(): Promise<void> {
	return initShellParser(
		{
			runtime: readFileSync(locate(FILES.runtime, 'web-tree-sitter/web-tree-sitter.wasm')),
			bash: readFileSync(locate(FILES.bash, 'tree-sitter-bash/tree-sitter-bash.wasm')),
		},
		{ clock: () => performance.now() },
	);
}
