/** File discovery: Dockerfile names, recursion, skipped folders, globs, stdin and missing paths. */
import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { discover, isDockerfileName } from '../../server/src/cli/discover';
import { cleanup, tempDir, writeTree } from './helpers';

function paths(cwd: string, args: string[]): string[] {
	return discover(args, cwd).targets.map((t) => (t.kind === 'stdin' ? '-' : t.path.slice(cwd.length + 1)));
}

void describe('discover', () => {
	after(cleanup);

	void it('knows Dockerfile names', () => {
		for (const name of [
			'Dockerfile',
			'dockerfile',
			'Dockerfile.prod',
			'api.Dockerfile',
			'Containerfile',
			'Containerfile.dev',
		]) {
			assert.equal(isDockerfileName(name), true, name);
		}
		for (const name of [
			'Dockerfile.',
			'Dockerfile.dockerignore',
			'api.Dockerfile.dockerignore',
			'README.md',
			'Dockerfiles',
			'docker-compose.yml',
		]) {
			assert.equal(isDockerfileName(name), false, name);
		}
	});

	void it('searches directories recursively, sorted, skipping node_modules and .git', () => {
		const dir = tempDir();
		writeTree(dir, {
			Dockerfile: 'FROM a\n',
			'z/Containerfile': 'FROM a\n',
			'deploy/api.Dockerfile': 'FROM a\n',
			'deploy/Dockerfile.prod': 'FROM a\n',
			'deploy/notes.txt': 'x\n',
			'node_modules/x/Dockerfile': 'FROM a\n',
			'.git/Dockerfile': 'FROM a\n',
		});
		assert.deepEqual(paths(dir, ['.']), [
			'Dockerfile',
			'deploy/Dockerfile.prod',
			'deploy/api.Dockerfile',
			'z/Containerfile',
		]);
	});

	void it('takes a named file whatever its name, once', () => {
		const dir = tempDir();
		writeTree(dir, { 'build.txt': 'FROM a\n', Dockerfile: 'FROM a\n' });
		assert.deepEqual(paths(dir, ['build.txt', 'Dockerfile', '.', './Dockerfile']), ['Dockerfile', 'build.txt']);
	});

	void it('puts stdin first', () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: 'FROM a\n' });
		assert.deepEqual(paths(dir, ['Dockerfile', '-']), ['-', 'Dockerfile']);
	});

	void it('expands globs, including into skipped folders only when asked', () => {
		const dir = tempDir();
		writeTree(dir, {
			'a/Dockerfile': 'FROM a\n',
			'a/b/Dockerfile.dev': 'FROM a\n',
			'a/b/readme.md': 'x\n',
			'c/Dockerfile': 'FROM a\n',
		});
		assert.deepEqual(paths(dir, ['a/**/Dockerfile*']), ['a/Dockerfile', 'a/b/Dockerfile.dev']);
		assert.deepEqual(paths(dir, ['*/Dockerfile']), ['a/Dockerfile', 'c/Dockerfile']);
		assert.deepEqual(paths(dir, [join(dir, 'c', '*')]), ['c/Dockerfile']);
	});

	void it('reports missing paths, empty directories, unmatched globs and unreadable paths, and keeps the rest', () => {
		const dir = tempDir();
		writeTree(dir, { Dockerfile: 'FROM a\n', 'empty/readme.md': 'x\n' });
		symlinkSync('loop', join(dir, 'loop'));
		const result = discover(['missing', 'Dockerfile', 'empty', 'x/**/Dockerfile', 'loop'], dir);
		assert.deepEqual(result.errors, [
			'no such file or directory: missing',
			'no Dockerfile found in empty (looked for Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile, Containerfile.*).',
			'no files match the pattern "x/**/Dockerfile".',
			'cannot read loop (ELOOP).',
		]);
		assert.deepEqual(paths(dir, ['Dockerfile']), ['Dockerfile']);
		assert.equal(result.targets.length, 1);
	});
});
