/**
 * The .vsix holds exactly what the extension needs at run time and what the marketplaces show, and nothing else: no
 * sources, source maps, tests, examples or node_modules. Builds a package with vsce from the current dist/ (the
 * bundles `npm test` just made) into a temporary folder, so `npm run package`'s own output is left alone.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../harness/lsp';
import { listZipEntries, type ZipEntry } from './zip';

/** The config file's JSON schema (issue 3). It ships once it exists; until then it must not be expected. */
const CONFIG_SCHEMA = 'schemas/dockerfile-harden.schema.json';

/** What the package must hold, as vsce names the entries. */
function expectedEntries(): string[] {
	const entries = [
		'[Content_Types].xml',
		'extension.vsixmanifest',
		'extension/LICENSE.txt',
		'extension/changelog.md',
		'extension/dist/extension.js',
		'extension/dist/server.js',
		'extension/dist/tree-sitter-bash.wasm',
		'extension/dist/web-tree-sitter.wasm',
		'extension/images/icon.png',
		'extension/package.json',
		'extension/readme.md',
	];
	if (existsSync(path.join(REPO_ROOT, CONFIG_SCHEMA))) {
		entries.push(`extension/${CONFIG_SCHEMA}`);
	}
	return entries.sort();
}

interface Manifest {
	readonly name: string;
	readonly publisher: string;
	readonly icon?: string;
	readonly galleryBanner?: { readonly color?: string; readonly theme?: string };
	readonly categories?: readonly string[];
	readonly keywords?: readonly string[];
	readonly repository?: { readonly type?: string; readonly url?: string };
	readonly activationEvents?: readonly string[];
	readonly main?: string;
	readonly allowScripts?: Readonly<Record<string, boolean>>;
	readonly devDependencies?: Readonly<Record<string, string>>;
}

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
	const png = readFileSync(file);
	assert.equal(png.toString('latin1', 1, 4), 'PNG', `${file} is a PNG`);
	return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

void describe('the .vsix', () => {
	let dir = '';
	let vsix = '';
	let entries: ZipEntry[] = [];

	before(() => {
		for (const bundle of ['dist/extension.js', 'dist/server.js']) {
			assert.ok(existsSync(path.join(REPO_ROOT, bundle)), `${bundle} is missing: run \`npm run bundle\` first`);
		}
		dir = mkdtempSync(path.join(tmpdir(), 'dockerfile-harden-vsix-'));
		vsix = path.join(dir, 'dockerfile-harden.vsix');
		// The same vsce arguments as `npm run package`, minus the production bundle step.
		execFileSync(
			process.execPath,
			[path.join(REPO_ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', vsix],
			{ cwd: REPO_ROOT, stdio: 'pipe' },
		);
		entries = listZipEntries(vsix);
	});

	after(() => {
		if (dir) {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('holds exactly the bundles, the WebAssembly, the manifest files and the icon', () => {
		assert.deepEqual(entries.map((e) => e.name).sort(), expectedEntries());
	});

	it('stays small: under 3 MB packed, so nothing unbundled slipped in', () => {
		const size = statSync(vsix).size;
		assert.ok(size < 3 * 1024 * 1024, `${size} bytes`);
	});

	it('ships the bundles the manifest points at', () => {
		assert.equal(manifest.main, './dist/extension.js');
		const names = new Set(entries.map((e) => e.name));
		assert.ok(names.has('extension/dist/extension.js'));
	});
});

void describe('marketplace metadata', () => {
	it('has a 128×128 PNG icon that ships', () => {
		assert.equal(manifest.icon, 'images/icon.png');
		assert.deepEqual(pngSize(path.join(REPO_ROOT, 'images/icon.png')), { width: 128, height: 128 });
	});

	it('has a gallery banner, the Linters category, keywords and a repository', () => {
		assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9A-Fa-f]{6}$/);
		assert.ok(manifest.galleryBanner?.theme === 'dark' || manifest.galleryBanner?.theme === 'light');
		assert.ok(manifest.categories?.includes('Linters'));
		assert.ok((manifest.keywords ?? []).length > 0);
		assert.ok((manifest.keywords ?? []).length <= 30, 'the marketplace takes at most 30 keywords');
		assert.equal(manifest.repository?.type, 'git');
		assert.match(manifest.repository?.url ?? '', /^https:\/\/github\.com\//);
	});

	it('activates on Dockerfiles only', () => {
		assert.deepEqual(manifest.activationEvents, ['onLanguage:dockerfile']);
	});

	it('installs code-server for the end-to-end suite without running its install scripts in `npm ci`', () => {
		// Its postinstall builds native modules and downloads ripgrep; test/e2e/run.mjs does that with what it needs.
		assert.equal(manifest.devDependencies?.['code-server'], '4.100.3');
		assert.equal(manifest.allowScripts?.['code-server'], false);
		assert.equal(manifest.allowScripts?.argon2, false);
	});
});
