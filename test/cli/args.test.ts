/** Argument parsing: defaults, every option, and the exact errors of bad usage. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { packageVersion, parseArgs, type CliOptions } from '../../server/src/cli/args';
import { cleanup, tempDir } from './helpers';

function ok(argv: string[]): CliOptions {
	const result = parseArgs(argv);
	assert.ok(result.ok, result.ok ? '' : result.error);
	return result.options;
}

function error(argv: string[]): string {
	const result = parseArgs(argv);
	assert.ok(!result.ok, `expected ${argv.join(' ')} to be refused`);
	return result.error;
}

void describe('parseArgs', () => {
	after(cleanup);

	void it('defaults to linting . in stylish format, failing on info', () => {
		assert.deepEqual(ok([]), {
			paths: ['.'],
			format: 'stylish',
			fix: 'none',
			diff: false,
			pin: false,
			checkPins: false,
			insecureRegistries: [],
			registryTimeoutMs: 10000,
			rules: {},
			failOn: 'info',
			failOnGiven: false,
			config: undefined,
			hadolintConfig: undefined,
			useConfig: true,
			color: undefined,
			output: undefined,
			stdinFilename: undefined,
			quiet: false,
			help: false,
			version: false,
		});
	});

	void it('drops the `lint` command word and keeps paths in order', () => {
		assert.deepEqual(ok(['lint', 'a', '-', 'b/Dockerfile']).paths, ['a', '-', 'b/Dockerfile']);
		assert.deepEqual(ok(['lint']).paths, ['.']);
		assert.deepEqual(ok(['--', '--fix', 'lint']).paths, ['--fix', 'lint']);
	});

	void it('reads options with a separate or an = value', () => {
		const o = ok(['--format=sarif', '-o', 'r.sarif', '--fail-on', 'warning', '--quiet', '--no-color']);
		assert.equal(o.format, 'sarif');
		assert.equal(o.output, 'r.sarif');
		assert.equal(o.failOn, 'warning');
		assert.equal(o.quiet, true);
		assert.equal(o.color, false);
		assert.equal(ok(['--max-severity=none']).failOn, 'none');
		assert.equal(ok(['--fail-on', 'ERROR']).failOn, 'error');
	});

	void it('maps --rule ids and names to canonical ids, in any accepted spelling', () => {
		assert.deepEqual(ok(['--rule', 'DH101=off', '--rule', 'pip-no-cache-dir=error', '--rule=dh201=warn']).rules, {
			DH101: 'off',
			DH402: 'error',
			DH201: 'warning',
		});
		assert.deepEqual(ok(['--rule', 'DH101=info,DH501=hint']).rules, { DH101: 'info', DH501: 'hint' });
	});

	void it('--fix, --fix-unsafe and --diff', () => {
		assert.equal(ok(['--fix']).fix, 'safe');
		assert.equal(ok(['--fix-unsafe']).fix, 'unsafe');
		assert.equal(ok(['--fix-unsafe', '--fix']).fix, 'unsafe');
		assert.equal(ok(['--fix', '--diff']).diff, true);
		assert.equal(ok(['--fix', '--dry-run']).diff, true);
	});

	void it('refuses bad usage with a precise message', () => {
		assert.equal(error(['--format', 'xml']), '--format: unknown format "xml" (use stylish, json, sarif, github).');
		assert.equal(error(['--format']), '--format needs a value.');
		assert.equal(error(['--rule', 'DH101']), '--rule expects ID=LEVEL (for example --rule DH101=off), got "DH101".');
		assert.equal(
			error(['--rule', 'DH999=off']),
			'--rule: unknown rule "DH999". Rules are named by id (DH101) or name (no-root-user).',
		);
		assert.equal(
			error(['--rule', 'DH101=loud']),
			'--rule DH101: unknown level "loud" (use off, error, warning, info or hint).',
		);
		assert.equal(
			error(['--fail-on', 'fatal']),
			'--fail-on: unknown level "fatal" (use error, warning, info, hint, none).',
		);
		assert.equal(error(['--fix=yes']), '--fix takes no value.');
		assert.equal(error(['--wat']), 'unknown option --wat.');
		assert.equal(error(['--diff']), '--diff shows what --fix, --fix-unsafe or --pin would change: add one of them.');
		assert.equal(error(['-', '-']), 'stdin (-) can be given only once.');
		assert.equal(error(['--stdin-filename', 'x']), '--stdin-filename needs - (stdin) among the paths.');
	});

	void it('--pin (with --fix semantics), --check-pins, --insecure-registry and --registry-timeout', () => {
		const pin = ok(['--pin']);
		assert.equal(pin.pin, true);
		assert.equal(pin.fix, 'safe');
		assert.equal(ok(['--pin', '--fix-unsafe']).fix, 'unsafe');
		assert.equal(ok(['--pin', '--diff']).diff, true);
		const check = ok(['--check-pins']);
		assert.equal(check.checkPins, true);
		assert.equal(check.fix, 'none');
		assert.deepEqual(
			ok(['--insecure-registry', 'Registry.Example:5000', '--insecure-registry=http://other:80/']).insecureRegistries,
			['registry.example:5000', 'other:80'],
		);
		assert.equal(ok(['--registry-timeout', '2500']).registryTimeoutMs, 2500);
		assert.equal(
			error(['--registry-timeout', '5']),
			'--registry-timeout expects milliseconds (at least 100), got "5".',
		);
		assert.equal(error(['--insecure-registry', 'a b']), '--insecure-registry expects HOST[:PORT], got "a b".');
	});

	void it('reads the config options', () => {
		const options = ok(['--config=ci.yaml', '--hadolint-config', '.hadolint.yml', '.']);
		assert.equal(options.config, 'ci.yaml');
		assert.equal(options.hadolintConfig, '.hadolint.yml');
		assert.equal(options.useConfig, true);
		assert.equal(ok(['--no-config']).useConfig, false);
		assert.equal(error(['--config']), '--config needs a value.');
		assert.equal(ok(['.']).failOnGiven, false);
		assert.equal(ok(['--fail-on', 'error']).failOnGiven, true);
	});

	void it('--help and --version', () => {
		assert.equal(ok(['-h']).help, true);
		assert.equal(ok(['--version']).version, true);
	});

	void it('reads the version from the nearest dockerfile-harden package.json', () => {
		const dir = tempDir();
		writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'dockerfile-harden', version: '9.8.7' }));
		mkdirSync(join(dir, 'dist', 'inner'), { recursive: true });
		// Another package's manifest on the way up is not ours.
		writeFileSync(join(dir, 'dist', 'package.json'), JSON.stringify({ name: 'other', version: '1.0.0' }));
		assert.equal(packageVersion(join(dir, 'dist', 'inner')), '9.8.7');
	});
});
