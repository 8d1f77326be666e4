// Source patches for dependencies, applied when esbuild bundles them (esbuild.mjs) and by the tests that run the
// unbundled code (test/harness/dockerfileUtils.ts). Each replaces one exact text with one that means the same and
// fails loudly when the text is not found, so an upgrade of the dependency cannot drop a patch silently.
'use strict';

/** @type {readonly { file: RegExp, name: string, from: string, to: string, why: string }[]} */
const patches = [
	{
		file: /[\\/]dockerfile-utils[\\/]lib[\\/]dockerValidator\.js$/,
		name: 'dockerfile-utils build stage name',
		// `([…]*)*$` backtracks exponentially when the name holds a character outside the class: the server hung for
		// 100 s on `FROM a AS org.opencontainers.image.authors="x@y"` (30 characters), 2x longer per character more.
		// Found by the fuzzer. The two patterns accept the same names; the second fails in linear time.
		from: 'new RegExp(/^[a-z]([a-z0-9_\\-.]*)*$/)',
		to: 'new RegExp(/^[a-z][a-z0-9_\\-.]*$/)',
		why: 'exponential backtracking on an invalid build stage name',
	},
];

/**
 * The source of `path` with every patch for it applied; throws when a patch for the file does not find its text.
 * @param {string} path
 * @param {string} source
 * @returns {{ source: string, applied: string[] }}
 */
function patchSource(path, source) {
	const applied = [];
	for (const patch of patches) {
		if (!patch.file.test(path)) {
			continue;
		}
		if (!source.includes(patch.from)) {
			throw new Error(`${path}: the patch "${patch.name}" (${patch.why}) no longer finds its text; review it`);
		}
		source = source.split(patch.from).join(patch.to);
		applied.push(patch.name);
	}
	return { source, applied };
}

module.exports = { patches, patchSource };
