/**
 * A fixed-seed sample of the fuzzers (the long runs are `npm run fuzz -- --runs N`): generated Dockerfiles and
 * mutated corpus files never make the engine throw, fail a rule, run past its time bound, lose text in a fix, add
 * syntax errors, or give a fix-all that is not idempotent. A failure prints a minimal reproduction for
 * regressions.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadShellParser } from '../../server/src/node/shellParser';
import { formatFailure, fuzz, loadSeeds } from './runner';

/** Cases per kind: about ten seconds in all on the benchmark machine. */
const RUNS = 250;
const SEED = 20_260_701;

void describe('fuzzing (fixed seed)', () => {
	before(() => loadShellParser());

	it('generated Dockerfiles keep every invariant', { timeout: 120_000 }, () => {
		const result = fuzz({ runs: RUNS, seed: SEED, kind: 'grammar' });
		if (result.failure) {
			assert.fail(formatFailure(result.failure));
		}
		assert.equal(result.runs, RUNS);
	});

	it('mutated corpus files keep every invariant', { timeout: 120_000 }, () => {
		const seeds = loadSeeds();
		assert.ok(seeds.length > 0, 'no seed files (neither the corpus nor the examples)');
		const result = fuzz({ runs: RUNS, seed: SEED + 1, kind: 'mutation', seeds });
		if (result.failure) {
			assert.fail(formatFailure(result.failure));
		}
		assert.equal(result.runs, RUNS);
	});
});
