/**
 * Runs the fuzz properties: a fixed-seed sample in `npm test` (engine.fuzz.test.ts) and long runs in
 * `npm run fuzz -- --runs N` (scripts/fuzz.mjs). A failure is shrunk by fast-check, then cut down line by line and
 * character by character while the same property still breaks, and reported as a string literal ready for
 * test/fuzz/regressions.test.ts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { dockerfileArbitrary, mutatedCorpusArbitrary, type FuzzCase } from './arbitraries';
import { checkInvariants, type Violation } from './invariants';

/** The corpus beside the checkout (`../shared/corpus`), or where DOCKERFILE_HARDEN_CORPUS points. */
export const CORPUS = process.env.DOCKERFILE_HARDEN_CORPUS ?? resolve(__dirname, '../../..', '../shared/corpus');

/** Repository root (this file runs from out/test/fuzz). */
const ROOT = resolve(__dirname, '../../..');

/** A seed file for the mutation fuzzer. */
export interface Seed {
	readonly name: string;
	readonly text: string;
}

/** The corpus files, or (without a corpus) the repository's own example and golden Dockerfiles. */
export function loadSeeds(): Seed[] {
	const seeds: Seed[] = [];
	if (existsSync(CORPUS)) {
		for (const dir of readdirSync(CORPUS).sort()) {
			const path = join(CORPUS, dir);
			if (statSync(path).isDirectory()) {
				for (const file of readdirSync(path).sort()) {
					seeds.push({ name: `${dir}/${file}`, text: readFileSync(join(path, file), 'utf8') });
				}
			}
		}
	}
	if (seeds.length === 0) {
		for (const dir of ['examples/insecure-python', 'examples/hardened-python']) {
			const file = join(ROOT, dir, 'Dockerfile');
			if (existsSync(file)) {
				seeds.push({ name: `${dir}/Dockerfile`, text: readFileSync(file, 'utf8') });
			}
		}
		const golden = join(ROOT, 'test/fixtures/golden');
		if (existsSync(golden)) {
			for (const file of readdirSync(golden)
				.filter((f) => f.endsWith('.Dockerfile'))
				.sort()) {
				seeds.push({ name: `golden/${file}`, text: readFileSync(join(golden, file), 'utf8') });
			}
		}
	}
	return seeds;
}

/** Which inputs to generate. */
export type FuzzKind = 'grammar' | 'mutation' | 'all';

/** The arbitrary for a kind. */
export function arbitraryFor(kind: FuzzKind, seeds: readonly Seed[]): fc.Arbitrary<FuzzCase> {
	if (kind === 'grammar' || seeds.length === 0) {
		return dockerfileArbitrary;
	}
	const mutated = mutatedCorpusArbitrary(seeds);
	return kind === 'mutation' ? mutated : fc.oneof(dockerfileArbitrary, mutated);
}

/** A property violated by some input, with the smallest input found. */
export interface FuzzFailure {
	readonly seed: number;
	readonly path: string | undefined;
	/** How the shrunk input was made. */
	readonly origin: string;
	/** The input after fast-check's shrinking. */
	readonly shrunk: string;
	/** The input after cutting lines and characters while the same property still breaks. */
	readonly minimal: string;
	readonly violations: readonly Violation[];
}

/** What {@link fuzz} returns. */
export interface FuzzResult {
	readonly runs: number;
	readonly failure: FuzzFailure | undefined;
}

/** Runs `runs` cases of `kind` from `seed`. Stops at the first failure, shrunk and minimised. */
export function fuzz(options: {
	readonly runs: number;
	readonly seed: number;
	readonly kind: FuzzKind;
	readonly seeds?: readonly Seed[];
	readonly timing?: boolean;
}): FuzzResult {
	const seeds = options.seeds ?? loadSeeds();
	const property = fc.property(arbitraryFor(options.kind, seeds), (input) => {
		const violations = checkInvariants(input.text, { timing: options.timing });
		return violations.length === 0;
	});
	const details = fc.check(property, { numRuns: options.runs, seed: options.seed, endOnFailure: false });
	if (!details.failed || !details.counterexample) {
		return { runs: details.numRuns, failure: undefined };
	}
	const [input] = details.counterexample;
	const violations = checkInvariants(input.text, { timing: options.timing });
	return {
		runs: details.numRuns,
		failure: {
			seed: options.seed,
			path: details.counterexamplePath ?? undefined,
			origin: input.origin,
			shrunk: input.text,
			minimal: violations.some((v) => v.property === 'too-slow')
				? input.text
				: minimise(input.text, violations, options.timing),
			violations,
		},
	};
}

/** Whether `text` still breaks one of the properties in `kinds`. */
function stillFails(text: string, kinds: ReadonlySet<string>, timing: boolean | undefined): boolean {
	return checkInvariants(text, { timing }).some((v) => kinds.has(v.property));
}

/**
 * Delta debugging over lines, then over characters (for short texts): removes chunks while the same properties
 * still break.
 */
export function minimise(text: string, violations: readonly Violation[], timing?: boolean): string {
	const kinds = new Set(violations.map((v) => v.property));
	if (kinds.size === 0) {
		return text;
	}
	const shrinkUnits = (units: string[], join: (u: string[]) => string): string[] => {
		let current = units;
		for (let chunk = Math.max(1, current.length >> 1); chunk >= 1; chunk = chunk >> 1) {
			let i = 0;
			while (i < current.length) {
				const candidate = [...current.slice(0, i), ...current.slice(i + chunk)];
				if (candidate.length < current.length && stillFails(join(candidate), kinds, timing)) {
					current = candidate;
				} else {
					i += chunk;
				}
			}
			if (chunk === 1) {
				break;
			}
		}
		return current;
	};
	// Split after each line ending, keeping the endings (a CR alone may be what breaks).
	const lines = shrinkUnits(text.match(/[^\r\n]*(?:\r\n|\r|\n|$)/g)?.filter((l) => l !== '') ?? [text], (u) =>
		u.join(''),
	);
	let result = lines.join('');
	if (result.length <= 2000) {
		result = shrinkUnits([...result], (u) => u.join('')).join('');
	}
	return result;
}

/** A failure as the report prints it. */
export function formatFailure(failure: FuzzFailure): string {
	return [
		`Property violated (seed ${failure.seed}${failure.path ? `, path ${failure.path}` : ''}):`,
		...failure.violations.map((v) => `  ${v.property}: ${v.detail.split('\n')[0]}`),
		`Shrunk input (${failure.origin.slice(0, 300)}):`,
		`  ${JSON.stringify(failure.shrunk).slice(0, 4000)}`,
		'Minimal reproduction (add it to test/fuzz/regressions.test.ts):',
		`  ${JSON.stringify(failure.minimal)}`,
	].join('\n');
}
