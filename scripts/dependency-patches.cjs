// Source patches for dependencies, applied when esbuild bundles them (esbuild.mjs) and, through register(), to the
// unbundled code the tests and the fuzzer run (test/run.mjs, scripts/fuzz.mjs). Each replaces one exact text with one
// that means the same and fails loudly when the text is not found as often as expected, so an upgrade of the
// dependency cannot drop a patch silently. Why: docs/decisions/dependency-patches.md.
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
	{
		file: /[\\/]dockerfile-ast[\\/]lib[\\/]instruction\.js$/,
		name: 'dockerfile-ast variable escapes',
		// After each escape character inside a variable (`${A\`, `$A\`), parseVariables scans to the end of the
		// argument for the next line break: quadratic in the number of escape characters (2 s for `FROM a:${` and 16,000
		// backslashes, 4x longer for twice as many). dockerfile-utils' validation and DH301 call it. Found by the
		// fuzzer. The scan's result is the first "\n" after the escape character, whatever lies between; the patch
		// looks it up in a cache of the last line break found, so each argument is scanned once.
		from: [
			'for (let k = j + 1; k < arg.length; k++) {',
			'                                        switch (arg.charAt(k)) {',
			"                                            case ' ':",
			"                                            case '\\t':",
			"                                            case '\\r':",
			'                                                // ignore whitespace',
			'                                                continue;',
			"                                            case '\\n':",
			'                                                // escape this newline',
			'                                                j = k;',
			'                                                continue nameLoop;',
			'                                        }',
			'                                    }',
		].join('\n'),
		to: '{ const k = dockerfileHardenNextLineBreak(arg, j + 1); if (k !== -1) { j = k; continue nameLoop; } }',
		count: 2,
		why: 'a scan to the end of the argument for every escape character in a variable',
	},
	{
		file: /[\\/]dockerfile-ast[\\/]lib[\\/]instruction\.js$/,
		name: 'dockerfile-ast variable escapes (helper)',
		from: 'exports.Instruction = void 0;',
		to: [
			'exports.Instruction = void 0;',
			'/** The first "\\n" at or after `from` in `text` (-1 if none); remembers the last answer (dockerfile-harden patch). */',
			'function dockerfileHardenNextLineBreak(text, from) {',
			'    const last = dockerfileHardenNextLineBreak.last;',
			'    if (last.text !== text || from < last.from || (last.at !== -1 && last.at < from)) {',
			'        last.text = text;',
			'        last.from = from;',
			"        last.at = text.indexOf('\\n', from);",
			'    }',
			'    return last.at;',
			'}',
			"dockerfileHardenNextLineBreak.last = { text: '', from: 0, at: -1 };",
		].join('\n'),
		count: 1,
		why: 'the helper of the patch above',
	},
];

/**
 * The source of `path` with every patch for it applied; throws when a patch for the file does not find its text as
 * many times as it expects (once, unless it says `count`).
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
		const found = source.split(patch.from).length - 1;
		if (found !== (patch.count ?? 1)) {
			throw new Error(
				`${path}: the patch "${patch.name}" (${patch.why}) finds its text ${found} time(s), not ${patch.count ?? 1}; review it`,
			);
		}
		source = source.split(patch.from).join(patch.to);
		applied.push(patch.name);
	}
	return { source, applied };
}

/**
 * What register() keeps per process (not per copy of this module): whether its hook is installed, and the files
 * loaded with their patches applied.
 */
const state = (globalThis[Symbol.for('dockerfile-harden.dependency-patches')] ??= {
	installed: false,
	patchedFiles: new Set(),
});

/**
 * Applies the patches to every file Node loads from now on, so code run unbundled (the tests, the fuzzer) runs what
 * the bundles run. Returns the patched files Node had loaded before, unpatched (the caller should fail on them).
 * @returns {string[]}
 */
function register() {
	const Module = require('node:module');
	const fs = require('node:fs');
	const loadedBefore = Object.keys(require.cache).filter(
		(file) => patches.some((p) => p.file.test(file)) && !state.patchedFiles.has(file),
	);
	if (!state.installed) {
		const original = Module._extensions['.js'];
		Module._extensions['.js'] = function (module, filename) {
			if (patches.some((p) => p.file.test(filename))) {
				module._compile(patchSource(filename, fs.readFileSync(filename, 'utf8')).source, filename);
				state.patchedFiles.add(filename);
				return;
			}
			original(module, filename);
		};
		state.installed = true;
	}
	return loadedBefore;
}

module.exports = { patches, patchSource, register };
