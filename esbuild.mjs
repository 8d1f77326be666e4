// Bundles the extension, the language server and the CLI into dist/ (nothing from node_modules ships).
import { build, context } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { patches, patchSource } = require('./scripts/dependency-patches.cjs');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Applies scripts/dependency-patches.cjs to the files it names, as they are bundled. */
const dependencyPatches = {
	name: 'dependency-patches',
	/** @param {import('esbuild').PluginBuild} build */
	setup(build) {
		for (const patch of patches) {
			build.onLoad({ filter: patch.file }, (args) => ({
				contents: patchSource(args.path, readFileSync(args.path, 'utf8')).source,
				loader: 'js',
			}));
		}
	},
};

/** @type {import('esbuild').BuildOptions} */
const common = {
	plugins: [dependencyPatches],
	bundle: true,
	platform: 'node',
	format: 'cjs',
	target: 'node20',
	sourcemap: !production,
	minify: production,
	logLevel: 'warning',
	legalComments: 'none',
	// web-tree-sitter's loader calls createRequire(import.meta.url), which a CommonJS bundle does not have.
	define: { 'import.meta.url': '__importMetaUrl' },
	banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

const builds = [
	{ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
	{ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
	{ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js' },
];

mkdirSync('dist', { recursive: true });
// The shell parser's WebAssembly files are read at run time from beside the bundles.
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'), 'dist/tree-sitter-bash.wasm');

if (watch) {
	for (const options of builds) {
		const ctx = await context(options);
		await ctx.watch();
	}
} else {
	await Promise.all(builds.map((options) => build(options)));
}
