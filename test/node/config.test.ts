import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
	applyConfig,
	formatConfigError,
	loadConfig,
	parseConfig,
	parseHadolintConfig,
} from '../../server/src/node/config';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/protocol';

describe('.dockerfile-harden.yaml', () => {
	it('reads every setting, rules by id or name', () => {
		const { config, errors } = parseConfig(
			'c.yaml',
			[
				'rules:',
				'  DH101: off',
				'  no-sudo: error',
				'  dh402: information',
				'secrets:',
				'  allowPatterns: ["^BUILD_"]',
				'  denyPatterns: ["^VAULT_"]',
				'trustedRegistries: [ghcr.io, "*.gcr.io"]',
				'registry:',
				'  insecureRegistries: [localhost:5000]',
				'ignorePaths: ["test/fixtures/**"]',
			].join('\n'),
		);
		assert.deepEqual(errors, []);
		assert.deepEqual(config, {
			rules: { DH101: 'off', DH102: 'error', DH402: 'info' },
			allowPatterns: ['^BUILD_'],
			denyPatterns: ['^VAULT_'],
			trustedRegistries: ['ghcr.io', '*.gcr.io'],
			insecureRegistries: ['localhost:5000'],
			ignorePaths: ['test/fixtures/**'],
		});
	});

	it('reports each bad key with its line, and keeps the good ones', () => {
		const text = [
			'rules:',
			'  DH999: off',
			'  DH101: loud',
			'  DH201: off',
			'secrets:',
			'  allowPatterns: ["(unclosed"]',
			'colour: blue',
		].join('\n');
		const { config, errors } = parseConfig('/p/.dockerfile-harden.yaml', text);
		assert.deepEqual(config.rules, { DH201: 'off' });
		assert.deepEqual(config.allowPatterns, []);
		assert.deepEqual(errors.map(formatConfigError), [
			'/p/.dockerfile-harden.yaml:2:3: rules.DH999 is not a rule id or name (see docs/rules)',
			'/p/.dockerfile-harden.yaml:3:3: rules.DH101 must be off, error, warning, info or hint',
			'/p/.dockerfile-harden.yaml:6:19: secrets.allowPatterns[0] is not a valid regular expression (Invalid regular expression: /(unclosed/i: Unterminated group)',
			'/p/.dockerfile-harden.yaml:7:1: colour is not a setting (rules, secrets, trustedRegistries, registry, ignorePaths)',
		]);
	});

	it('reports a YAML syntax error once, with its line', () => {
		const { errors } = parseConfig('c.yaml', 'rules:\n  DH101: [off\n');
		assert.equal(errors.length, 1);
		assert.equal(errors[0].line, 3);
		assert.match(errors[0].message, /^not valid YAML/);
	});

	it('never puts a value from the file in an error', () => {
		const { errors } = parseConfig('c.yaml', 'trustedRegistries: ghp_secretvalue123\nrules:\n  s3cr3t-value: off\n');
		assert.ok(errors.length > 0);
		assert.ok(!errors.some((e) => formatConfigError(e).includes('ghp_secretvalue123')));
	});
});

describe('.hadolint.yaml', () => {
	it('maps ignored codes, overrides, trusted registries and the failure threshold', () => {
		const text = [
			'ignored: [DL3002, DL3008, SC2086]',
			'override:',
			'  error: [DL3042]',
			'  style: [DL3015]',
			'trustedRegistries: docker.io',
			'failure-threshold: warning',
		].join('\n');
		const { config, errors } = parseHadolintConfig('.hadolint.yaml', text);
		assert.deepEqual(errors, []);
		assert.deepEqual(config.rules, { DH101: 'off', DH402: 'error', DH405: 'hint' });
		assert.deepEqual(config.trustedRegistries, ['docker.io']);
		assert.equal(config.failOn, 'warning');
	});
});

describe('loading and merging', () => {
	const root = mkdtempSync(join(tmpdir(), 'dh-config-'));
	after(() => rmSync(root, { recursive: true, force: true }));

	it('walks up from the Dockerfile, ours over hadolint, the editor over both', () => {
		mkdirSync(join(root, 'repo/services/api'), { recursive: true });
		writeFileSync(join(root, 'repo/.hadolint.yaml'), 'ignored: [DL3002, DL3042]\n');
		writeFileSync(join(root, 'repo/.dockerfile-harden.yaml'), 'rules:\n  DH402: error\ntrustedRegistries: [ghcr.io]\n');
		const loaded = loadConfig(join(root, 'repo/services/api'));
		assert.deepEqual(loaded.files, [join(root, 'repo/.hadolint.yaml'), join(root, 'repo/.dockerfile-harden.yaml')]);
		assert.deepEqual(loaded.config.rules, { DH101: 'off', DH402: 'error' });
		const settings = applyConfig(
			normalizeSettings({ rules: { DH101: 'warning' }, trustedRegistries: ['quay.io'] }),
			loaded.config,
		);
		assert.deepEqual(settings.rules, { DH101: 'warning', DH402: 'error' });
		assert.deepEqual(settings.trustedRegistries, ['ghcr.io', 'quay.io']);
	});

	it('finds nothing above an empty tree and leaves the settings as they are', () => {
		mkdirSync(join(root, 'empty'), { recursive: true });
		const loaded = loadConfig(join(root, 'empty'));
		assert.deepEqual(applyConfig(DEFAULT_SETTINGS, loaded.config), DEFAULT_SETTINGS);
	});
});
