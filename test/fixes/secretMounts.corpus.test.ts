/**
 * The secret-mount fixes (DH301, DH302, DH304) end to end: the seed's layer 3 example hardened by fix-all into a clean
 * file that builds; DH302 then DH301 gives the same file as the two together; and over ../shared/corpus (skipped with a
 * message when absent) every such fix, alone or all together, never throws, adds no syntax or shell errors, removes
 * the finding it claims to, and never writes a credential into its details.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from '../harness/dockerfileUtils';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyEdits, fixAll } from '../../server/src/engine/fixer';
import { lint } from '../../server/src/engine/lint';
import { FileModel } from '../../server/src/engine/model';
import { findLiteralSecrets, findUrlCredentials } from '../../server/src/engine/secrets';
import { loadShellParser } from '../../server/src/node/shellParser';
import { allRules } from '../../server/src/rules';

const CORPUS = process.env.DOCKERFILE_HARDEN_CORPUS ?? resolve(__dirname, '../../..', '../shared/corpus');
const SECRET_RULES = allRules.filter((r) => ['DH301', 'DH302', 'DH304'].includes(r.meta.id));
const [DH301, DH302] = ['DH301', 'DH302'].map((id) => allRules.find((r) => r.meta.id === id)!);

/** The seed's layer 3 "insecure" example, as test/fixtures/golden/seed-layer3-insecure.Dockerfile has it. */
const SEED_LAYER3 = [
	'FROM python:3.11-slim',
	'# Insecure — credentials baked into image layers',
	'ARG PYPI_TOKEN',
	'RUN pip install --extra-index-url https://user:${PYPI_TOKEN}@private.pypi.example.com/ mypackage',
	'',
].join('\n');

function syntaxErrors(text: string): number {
	return validate(text).filter((d) => d.severity === 1).length;
}

function shellErrors(text: string): number {
	const dockerfile = DockerfileParser.parse(text);
	const model = new FileModel(
		TextDocument.create('file:///D', 'dockerfile', 0, text),
		dockerfile,
		dockerfile.getEscapeCharacter(),
	);
	return dockerfile.getInstructions().filter((i) => i.getKeyword() === 'RUN' && model.runScript(i).hasError).length;
}

function corpusFiles(): string[] {
	const out: string[] = [];
	for (const dir of readdirSync(CORPUS)) {
		const path = join(CORPUS, dir);
		if (statSync(path).isDirectory()) {
			for (const file of readdirSync(path)) {
				out.push(join(path, file));
			}
		}
	}
	return out.sort();
}

describe('secret-mount fixes', () => {
	before(() => loadShellParser());

	it("fix-all with review fixes turns the seed's layer 3 example into a clean file that builds", () => {
		const fixed = fixAll(SEED_LAYER3, { safeties: ['safe', 'review'] });
		// DH301 moves the index URL the ARG built into a secret (as DH302 would) and drops the ARG; DH402 adds
		// --no-cache-dir; DH101 adds the non-root user. The seed's "putting it all together" does the same with a
		// secret-mounted pip.conf.
		assert.equal(
			fixed.output,
			[
				'# syntax=docker/dockerfile:1',
				'FROM python:3.11-slim',
				'RUN useradd --create-home --shell /bin/bash appuser',
				'# Insecure — credentials baked into image layers',
				'RUN --mount=type=secret,id=pip_extra_index_url,env=PIP_EXTRA_INDEX_URL pip install --no-cache-dir mypackage',
				'USER appuser',
				'',
			].join('\n'),
		);
		const left = fixed.remaining.filter(
			(d) => ['DH301', 'DH302', 'DH502'].includes(d.code) || (d.data.fix && d.data.fix.safety !== 'network'),
		);
		assert.deepEqual(
			left.map((d) => `${d.code} ${d.message}`),
			[],
		);
		assert.equal(syntaxErrors(fixed.output), 0);
		assert.equal(shellErrors(fixed.output), 0);
		assert.equal(
			fixAll(fixed.output, { safeties: ['safe', 'review'] }).output,
			fixed.output,
			'a second run changes nothing',
		);
	});

	it('DH302 then DH301 gives the file DH301 gives alone: the ARG the URL used is removed, nothing else mounted', () => {
		const afterUrl = fixAll(SEED_LAYER3, { rules: [DH302], safeties: ['review'] }).output;
		assert.equal(
			afterUrl,
			[
				'# syntax=docker/dockerfile:1',
				'FROM python:3.11-slim',
				'# Insecure — credentials baked into image layers',
				'ARG PYPI_TOKEN',
				'RUN --mount=type=secret,id=pip_extra_index_url,env=PIP_EXTRA_INDEX_URL pip install mypackage',
				'',
			].join('\n'),
		);
		const arg = lint(afterUrl, { rules: [DH301] }).diagnostics;
		assert.equal(arg.length, 1);
		assert.deepEqual(arg[0].data.fix?.details, {
			notes: [
				'No RUN names PYPI_TOKEN, and the pip commands after it take their credentials from secret mounts, so the fix only removes it: if a script needs it, add `--mount=type=secret,id=pypi_token,env=PYPI_TOKEN` to that RUN.',
				'Images built before this change still hold PYPI_TOKEN: rotate the credential if any of them was pushed.',
			],
		});
		const urlThenArg = fixAll(afterUrl, { rules: [DH301], safeties: ['review'] }).output;
		const argAlone = fixAll(SEED_LAYER3, { rules: [DH301], safeties: ['review'] }).output;
		const both = fixAll(SEED_LAYER3, { rules: [DH301, DH302], safeties: ['review'] }).output;
		assert.equal(urlThenArg, argAlone);
		assert.equal(both, argAlone);
		assert.ok(!argAlone.includes('PYPI_TOKEN') && !argAlone.includes('private.pypi.example.com'));
	});

	describe('over the corpus', { skip: existsSync(CORPUS) ? false : `no corpus at ${CORPUS}` }, () => {
		const files = existsSync(CORPUS) ? corpusFiles() : [];

		it('each fix alone removes its finding, adds no syntax or shell errors, and its details hold no credential', () => {
			const problems: string[] = [];
			let fixes = 0;
			for (const file of files) {
				const text = readFileSync(file, 'utf8');
				const errors: string[] = [];
				const result = lint(text, { rules: SECRET_RULES, logger: { error: (m) => errors.push(m) } });
				if (errors.length > 0 || result.failedRules.length > 0) {
					problems.push(`${file}: ${[...errors, ...result.failedRules].join('; ')}`);
					continue;
				}
				const before = { syntax: syntaxErrors(text), shell: shellErrors(text) };
				for (const d of result.diagnostics) {
					const fix = d.data.fix;
					if (!fix) {
						continue;
					}
					fixes++;
					const where = `${file}:${d.range.start.line + 1} ${d.code}`;
					const output = applyEdits(text, fix.edits);
					const rule = SECRET_RULES.find((r) => r.meta.id === d.code)!;
					const count = (t: string): number => lint(t, { rules: [rule] }).diagnostics.length;
					if (count(output) >= count(text)) {
						problems.push(`${where}: the fix leaves its finding`);
					}
					if (syntaxErrors(output) > before.syntax || shellErrors(output) > before.shell) {
						problems.push(`${where}: the fix adds syntax or shell errors`);
					}
					const details = JSON.stringify(fix.details ?? {});
					if (findLiteralSecrets(details).length > 0 || findUrlCredentials(details).length > 0) {
						problems.push(`${where}: the details hold a credential`);
					}
				}
			}
			assert.deepEqual(problems, []);
			assert.ok(fixes > 0, 'the corpus has secret-mount fixes to check');
		});

		it('all of them together (review fixes): never throw, idempotent, no new errors, no fixable finding left', () => {
			const problems: string[] = [];
			for (const file of files) {
				const text = readFileSync(file, 'utf8');
				const errors: string[] = [];
				const options = {
					rules: SECRET_RULES,
					safeties: ['safe', 'review'] as const,
					logger: { error: (m: string) => errors.push(m) },
				};
				const fixed = fixAll(text, options);
				if (errors.length > 0) {
					problems.push(`${file}: ${errors.join('; ')}`);
				}
				if (fixAll(fixed.output, options).output !== fixed.output) {
					problems.push(`${file}: not idempotent`);
				}
				if (fixed.remaining.some((d) => d.data.fix)) {
					problems.push(
						`${file}: fixable findings left: ${fixed.remaining
							.filter((d) => d.data.fix)
							.map((d) => d.code)
							.join(',')}`,
					);
				}
				if (syntaxErrors(fixed.output) > syntaxErrors(text) || shellErrors(fixed.output) > shellErrors(text)) {
					problems.push(`${file}: more syntax or shell errors after fixing`);
				}
			}
			assert.deepEqual(problems, []);
		});
	});
});
