/**
 * A rule tester with ESLint's RuleTester semantics on node:test: `valid` cases produce nothing; `invalid` cases
 * produce exactly the expected diagnostics (message and 1-based range) and, after every fix of the rule, exactly
 * `output` (`null` = the rule offers no fix here).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { memoryContext } from '../../server/src/engine/context';
import { fixAll } from '../../server/src/engine/fixer';
import { formatMessage, lint, type HardenDiagnostic } from '../../server/src/engine/lint';
import { loadShellParser } from '../../server/src/node/shellParser';
import { DEFAULT_SETTINGS, type FixDetails, type Settings } from '../../server/src/protocol';
import type { Rule } from '../../server/src/rules/types';

/** A case with its environment. */
export interface CaseBase {
	/** Defaults to the code. */
	readonly name?: string;
	readonly code: string;
	/** Settings overrides. */
	readonly settings?: Partial<Settings>;
	/** Files of the build context (relative path → content). Without it, the case has no build context. */
	readonly files?: Readonly<Record<string, string>>;
	/** The Dockerfile's name in the build context (for `<name>.dockerignore`). */
	readonly dockerfileName?: string;
}

/** A case that must produce no diagnostic. */
export type ValidCase = string | CaseBase;

/** An expected diagnostic; positions are 1-based as editors show them. */
export interface ExpectedError {
	readonly messageId: string;
	readonly data?: Readonly<Record<string, string | number>>;
	readonly line: number;
	readonly column: number;
	readonly endLine: number;
	readonly endColumn: number;
}

/** A case that must produce exactly `errors`, and `output` after fixing. */
export interface InvalidCase extends CaseBase {
	readonly errors: readonly ExpectedError[];
	/** The text after applying every fix of the rule; `null` when no diagnostic has a fix. */
	readonly output: string | null;
	/** The `details` (secrets, files, notes) of the diagnostics' fixes, in order; checked when given. */
	readonly details?: readonly (FixDetails | undefined)[];
}

function settingsOf(c: CaseBase): Settings {
	return { ...DEFAULT_SETTINGS, ...c.settings };
}

function run(rule: Rule, c: CaseBase): HardenDiagnostic[] {
	const result = lint(c.code, {
		rules: [rule],
		settings: settingsOf(c),
		buildContext: c.files ? memoryContext(c.files, c.dockerfileName) : undefined,
		logger: {
			error: (message) => {
				throw new Error(message);
			},
		},
	});
	assert.deepEqual(result.failedRules, [], `rule ${rule.meta.id} threw`);
	return result.diagnostics;
}

function show(d: HardenDiagnostic): string {
	const r = d.range;
	return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1} ${d.message}`;
}

/** Runs the cases of one rule. */
export class RuleTester {
	run(rule: Rule, cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }): void {
		const seen = new Set<string>();
		const key = (c: CaseBase): string => JSON.stringify([c.code, c.settings ?? null, c.files ?? null]);
		describe(`${rule.meta.id} ${rule.meta.name}`, () => {
			before(() => loadShellParser());
			for (const v of cases.valid) {
				const c: CaseBase = typeof v === 'string' ? { code: v } : v;
				it(`valid: ${c.name ?? c.code}`, () => {
					assert.ok(!seen.has(key(c)), 'duplicate test case');
					seen.add(key(c));
					const diagnostics = run(rule, c);
					assert.deepEqual(diagnostics.map(show), [], 'expected no diagnostics');
				});
			}
			for (const c of cases.invalid) {
				it(`invalid: ${c.name ?? c.code}`, () => {
					assert.ok(!seen.has(key(c)), 'duplicate test case');
					seen.add(key(c));
					assert.ok(c.errors.length > 0, 'an invalid case needs at least one error');
					const diagnostics = run(rule, c);
					const expected = c.errors.map((e) => {
						const template = rule.meta.messages[e.messageId as keyof typeof rule.meta.messages];
						assert.ok(template !== undefined, `unknown messageId ${e.messageId}`);
						const message = formatMessage(template, e.data);
						assert.ok(!/\{\{\s*\w+\s*\}\}/.test(message), `messageId ${e.messageId} needs data for: ${message}`);
						return `${e.line}:${e.column}-${e.endLine}:${e.endColumn} ${message}`;
					});
					assert.deepEqual(diagnostics.map(show), expected);
					for (const d of diagnostics) {
						assert.equal(d.code, rule.meta.id);
						if (d.data.fix) {
							assert.ok(rule.meta.fix, 'a fix from a rule whose meta has no fix');
							assert.equal(d.data.fix.safety, rule.meta.fix.safety);
						}
					}
					// A fix that only writes files beside the Dockerfile is checked through `details`.
					const fixable = diagnostics.some((d) => d.data.fix && d.data.fix.edits.length > 0);
					if (c.details !== undefined) {
						assert.deepEqual(
							diagnostics.map((d) => d.data.fix?.details),
							c.details,
						);
					}
					if (c.output === null) {
						assert.ok(!fixable, 'the rule offers a fix: give the expected `output`');
						return;
					}
					assert.ok(fixable, 'output given but no diagnostic has a fix');
					assert.notEqual(c.output, c.code, 'output equals code: use output: null');
					const options = {
						rules: [rule],
						settings: settingsOf(c),
						buildContext: c.files ? memoryContext(c.files, c.dockerfileName) : undefined,
						safeties: ['safe', 'review'] as const,
					};
					const fixed = fixAll(c.code, options);
					assert.equal(fixed.output, c.output);
					// Fixing again changes nothing.
					assert.equal(fixAll(fixed.output, options).output, fixed.output, 'fix is not idempotent');
				});
			}
		});
	}
}
