/**
 * Invariants over the real Dockerfiles of ../shared/corpus (skipped with a message when it is absent): no rule
 * throws, fix-all is idempotent, safe fixes change only the lines their findings point at, and the fixed file has
 * no more syntax errors (dockerfile-utils) or shell parse errors than the original.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { DockerfileParser } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { validate } from './harness/dockerfileUtils';
import { applyEdits, fixAll } from '../server/src/engine/fixer';
import { planHarden } from '../server/src/engine/harden';
import { lint } from '../server/src/engine/lint';
import { FileModel } from '../server/src/engine/model';
import { loadShellParser } from '../server/src/node/shellParser';

/** The corpus beside the checkout (`../shared/corpus`), or where DOCKERFILE_HARDEN_CORPUS points. */
const CORPUS = process.env.DOCKERFILE_HARDEN_CORPUS ?? resolve(__dirname, '../..', '../shared/corpus');

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

/** Lines of `a` missing from `b`, as a multiset difference. */
function removedLines(a: string, b: string): string[] {
	const counts = new Map<string, number>();
	for (const line of b.split(/\r?\n/)) {
		counts.set(line, (counts.get(line) ?? 0) + 1);
	}
	const removed: string[] = [];
	for (const line of a.split(/\r?\n/)) {
		const n = counts.get(line) ?? 0;
		if (n > 0) {
			counts.set(line, n - 1);
		} else {
			removed.push(line);
		}
	}
	return removed;
}

describe('corpus invariants', { skip: existsSync(CORPUS) ? false : `no corpus at ${CORPUS}` }, () => {
	before(() => loadShellParser());
	const files = existsSync(CORPUS) ? corpusFiles() : [];

	it('has the 212 files the manifest lists', () => {
		assert.equal(files.length, 212);
	});

	it('no rule throws on any file, and every finding is well formed', () => {
		const failures: string[] = [];
		for (const file of files) {
			const text = readFileSync(file, 'utf8');
			const result = lint(text, { logger: { error: (m) => failures.push(`${file}: ${m}`) } });
			if (result.failedRules.length > 0) {
				failures.push(`${file}: ${result.failedRules.join(',')}`);
			}
			const lines = text.split(/\r\n|\r|\n/).length;
			for (const d of result.diagnostics) {
				assert.match(d.code, /^DH\d{3}$/);
				assert.ok(d.range.start.line < lines && d.range.end.line < lines, `${file}: range outside the file`);
			}
		}
		assert.deepEqual(failures, []);
	});

	it('fix-all is idempotent, touches only the lines of its findings, and adds no syntax or shell errors', () => {
		const problems: string[] = [];
		for (const file of files) {
			const text = readFileSync(file, 'utf8');
			const fixed = fixAll(text, { safeties: ['safe'] });
			if (fixed.output === text) {
				continue;
			}
			const again = fixAll(fixed.output, { safeties: ['safe'] });
			if (again.output !== fixed.output) {
				problems.push(`${file}: not idempotent`);
			}
			// The lines a fix may rewrite: those its finding's edits start on.
			const fixable = new Set<string>();
			const lines = text.split(/\r\n|\r|\n/);
			for (const d of lint(text).diagnostics) {
				for (const e of d.data.fix?.edits ?? []) {
					for (let l = e.range.start.line; l <= e.range.end.line; l++) {
						fixable.add(lines[l]);
					}
				}
			}
			const unexpected = removedLines(text, fixed.output).filter((l) => !fixable.has(l));
			if (unexpected.length > 0) {
				problems.push(`${file}: changed lines without a fixable finding: ${JSON.stringify(unexpected)}`);
			}
			if (syntaxErrors(fixed.output) > syntaxErrors(text)) {
				problems.push(`${file}: more syntax errors after fixing`);
			}
			if (shellErrors(fixed.output) > shellErrors(text)) {
				problems.push(`${file}: more shell parse errors after fixing`);
			}
		}
		assert.deepEqual(problems, []);
	});

	it('Harden (safe and review fixes) never throws, is idempotent, composes, and leaves no finding a fix would remove', () => {
		const problems: string[] = [];
		for (const file of files) {
			const text = readFileSync(file, 'utf8');
			const errors: string[] = [];
			const plan = planHarden(text, { logger: { error: (m) => errors.push(m) } });
			if (errors.length > 0) {
				problems.push(`${file}: ${errors.join('; ')}`);
			}
			if (applyEdits(text, plan.edits) !== plan.output) {
				problems.push(`${file}: the composed edits do not give the plan's output`);
			}
			const again = planHarden(plan.output, {});
			if (again.output !== plan.output) {
				problems.push(`${file}: a second Harden changes the file`);
			}
			const fixable = plan.remaining.filter((d) => d.data.fix && d.data.fix.safety !== 'network');
			if (fixable.length > 0) {
				problems.push(`${file}: fixable findings left: ${fixable.map((d) => d.code).join(',')}`);
			}
			if (syntaxErrors(plan.output) > syntaxErrors(text)) {
				problems.push(`${file}: more syntax errors after Harden`);
			}
			if (shellErrors(plan.output) > shellErrors(text)) {
				problems.push(`${file}: more shell parse errors after Harden`);
			}
		}
		assert.deepEqual(problems, []);
	});
});
