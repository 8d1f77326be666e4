/** Unified diffs for --diff: exact small cases, a patch-back property test, and secret redaction. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactSecrets, unifiedDiff } from '../../server/src/cli/diff';
import { PLANTED_TOKEN } from './helpers';

/** Applies a unified diff of one file (as `patch` would), to check the hunks' numbers and lines. */
function applyPatch(before: string, patch: string): string {
	const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n');
	const out: string[] = [];
	let cursor = 0;
	const body = patch.split('\n').slice(2);
	let noEol = !before.endsWith('\n') && before !== '';
	for (let i = 0; i < body.length; i++) {
		const header = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(body[i]);
		if (!header) {
			continue;
		}
		const start = Number(header[2]) === 0 ? Number(header[1]) : Number(header[1]) - 1;
		out.push(...lines.slice(cursor, start));
		cursor = start;
		for (i++; i < body.length && /^[ +\-\\]/.test(body[i]); i++) {
			const [kind, text] = [body[i][0], body[i].slice(1)];
			if (kind === '\\') {
				noEol = body[i - 1][0] === '+' || body[i - 1][0] === ' ';
				continue;
			}
			if (kind === ' ' || kind === '-') {
				assert.equal(lines[cursor], text, `context/removed line ${cursor + 1} does not match`);
				cursor++;
			}
			if (kind === ' ' || kind === '+') {
				out.push(text);
				noEol = false;
			}
		}
		i--;
	}
	out.push(...lines.slice(cursor));
	return out.length === 0 ? '' : out.join('\n') + (noEol && cursor === lines.length ? '' : '\n');
}

void describe('unifiedDiff', () => {
	void it('is empty for equal texts', () => {
		assert.equal(unifiedDiff('Dockerfile', 'FROM a\n', 'FROM a\n'), '');
	});

	void it('a one-line change with context', () => {
		const before = ['1', '2', '3', '4', 'RUN pip install x', '6', '7', '8', '9', ''].join('\n');
		const after = before.replace('pip install', 'pip install --no-cache-dir');
		assert.equal(
			unifiedDiff('Dockerfile', before, after),
			[
				'--- a/Dockerfile',
				'+++ b/Dockerfile',
				'@@ -2,7 +2,7 @@',
				' 2',
				' 3',
				' 4',
				'-RUN pip install x',
				'+RUN pip install --no-cache-dir x',
				' 6',
				' 7',
				' 8',
				'',
			].join('\n'),
		);
	});

	void it('an insertion at the top', () => {
		assert.equal(
			unifiedDiff('d/Dockerfile', 'FROM a\n', '# syntax=docker/dockerfile:1\nFROM a\n'),
			'--- a/d/Dockerfile\n+++ b/d/Dockerfile\n@@ -1,1 +1,2 @@\n+# syntax=docker/dockerfile:1\n FROM a\n',
		);
	});

	void it('marks a missing final newline and hides carriage returns', () => {
		assert.equal(
			unifiedDiff('Dockerfile', 'FROM a\r\nRUN x', 'FROM a\r\nRUN y'),
			'--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n FROM a\n-RUN x\n\\ No newline at end of file\n+RUN y\n\\ No newline at end of file\n',
		);
	});

	void it('splits far-apart changes into hunks that patch back exactly', () => {
		const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
		let seed = 7;
		const random = (n: number): number => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed % n;
		};
		let hunks = 0;
		for (let round = 0; round < 50; round++) {
			const after = [...lines];
			for (let edits = 1 + random(6); edits > 0; edits--) {
				const at = random(after.length);
				const op = random(3);
				if (op === 0) {
					after.splice(at, 1);
				} else if (op === 1) {
					after.splice(at, 0, `new ${round}.${edits}`);
				} else {
					after[at] = `changed ${round}.${edits}`;
				}
			}
			const before = lines.join('\n') + '\n';
			const target = after.join('\n') + '\n';
			const patch = unifiedDiff('f', before, target);
			assert.equal(applyPatch(before, patch), target, patch);
			hunks = Math.max(hunks, patch.split('\n').filter((l) => l.startsWith('@@')).length);
		}
		assert.ok(hunks > 1, 'some rounds produce several hunks');
	});

	void it('a rewrite of thousands of lines still patches back exactly', () => {
		const before = Array.from({ length: 5000 }, (_, i) => `old ${i}`).join('\n') + '\nsame\n';
		const after = 'head\n' + Array.from({ length: 5000 }, (_, i) => `new ${i}`).join('\n') + '\nsame\n';
		assert.equal(applyPatch(before, unifiedDiff('f', before, after)), after);
	});

	void it('redacts credentials in printed lines', () => {
		const patch = unifiedDiff(
			'Dockerfile',
			`ENV GITHUB_TOKEN=${PLANTED_TOKEN}\nRUN pip install x\n`,
			`ENV GITHUB_TOKEN=${PLANTED_TOKEN}\nRUN pip install --no-cache-dir x\n`,
		);
		assert.ok(!patch.includes(PLANTED_TOKEN));
		assert.match(patch, /^ ENV GITHUB_TOKEN=<redacted GitHub token>$/m);
	});
});

void describe('redactSecrets', () => {
	void it('redacts token formats, URL passwords and literal values of secret-named variables', () => {
		assert.equal(redactSecrets(`ENV GITHUB_TOKEN=${PLANTED_TOKEN}`), 'ENV GITHUB_TOKEN=<redacted GitHub token>');
		assert.equal(redactSecrets('ARG DB_PASSWORD=hunter2'), 'ARG DB_PASSWORD=<redacted>');
		assert.equal(redactSecrets('ENV API_KEY "s3cr3t value"'), 'ENV API_KEY <redacted>');
		assert.equal(redactSecrets('RUN NPM_TOKEN=abc123 npm publish'), 'RUN NPM_TOKEN=<redacted> npm publish');
		assert.equal(redactSecrets('RUN curl https://bob:pa55@host/x'), 'RUN curl https://<redacted>@host/x');
	});

	void it('leaves what is not a secret alone', () => {
		for (const line of [
			'ARG PYPI_TOKEN',
			'ENV TOKEN_FILE=/run/secrets/token',
			'RUN pip install --extra-index-url https://user:${PYPI_TOKEN}@host/ x',
			'ENV PASSWORD=$PASSWORD',
			'RUN echo token value',
			'FROM python:3.12',
		]) {
			assert.equal(redactSecrets(line), line);
		}
	});
});
