import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { memoryContext } from '../../server/src/engine/context';
import { applyEdits, fixAll, MAX_PASSES } from '../../server/src/engine/fixer';
import { lint } from '../../server/src/engine/lint';
import { loadShellParser } from '../../server/src/node/shellParser';
import { DEFAULT_SETTINGS, DIAGNOSTIC_SOURCE, normalizeSettings } from '../../server/src/protocol';
import { allRules } from '../../server/src/rules';
import { defineRule, type Rule } from '../../server/src/rules/types';

const INSECURE = 'FROM python:3.11-slim\nWORKDIR /app\nRUN pip install -r requirements.txt\nCMD ["python", "app.py"]\n';

describe('lint', () => {
	before(() => loadShellParser());

	it('gives each diagnostic its rule id, source, docs link and data', () => {
		const d = lint(INSECURE).diagnostics.find((x) => x.code === 'DH402');
		assert.ok(d);
		assert.equal(d.source, DIAGNOSTIC_SOURCE);
		assert.equal(d.severity, 2);
		assert.match(d.codeDescription?.href ?? '', /docs\/rules\/DH402-pip-no-cache-dir\.md$/);
		assert.deepEqual(d.data, {
			ruleId: 'DH402',
			ruleName: 'pip-no-cache-dir',
			fix: {
				title: 'Add --no-cache-dir to pip install',
				safety: 'safe',
				edits: [
					{ range: { start: { line: 2, character: 15 }, end: { line: 2, character: 15 } }, newText: ' --no-cache-dir' },
				],
			},
		});
	});

	it('takes severities from settings by id or name, and turns rules off', () => {
		const settings = normalizeSettings({ rules: { DH402: 'error', 'pip-require-hashes': 'off', DH101: 'hint' } });
		const result = lint(INSECURE, { settings }).diagnostics.map((d) => [d.code, d.severity]);
		assert.deepEqual(result, [
			['DH101', 4],
			['DH201', 2],
			['DH402', 1],
		]);
	});

	it('matches rule keys in any case, and the last key naming a rule wins (config, then settings)', () => {
		const lower = normalizeSettings({ rules: { dh402: 'error', 'PIP-REQUIRE-HASHES': 'off', ' dh101 ': 'hint' } });
		assert.deepEqual(
			lint(INSECURE, { settings: lower }).diagnostics.map((d) => [d.code, d.severity]),
			[
				['DH101', 4],
				['DH201', 2],
				['DH402', 1],
			],
		);
		// A project config turns DH402 off by id; the user's setting by name turns it back on.
		const merged = normalizeSettings({ rules: { DH402: 'off', 'pip-no-cache-dir': 'info' } });
		assert.deepEqual(
			lint(INSECURE, { settings: merged })
				.diagnostics.filter((d) => d.code === 'DH402')
				.map((d) => d.severity),
			[3],
		);
	});

	it('reports nothing when disabled', () => {
		assert.deepEqual(lint(INSECURE, { settings: { ...DEFAULT_SETTINGS, enable: false } }).diagnostics, []);
	});

	it('logs a throwing rule once, drops its findings, and keeps the others', () => {
		const messages: string[] = [];
		const broken = defineRule({
			meta: {
				id: 'DH999',
				name: 'broken',
				layer: 'baseline',
				defaultSeverity: 'warning',
				messages: { m: 'x' },
				docs: { summary: 'test' },
			},
			create(context) {
				return {
					FROM(instruction) {
						context.report({ range: instruction.getRange(), messageId: 'm' });
					},
					RUN() {
						throw new Error('boom');
					},
				};
			},
		}) as Rule;
		const rules = [broken, ...allRules];
		const logger = { error: (m: string) => messages.push(m) };
		const first = lint(INSECURE, { rules, logger });
		const second = lint(INSECURE, { rules, logger });
		assert.deepEqual(first.failedRules, ['DH999']);
		assert.ok(!first.diagnostics.some((d) => d.code === 'DH999'));
		assert.deepEqual(
			first.diagnostics.map((d) => d.code),
			lint(INSECURE).diagnostics.map((d) => d.code),
		);
		assert.equal(second.failedRules.length, 1);
		assert.deepEqual(messages, ['Rule DH999 (broken) failed and was skipped: boom']);
	});

	it('never throws on hostile input', () => {
		const inputs = [
			'',
			'\0\0\0\xff\xfe',
			'FROM',
			'RUN <<EOF\nunterminated',
			'\r\r\rFROM alpine\rRUN x',
			'# escape=`\nFROM a\nRUN a `\n',
			`FROM alpine\nRUN ${'x'.repeat(5000)}`,
			'FROM alpine\nRUN $(( ${{{{ "\'`',
			'FROM ${A:-${B:-${C}}}\nCOPY --from=${X} / /',
			'ARG A=$A\nFROM $A',
		];
		for (const text of inputs) {
			const result = lint(text);
			assert.deepEqual(result.failedRules, [], JSON.stringify(text));
		}
	});
});

describe('fixAll', () => {
	before(() => loadShellParser());

	it('applies safe fixes in passes and reports what it applied', () => {
		const text = 'FROM python:3.11\nRUN <<EOF\npip install flask==3.0.3\nEOF\n';
		const result = fixAll(text, { safeties: ['safe'] });
		assert.equal(
			result.output,
			'# syntax=docker/dockerfile:1\nFROM python:3.11\nRUN <<EOF\npip install --no-cache-dir flask==3.0.3\nEOF\n',
		);
		assert.deepEqual(result.applied.map((a) => a.ruleId).sort(), ['DH402', 'DH502']);
		assert.deepEqual(
			result.remaining.map((d) => `${d.range.start.line}:${d.code}`),
			['1:DH101', '1:DH201'],
		);
	});

	it('never applies touching edits in the same pass', () => {
		// Both DH401 and DH402 insert right after `install`: one pass takes one, the next takes the other.
		const text = 'FROM python:3.11\nCOPY r.txt .\nRUN ["pip", "install", "-r", "r.txt"]\n';
		const hashed = { 'r.txt': 'a==1 --hash=sha256:' + 'a'.repeat(64) + '\n' };
		const result = fixAll(text, { safeties: ['safe'], buildContext: memoryContext(hashed) });
		assert.equal(result.passes, 2);
		assert.equal(
			result.output,
			'FROM python:3.11\nCOPY r.txt .\nRUN ["pip", "install", "--no-cache-dir", "--require-hashes", "-r", "r.txt"]\n',
		);
	});

	it('stops after MAX_PASSES even if a fix keeps re-triggering', () => {
		const looping = defineRule({
			meta: {
				id: 'DH998',
				name: 'looping',
				layer: 'baseline',
				defaultSeverity: 'warning',
				messages: { m: 'x' },
				fix: { safety: 'safe', title: 'grow' },
				docs: { summary: 'test' },
			},
			create(context) {
				return {
					FROM(instruction) {
						context.report({
							range: instruction.getRange(),
							messageId: 'm',
							fix: (fixer) => fixer.insertAt(instruction.getRange().end, '!'),
						});
					},
				};
			},
		}) as Rule;
		const result = fixAll('FROM a', { safeties: ['safe'], rules: [looping] });
		assert.equal(result.passes, MAX_PASSES);
		assert.equal(result.output, `FROM a${'!'.repeat(MAX_PASSES)}`);
	});

	it('keeps the line ends of a file that uses CR only (old Mac) when fixes add lines', () => {
		const text = 'FROM python:3.11\rRUN pip install flask\rRUN apt-get install -y gcc\rCMD ["python"]\r';
		const fixed = fixAll(text, { safeties: ['safe', 'review'] });
		assert.ok(fixed.applied.length > 0);
		assert.ok(fixed.output.split('\r').length > text.split('\r').length, 'a fix added a line');
		assert.equal(fixed.output.includes('\n'), false);
	});

	it('applyEdits keeps the text outside the edits', () => {
		const text = 'a\r\nb\r\nc';
		const out = applyEdits(text, [
			{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } }, newText: 'B' },
			{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: '>' },
		]);
		assert.equal(out, '>a\r\nB\r\nc');
	});
});
