/**
 * dockerfile-utils with the patches the bundles get (scripts/dependency-patches.cjs), for tests that run the
 * unbundled code: the fuzzer's syntax oracle would otherwise spend minutes in the unpatched stage-name regex.
 * Loads each patched file into the require cache; one already loaded (by dockerfile-language-service, say) gets the
 * patched exports in place, which its importers read at each call (`dockerValidator_1.Validator`).
 */
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, resolve } from 'node:path';

interface PatchModule {
	patchSource(path: string, source: string): { source: string; applied: string[] };
}

interface CompilableModule extends NodeJS.Module {
	paths: string[];
	_compile(source: string, filename: string): void;
}

const root = resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { patchSource } = require(resolve(root, 'scripts/dependency-patches.cjs')) as PatchModule;

function preload(file: string): void {
	const { source, applied } = patchSource(file, readFileSync(file, 'utf8'));
	if (applied.length === 0) {
		throw new Error(`no patch applies to ${file}`);
	}
	const ModuleClass = Module as unknown as new (id: string, parent?: NodeJS.Module) => CompilableModule;
	const loaded = new ModuleClass(file, module);
	loaded.filename = file;
	loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
	loaded._compile(source, file);
	loaded.loaded = true;
	const cached = require.cache[file];
	if (cached) {
		Object.assign(cached.exports as object, loaded.exports);
	} else {
		require.cache[file] = loaded;
	}
}

preload(require.resolve('dockerfile-utils/lib/dockerValidator.js'));

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { validate } = require('dockerfile-utils') as typeof import('dockerfile-utils');
