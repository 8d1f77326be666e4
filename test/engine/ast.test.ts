/**
 * ast.ts memoises dockerfile-ast's argument lists (memoiseRawArguments): the lists must be exactly the ones
 * dockerfile-ast reads without the memo, and callers that shift flags off their copy must not change anyone else's.
 * It also keeps the last parse (memoiseLastParse), shared by our rules and dockerfile-utils' syntax check: sharing it
 * must change neither's answer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DockerfileParser, Instruction, Onbuild, type Argument, type Dockerfile } from 'dockerfile-ast';
import { validate } from '../harness/dockerfileUtils';
import { forgetLastParse, parseDockerfile } from '../../server/src/engine/ast';
import { lint } from '../../server/src/engine/lint';
import { loadSeeds } from '../fuzz/runner';

type Raw = { getRawArguments(): Argument[] };
const memoised = (Instruction.prototype as unknown as Raw).getRawArguments as Raw['getRawArguments'] & {
	memoised?: boolean;
	unmemoised?: Raw['getRawArguments'];
};

function shape(args: readonly Argument[]): string[] {
	return args.map((a) => `${a.getValue()}@${JSON.stringify(a.getRange())}`);
}

/** Every instruction of a text, with ONBUILD triggers. */
function instructions(text: string): Instruction[] {
	const out: Instruction[] = [];
	for (const instruction of parseDockerfile(text).getInstructions()) {
		out.push(instruction);
		if (instruction instanceof Onbuild) {
			const trigger = instruction.getTriggerInstruction();
			if (trigger) {
				out.push(trigger);
			}
		}
	}
	return out;
}

const TRICKY = [
	'FROM --platform=$BUILDPLATFORM python:3.12 AS build\nRUN --mount=type=cache,target=/root/.cache \\\n  --network=none pip install -r r.txt\n',
	'# escape=`\nFROM mcr.microsoft.com/windows\nRUN echo `\n  a b `\n  c\n',
	'FROM a\nCOPY --from=build --chown=1:1 ["a b", "/c"]\nCMD ["x", "y"]\nONBUILD RUN --mount=type=secret,id=t echo $T\n',
	'FROM a\r\nRUN a \\\r\n  # comment\r\n  b\r\nENV A=1 \\\r\n B="2 3"\r\n',
	'FROM a\nRUN <<EOF bash\nset -e\necho hi\nEOF\nHEALTHCHECK --interval=5s CMD curl -f http://x/ || exit 1\n',
];

void describe('memoised argument lists', () => {
	it('is installed', () => {
		assert.equal(memoised.memoised, true);
		assert.equal(typeof memoised.unmemoised, 'function');
	});

	it('gives the same arguments and ranges as dockerfile-ast without the memo, on the corpus and tricky files', () => {
		const texts = [...TRICKY, ...loadSeeds().map((s) => s.text)];
		let checked = 0;
		for (const text of texts) {
			for (const instruction of instructions(text)) {
				const expected = shape(memoised.unmemoised!.call(instruction));
				assert.deepEqual(shape((instruction as unknown as Raw).getRawArguments()), expected);
				checked++;
			}
		}
		// Without the corpus the examples and golden files alone give about 70; with it, thousands.
		assert.ok(checked > 50, `only ${checked} instructions checked`);
	});

	it('hands every caller its own copy: shifting flags off one list changes no later answer', () => {
		const [, run] = instructions(TRICKY[0]);
		const first = shape(run.getArguments());
		assert.deepEqual(
			first.slice(0, 2).map((a) => a.split('@')[0]),
			['pip', 'install'],
		);
		run.getArguments().splice(0);
		(run as unknown as Raw).getRawArguments().shift();
		assert.deepEqual(shape(run.getArguments()), first);
		assert.equal((run as unknown as Raw).getRawArguments().length, first.length + 2);
	});
});

void describe('the last parse, shared', () => {
	const parser = DockerfileParser as unknown as { unmemoised?: (content: string) => Dockerfile };

	it('gives the same Dockerfile for the same text, a new one for a new text or after forgetLastParse', () => {
		const text = TRICKY[0];
		const first = DockerfileParser.parse(text);
		assert.equal(DockerfileParser.parse(`${text}`), first);
		const other = DockerfileParser.parse(TRICKY[1]);
		assert.notEqual(other, first);
		assert.notEqual(DockerfileParser.parse(text), first);
		const again = DockerfileParser.parse(text);
		forgetLastParse();
		assert.notEqual(DockerfileParser.parse(text), again);
		assert.equal(typeof parser.unmemoised, 'function');
	});

	it("our findings and dockerfile-utils' syntax errors are the same whether they share the parse or not", () => {
		const texts = [...TRICKY, 'FROM\nRUN\nCOPY --from= a\nEXPOSE x\n', ...loadSeeds().map((s) => s.text)];
		let withErrors = 0;
		for (const text of texts) {
			forgetLastParse();
			const ours = lint(text).diagnostics;
			forgetLastParse();
			const own = validate(text);
			// Now both reuse the parse dockerfile-utils made, and each has read it once before the other.
			assert.deepEqual(lint(text).diagnostics, ours);
			assert.deepEqual(validate(text), own);
			if (own.length > 0) {
				withErrors++;
			}
		}
		assert.ok(withErrors > 0, 'no text with syntax problems: the comparison would prove little');
	});
});
