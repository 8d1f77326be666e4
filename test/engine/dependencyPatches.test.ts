/**
 * The dependency patches (scripts/dependency-patches.cjs) change how long dockerfile-ast and dockerfile-utils take,
 * never what they answer: the patched modules this process runs (test/run.mjs registers the patches) are compared
 * with the upstream ones, loaded unpatched in a child process, on the same inputs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { Instruction } from 'dockerfile-ast';
import fc from 'fast-check';
// The harness registers the patches (and fails if they came too late) before the probe requires the modules.
import '../harness/dockerfileUtils';
import { loadSeeds } from '../fuzz/runner';

const ROOT = resolve(__dirname, '../../..');

/** What both sides compute for one text: every instruction's variables, and (if asked) the syntax diagnostics. */
const PROBE = `
const { DockerfileParser } = require('dockerfile-ast');
const { validate } = require('dockerfile-utils');
function probe(text, withSyntax) {
	const variables = DockerfileParser.parse(text).getInstructions().map((i) => i.getVariables());
	return JSON.stringify({ variables, syntax: withSyntax ? validate(text) : [] });
}
`;

/** The probe over `inputs` in a Node process without the patches (no --require, no NODE_OPTIONS). */
function upstream(inputs: readonly { text: string; withSyntax: boolean }[]): string[] {
	const script = `${PROBE}
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
	process.stdout.write(JSON.stringify(JSON.parse(input).map((i) => probe(i.text, i.withSyntax))));
});`;
	const child = spawnSync(process.execPath, ['-e', script], {
		cwd: ROOT,
		input: JSON.stringify(inputs),
		env: { ...process.env, NODE_OPTIONS: '' },
		maxBuffer: 1 << 30,
		encoding: 'utf8',
	});
	assert.equal(child.status, 0, child.stderr);
	return JSON.parse(child.stdout) as string[];
}

/** The same probe in this process, on the patched modules. */
const patched = new Function('require', `${PROBE}\nreturn probe;`)(require) as (
	text: string,
	withSyntax: boolean,
) => string;

/** Variables whose escape characters the patched loop reads: line continuations, spaces, CRs, the `escape` directive. */
const HANDWRITTEN = [
	'FROM alpine:${TAG\\\n}\n',
	'FROM alpine:${TAG\\  \n:-3}\nLABEL a=${A\\\r\n:-b\\\n}c\n',
	'ARG A\nLABEL x=$A\\\ny=$A\\ z\\\n$A\n',
	'ENV a=${A\\b}c\\\nd $B\\\n',
	'# escape=`\nFROM alpine\nENV X=${A`\nB} Y=$C`\n',
	'LABEL x=${A\\ b\\ c} y=$D\\',
	`ARG VARIANT=3.23\r\nFROM alpine:\${${'\\'.repeat(300)}`,
	`FROM alpine\nARG PASSWORD\nLABEL x=\${PASSWORD${'\\ '.repeat(100)}\\\n}\n`,
];

/** Random variable text over the characters the loop looks at, after instructions that read variables. */
function generated(count: number): string[] {
	const piece = fc.constantFrom('$', '${', '}', '\\', '\\\n', '\n', ' ', '\t', '\r', 'A', 'b_1', ':', ':-', '+', '`');
	const body = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
	const keyword = fc.constantFrom('FROM alpine:', 'LABEL x=', 'ENV X=', 'ARG A=', 'WORKDIR /', 'COPY a ', 'EXPOSE ');
	const text = fc
		.tuple(fc.boolean(), keyword, body, keyword, body)
		.map(([escape, k1, b1, k2, b2]) => `${escape ? '# escape=`\n' : ''}ARG A\n${k1}${b1}\n${k2}${b2}\n`);
	return fc.sample(text, { numRuns: count, seed: 4242 });
}

void describe('dependency patches', () => {
	it('read every variable as upstream dockerfile-ast does, and dockerfile-utils reports the same syntax errors', () => {
		const seeds = loadSeeds().map((s) => s.text);
		// The syntax check of generated text stays out: unpatched, a stray stage name can take minutes.
		const inputs = [
			...seeds.map((text) => ({ text, withSyntax: true })),
			...HANDWRITTEN.map((text) => ({ text, withSyntax: true })),
			...generated(3000).map((text) => ({ text, withSyntax: false })),
		];
		const expected = upstream(inputs);
		let variables = 0;
		inputs.forEach(({ text, withSyntax }, i) => {
			const actual = patched(text, withSyntax);
			assert.equal(actual, expected[i], `input ${i}: ${JSON.stringify(text.slice(0, 200))}`);
			variables += (JSON.parse(actual) as { variables: unknown[][] }).variables.flat().length;
		});
		// The comparison saw variables, escapes in them included (not only texts without any).
		// Without the corpus the generated texts alone give about 800.
		assert.ok(variables > 500, `${variables} variables compared`);
	});

	it('this process runs the patched dockerfile-ast, as the bundles do', () => {
		// test/run.mjs registers the patches before any test file loads a dependency.
		const parseVariables = (Instruction.prototype as unknown as Record<string, () => unknown>).parseVariables;
		const source = parseVariables.toString();
		assert.match(source, /dockerfileHardenNextLineBreak\(arg, j \+ 1\)/);
		assert.doesNotMatch(source, /for \(let k = j \+ 1; k < arg\.length; k\+\+\)/);
	});
});
