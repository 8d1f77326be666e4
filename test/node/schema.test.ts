import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parseConfig } from '../../server/src/node/config';
import { configSchema } from '../../server/src/node/configSchema';

const root = resolve(__dirname, '../../..');

describe('config schema', () => {
	it('is committed up to date (npm run docs:schema)', () => {
		const committed = JSON.parse(readFileSync(join(root, 'schemas/dockerfile-harden.schema.json'), 'utf8')) as unknown;
		assert.deepEqual(committed, configSchema());
	});

	it('accepts what the reader accepts and rejects what it reports', () => {
		const validate = new Ajv({ strict: false, allErrors: true }).compile(configSchema());
		const good =
			'rules:\n  DH101: off\n  no-sudo: error\nsecrets:\n  allowPatterns: ["^X_"]\ntrustedRegistries: [ghcr.io]\n';
		const bad = 'rules:\n  DH999: off\ncolour: blue\n';
		assert.equal(validate(parse(good)), true);
		assert.deepEqual(parseConfig('c', good).errors, []);
		assert.equal(validate(parse(bad)), false);
		assert.equal(parseConfig('c', bad).errors.length, 2);
	});
});
