import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { loadShellParser } from '../../server/src/node/shellParser';
import { allRules } from '../../server/src/rules';

/** The rules these cases are written for; the others would only add noise. */
const RULES = allRules.filter((r) => ['DH101', 'DH201', 'DH401', 'DH402'].includes(r.meta.id));
const codes = (text: string): string[] =>
	lint(text, { rules: RULES }).diagnostics.map((d) => `${d.range.start.line + 1}:${d.code}`);

describe('suppression comments', () => {
	before(() => loadShellParser());
	const base = 'FROM python:3.11-slim\nRUN pip install -r requirements.txt\n';

	it('reports without comments', () => {
		assert.deepEqual(codes(base), ['1:DH101', '1:DH201', '2:DH401', '2:DH402']);
	});
	it('ignore= applies to the next instruction only, by id or name, with a reason', () => {
		const text =
			'# dockerfile-harden ignore=DH201\nFROM python:3.11-slim\n# dockerfile-harden ignore=pip-no-cache-dir, DH401 # vendored wheels\nRUN pip install -r requirements.txt\nRUN pip install flask\n';
		assert.deepEqual(codes(text), ['2:DH101', '5:DH402']);
	});
	it('the comment may be separated from its instruction by other comments', () => {
		const text =
			'# dockerfile-harden ignore=DH201\n# base image chosen by platform team\nFROM python:3.11-slim\nUSER 1000\n';
		assert.deepEqual(codes(text), []);
	});
	it('global ignore= applies to the whole file wherever it is', () => {
		const text = `${base}# dockerfile-harden global ignore=DH402,DH101\n`;
		assert.deepEqual(codes(text), ['1:DH201', '2:DH401']);
	});
	it('hadolint codes suppress the mapped rules', () => {
		const text =
			'# hadolint global ignore=DL3002\n# hadolint ignore=DL3006\nFROM python:3.11-slim\n# hadolint ignore=DL3042,SC2086\nRUN pip install -r requirements.txt\n';
		assert.deepEqual(codes(text), ['5:DH401']);
	});
	it('a finding at an ARG default is also suppressed at the FROM that uses it', () => {
		const text = 'ARG BASE=python:3.11-slim\n# hadolint ignore=DL3006\nFROM ${BASE}\nUSER 1\n';
		assert.deepEqual(codes(text), []);
		assert.deepEqual(codes(text.replace('# hadolint ignore=DL3006\n', '')), ['1:DH201']);
	});
	it('unknown codes and malformed comments are ignored', () => {
		const text = '# dockerfile-harden ignore=DH999\n# dockerfile-harden: ignore=DH201\nFROM python:3.11-slim\nUSER 1\n';
		assert.deepEqual(codes(text), ['3:DH201']);
	});
	it('a suppression covers every line of a multi-line instruction', () => {
		const text =
			'FROM python:3.11-slim@sha256:' +
			'a'.repeat(64) +
			'\nUSER 1\n# dockerfile-harden ignore=DH402\nRUN echo && \\\n    pip install flask\n';
		assert.deepEqual(codes(text), []);
	});
});
