/**
 * dockerfile-utils and dockerfile-ast with the patches the bundles get (scripts/dependency-patches.cjs), for tests
 * that run the unbundled code: the fuzzer's syntax oracle would otherwise spend minutes in the unpatched stage-name
 * regex. test/run.mjs and scripts/fuzz.mjs register the patches before anything loads; this module registers them
 * too (for a test file run alone) and fails when a patched file was loaded unpatched before it.
 */
import { resolve } from 'node:path';

interface PatchModule {
	register(): string[];
}

const root = resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { register } = require(resolve(root, 'scripts/dependency-patches.cjs')) as PatchModule;

const loadedUnpatched = register();
if (loadedUnpatched.length > 0) {
	throw new Error(
		`loaded before the dependency patches were registered: ${loadedUnpatched.join(', ')}; ` +
			'run node with --require ./scripts/dependency-patches-register.cjs, or import test/harness/dockerfileUtils first',
	);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { validate, ValidationCode } = require('dockerfile-utils') as typeof import('dockerfile-utils');
