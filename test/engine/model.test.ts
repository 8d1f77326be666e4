import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerfileParser } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { familiarName, isValidDigest, parseImageRef, registryOf, repositoryOf } from '../../server/src/engine/imageRef';
import { FileModel } from '../../server/src/engine/model';
import { findLiteralSecrets, findUrlCredentials, isSecretName } from '../../server/src/engine/secrets';
import { expandVariables } from '../../server/src/engine/variables';

function model(text: string): FileModel {
	const dockerfile = DockerfileParser.parse(text);
	return new FileModel(
		TextDocument.create('file:///D', 'dockerfile', 0, text),
		dockerfile,
		dockerfile.getEscapeCharacter(),
	);
}

describe('image references', () => {
	it('normalises like Docker', () => {
		const cases: [string, string][] = [
			['python', 'docker.io/library/python'],
			['python:3.11-slim', 'docker.io/library/python:3.11-slim'],
			['org/app:1', 'docker.io/org/app:1'],
			['index.docker.io/org/app', 'docker.io/org/app'],
			['ghcr.io/org/app:1.2', 'ghcr.io/org/app:1.2'],
			['localhost/app', 'localhost/app'],
			['localhost:5000/a/b:c', 'localhost:5000/a/b:c'],
			['127.0.0.1:5000/library/python:3.11-slim', '127.0.0.1:5000/library/python:3.11-slim'],
		];
		for (const [input, expected] of cases) {
			const ref = parseImageRef(input);
			assert.ok(ref, input);
			assert.equal(familiarName(ref), expected);
		}
		assert.equal(repositoryOf(parseImageRef('python')!), 'library/python');
		assert.equal(registryOf(parseImageRef('registry-1.docker.io/library/python')!), 'docker.io');
	});
	it('rejects what Docker rejects', () => {
		for (const bad of ['', 'org/Upper', 'a b', '$X', 'app:', 'app@', 'app:bad tag', 'app:-x']) {
			assert.equal(parseImageRef(bad), undefined, bad);
		}
	});
	it('keeps tag and digest apart', () => {
		const digest = 'sha256:' + 'f'.repeat(64);
		const ref = parseImageRef(`reg.io:443/a/b:1.0@${digest}`);
		assert.deepEqual(ref, {
			raw: `reg.io:443/a/b:1.0@${digest}`,
			registry: 'reg.io:443',
			path: 'a/b',
			tag: '1.0',
			digest,
		});
		assert.ok(isValidDigest(digest));
		assert.ok(!isValidDigest('sha256:d3af7985a5a...'));
		assert.ok(!isValidDigest('sha256:' + 'F'.repeat(64)));
	});
});

describe('variables', () => {
	const scope = new Map<string, string | null>([
		['A', 'x'],
		['EMPTY', ''],
		['DECLARED', null],
	]);
	const expand = (t: string) => expandVariables(t, (n) => scope.get(n));
	it('expands the forms BuildKit supports', () => {
		assert.equal(expand('$A-${A}').value, 'x-x');
		assert.equal(expand('${EMPTY:-d}|${EMPTY-d}|${NOPE:-d}').value, 'd||d');
		assert.equal(expand('${A:+y}|${EMPTY:+y}|${EMPTY+y}').value, 'y||y');
		assert.equal(expand('\\$A').value, '$A');
		assert.equal(expand('${NOPE:-${A}}').value, 'x');
	});
	it('says when a value is unknown', () => {
		assert.equal(expand('$A').unresolved, false);
		assert.equal(expand('$NOPE').unresolved, true);
		assert.equal(expand('${DECLARED}').unresolved, true);
		assert.equal(expand('${DECLARED:-py}').unresolved, false);
		assert.equal(expand('${unclosed').unresolved, true);
	});
});

describe('stage model', () => {
	it('finds aliases, parents, the final stage and resolves ARGs in FROM', () => {
		const m = model('ARG PY=3.12\nFROM python:${PY}-slim AS Base\nENV E=1\nFROM base AS test\nFROM scratch\nFROM base');
		assert.deepEqual(
			m.stages.map((s) => [s.name, s.baseText, s.parent?.name, s.isScratch, s.isFinal]),
			[
				['base', 'python:3.12-slim', undefined, false, false],
				['test', 'base', 'base', false, false],
				[undefined, 'scratch', undefined, true, false],
				[undefined, 'base', 'base', false, true],
			],
		);
		assert.equal(m.findStage('0')?.name, 'base');
		assert.equal(m.findStage('BASE')?.index, 0);
	});
	it('scopes variables: ENV inherited, ARG per stage with the global default', () => {
		const m = model('ARG V=1\nFROM a AS one\nARG V\nENV E=$V\nFROM one\nARG W=2\nRUN x');
		const last = m.stages[1];
		const run = last.instructions[1];
		assert.deepEqual(
			[...m.variablesAt(last, run)],
			[
				['E', '1'],
				['W', '2'],
			],
		);
	});
});

describe('secrets', () => {
	it('splits names into words', () => {
		const secret = [
			'PYPI_TOKEN',
			'DB_PASSWORD',
			'npmAuthToken',
			'STRIPE_API_KEY',
			'AWS_SECRET_ACCESS_KEY',
			'PRIVATE_KEY',
			'DB_PASS',
			'SECRET_KEY_BASE',
			'CLIENT_SECRET',
		];
		const notSecret = [
			'GOPRIVATE',
			'AWS_ACCESS_KEY_ID',
			'KEY_NAME',
			'KMS_KEY_ALIAS',
			'REQUIRE_MFA_AUTH',
			'AUTH_MODE',
			'GPG_KEY',
			'PUBLIC_KEY',
			'TOKEN_URL',
			'PASSWORD_FILE',
			'GITHUB_TOKEN_PATH',
			'JENKINS_USERNAME',
			'BYPASS_CACHE',
			'SECRETS_DIR',
			'PASSWORD_MIN_LENGTH',
			'AWS_WEB_IDENTITY_TOKEN_FILE',
			'TRAVIS_OS_NAME',
			'FACEBOOK_APP_ID',
		];
		assert.deepEqual(
			secret.filter((n) => !isSecretName(n)),
			[],
		);
		assert.deepEqual(
			notSecret.filter((n) => isSecretName(n)),
			[],
		);
	});
	it('finds literal tokens but not vendor examples', () => {
		const text = `a ${'AKIA'}IOSFODNN7EXAMPLE b ${'glpat-'}abcdefghij0123456789 c`;
		assert.deepEqual(
			findLiteralSecrets(text).map((s) => [s.kind, text.slice(s.start, s.end)]),
			[['GitLab token', `${'glpat-'}abcdefghij0123456789`]],
		);
	});
	it('finds URL credentials', () => {
		assert.deepEqual(
			findUrlCredentials('x https://u:p@h.io/y ssh://git@h.io/z https://$T@h.io').map((c) => [c.host, c.literal]),
			[
				['h.io', true],
				['h.io', false],
			],
		);
	});
});
