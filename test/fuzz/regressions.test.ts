/**
 * Inputs the fuzzers found (test/fuzz/*.ts, `npm run fuzz`), each reduced to a small reproduction, kept so the bug
 * stays fixed. Every case must keep all invariants of invariants.ts; some also check the finding that proves the
 * engine read the whole input.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseableText } from '../../server/src/engine/ast';
import { applyEdits, fixAll } from '../../server/src/engine/fixer';
import { lint } from '../../server/src/engine/lint';
import { clearShellCache, parseShell } from '../../server/src/engine/shell';
import { expandVariables, MAX_EXPANSION_DEPTH } from '../../server/src/engine/variables';
import { loadShellParser } from '../../server/src/node/shellParser';
import { checkInvariants, syntaxErrors } from './invariants';

function assertInvariants(text: string): void {
	assert.deepEqual(checkInvariants(text), []);
}

void describe('fuzz regressions', () => {
	before(() => loadShellParser());

	it('a RUN of 8,000 `&&`-joined commands: no stack overflow, and linear time', () => {
		// tree-sitter nests `a && b && c` one level per command: the recursive command walk overflowed the stack
		// (every RUN rule failed), and asking each command node for its parent made the walk quadratic (8 s).
		const script = `true${' && true'.repeat(8000)} && pip install flask`;
		clearShellCache();
		assert.equal(parseShell(script).commands.length, 8002);
		const result = lint(`FROM python:3.12\nRUN ${script}\n`);
		assert.deepEqual(result.failedRules, []);
		assert.ok(
			result.diagnostics.some((d) => d.code === 'DH402'),
			'the last command is still analysed',
		);
		assertInvariants(`FROM python:3.12\nRUN true${' && true'.repeat(1000)} && pip install flask\n`);
	});

	it('3,000 nested command substitutions and 3,000 nested quotes', () => {
		assertInvariants(`FROM alpine\nRUN echo ${'$('.repeat(3000)}pip install x${')'.repeat(3000)}\n`);
		assertInvariants(`FROM alpine\nRUN echo ${'"$('.repeat(3000)}x${')"'.repeat(3000)}\n`);
		clearShellCache();
		const nested = parseShell(`echo ${'$('.repeat(3000)}pip install x${')'.repeat(3000)}`).commands;
		// echo, then one command per level whose name is the next substitution, then the innermost pip install.
		assert.equal(nested.length, 3001);
		assert.deepEqual(
			nested.at(-1)?.words.map((w) => w.value),
			['pip', 'install', 'x'],
		);
	});

	it('3,000 nested ${A:-${…}} defaults in FROM and ENV: no stack overflow', () => {
		// The variable expansion recursed once per level before any rule ran, so lint itself threw.
		assertInvariants(`FROM \${${'A:-${'.repeat(3000)}x${'}'.repeat(3001)}\n`);
		assertInvariants(`FROM x\nENV A=\${${'A:-${'.repeat(3000)}x${'}'.repeat(3001)}\nRUN echo $A\n`);
		const deep = expandVariables(
			`\${${'A:-${'.repeat(MAX_EXPANSION_DEPTH + 5)}x${'}'.repeat(MAX_EXPANSION_DEPTH + 6)}`,
			() => undefined,
		);
		assert.equal(deep.unresolved, true);
		const shallow = expandVariables('${A:-${B:-${C:-python}}}:3.12', () => undefined);
		assert.deepEqual(shallow, { value: 'python:3.12', unresolved: false, names: ['A', 'B', 'C'] });
	});

	it('a continuation line ending in a lone CR with `<<` in a comment: no rule fails', () => {
		// dockerfile-ast's getHeredocs threw here (it counts a here-document it never recorded), and every rule that
		// reads here-documents failed.
		assertInvariants('RUN \\\r#a<<\n');
		assertInvariants('FROM python:3.12\nRUN \\\r#a<<\nRUN pip install x\n');
		assert.deepEqual(lint('FROM python:3.12\nRUN \\\r#a<<\n').failedRules, []);
	});

	it('a stage that ends in an unclosed here-document: fix-all does not add USER to it forever', () => {
		// DH101's fix inserted `USER appuser` after the last instruction, which put it inside the open here-document:
		// DH101 stayed, and every pass of fix-all added another USER.
		assertInvariants('FROM rust:u\nRUN <<E');
		assertInvariants('From python:m\nrun <<F');
		assertInvariants('FROM python:m\nONBUILD RUN <<E');
		const fixed = fixAll('FROM rust:1.80\nRUN <<E\n', { safeties: ['safe', 'review'] });
		assert.doesNotMatch(fixed.output, /USER/);
		// A closed one still gets its USER.
		assert.match(
			fixAll('FROM rust:1.80\nRUN <<E\nx\nE\n', { safeties: ['safe', 'review'] }).output,
			/\nUSER appuser\n$/,
		);
	});

	it('removing the last ENV pairs ends the instruction on its last line with content, not on an empty continuation', () => {
		// Found by `npm run fuzz -- --runs 1000000 --seed 9000000` (chunk 9000037): DH205 left `    \\` where its pair
		// was, then DH301's removal of PASSWORD stopped at that line, so `ENV X=1 \\` ran into DH101's USER.
		const text = 'FROM python:3.12-slim\nENV X=1 \\\n    NODE_TLS_REJECT_UNAUTHORIZED=0 \\\n    PASSWORD\n';
		assertInvariants(text);
		assert.equal(
			applyEdits(
				'FROM python:3.12\nENV X=1 \\\n    \\\n\n    PASSWORD\nUSER app\n',
				lint('FROM python:3.12\nENV X=1 \\\n    \\\n\n    PASSWORD\nUSER app\n').diagnostics.find(
					(d) => d.code === 'DH301',
				)!.data.fix!.edits,
			),
			'FROM python:3.12\nENV X=1\nUSER app\n',
		);
		const dh205 = lint(text).diagnostics.find((d) => d.code === 'DH205')!;
		assert.equal(
			applyEdits(text, dh205.data.fix!.edits),
			'FROM python:3.12-slim\nENV X=1 \\\n    PASSWORD\n',
			'DH205 takes its line whole',
		);
	});

	it('removing the last pair of a line does not leave the line ending in an escape character', () => {
		// Found by `npm run fuzz -- --runs 1000000 --seed 9000000` (chunk 9000157): in `ENV D= \ PASSWORD` the removal
		// of PASSWORD took the blank the backslash escaped and left `ENV D= \`, a continuation into the next line.
		const fixed = (text: string): string | undefined => {
			const edits = lint(text).diagnostics.find((d) => d.code === 'DH301')?.data.fix?.edits;
			return edits && applyEdits(text, edits);
		};
		assertInvariants('FROM \nENV D= \\ PASSWORD\nEXPOSE 5');
		assert.equal(fixed('FROM a\nENV D=a \\ PASSWORD=1  \nEXPOSE 5\n'), 'FROM a\nENV D=a\nEXPOSE 5\n');
		// Two backslashes are one literal one: it would have to stay at the end of the line, so no fix is offered.
		const literal = 'FROM a\nENV D=a\\\\ PASSWORD=1\nEXPOSE 5\n';
		assertInvariants(literal);
		assert.ok(lint(literal).diagnostics.some((d) => d.code === 'DH301'));
		assert.equal(fixed(literal), undefined);
		// An escape that escapes a blank of the word before (or is an argument of one blank) stays, so no fix either.
		for (const text of [
			'FROM a\nENV D=x\\  PYTHONHTTPSVERIFY=0\nEXPOSE 5\n',
			'FROM a\nRUN curl https://x\\  -k\nEXPOSE 5\n',
			'FROM a\nRUN curl https://x \\  -k\nEXPOSE 5\n',
		]) {
			const dh205 = lint(text).diagnostics.find((d) => d.code === 'DH205');
			assert.ok(dh205, text);
			assert.equal(dh205.data.fix, undefined, text);
			assertInvariants(text);
		}
		// With the backtick as escape character a backslash is an ordinary character and may end the line.
		assert.equal(
			fixed('# escape=`\nFROM a\nENV D=a\\ PASSWORD=1\nEXPOSE 5\n'),
			'# escape=`\nFROM a\nENV D=a\\\nEXPOSE 5\n',
		);
	});

	it('a property that starts with the escape character: dockerfile-utils says "no arguments", Docker reads one', () => {
		// Found by `npm run fuzz -- --runs 1000000 --seed 9000000` (chunk 9000157): DH301 takes PASSWORD=1 out of
		// `ENV PASSWORD=1 \x=2` and leaves `ENV \x=2`, which Docker reads as x=2; dockerfile-utils reports "Instruction
		// has no arguments" because dockerfile-ast's getPropertyArguments() skips an argument that starts with the
		// escape character (its getArguments() reads it). The oracle no longer counts that report as a syntax error.
		const text = 'FROM python:3.12\nENV PASSWORD=1 \\x=2\n';
		const dh301 = lint(text).diagnostics.find((d) => d.code === 'DH301')!;
		assert.equal(applyEdits(text, dh301.data.fix!.edits), 'FROM python:3.12\nENV \\x=2\n');
		assertInvariants(text);
		assertInvariants('FROM 0\nENV PASSWORD=1 \\=');
		// Only that report is set aside: an ENV without arguments is still an error.
		assert.equal(syntaxErrors('FROM python:3.12\nENV \\x=2\n').count, 0);
		assert.deepEqual([...syntaxErrors('FROM python:3.12\nENV\n').messages], ['Instruction has no arguments']);
	});

	it('an escaped blank between ENV pairs: no phantom property over the keyword', () => {
		// Found by `npm run fuzz -- --runs 1000000 --seed 9000000` (chunk 9000157): for `ENV D=x \  D=` dockerfile-ast
		// also reads a property named " " that starts on the blank after ENV and overlaps the first pair; DH301 flagged
		// it and its removal took that blank (`ENVD=`). propertiesOf() drops properties that overlap the keyword or the
		// property before them.
		const text = 'FROM python:3.12\nENV D=s://:s@y \\  D=\n';
		assertInvariants(text);
		// One finding, for D (before: a second one for "ENV   holds a URL with credentials", over the phantom).
		const dh301 = lint(text).diagnostics.filter((d) => d.code === 'DH301');
		assert.deepEqual(
			dh301.map((d) => [String(d.message).split(' holds')[0], d.range.start.character]),
			[['ENV D', 'ENV D='.length]],
		);
	});

	it('the stage split leaves a FROM it cannot read alone', () => {
		// Found by `npm run fuzz -- --runs 1000000 --seed 9000000` (chunk 9000006): DH501 appended `AS builder` to a FROM
		// with four arguments and copied its `python:m@}` into a second, equally broken runtime FROM.
		const text = 'FROM python:m@} } a p\nRUN apt install build-essential &rm -\nRUN pip install -rr';
		assertInvariants(text);
		const split = lint(text).diagnostics.find((d) => d.code === 'DH501');
		assert.ok(split && !split.data.fix, 'DH501 is reported without the split');
		assert.ok(
			lint('FROM python:3.12\nRUN apt-get install -y gcc\nRUN pip install -r r.txt\n').diagnostics.find(
				(d) => d.code === 'DH501',
			)?.data.fix,
			'a readable FROM still gets it',
		);
	});

	it('a FROM continued into a LABEL: the syntax check of the stage name finishes in time', () => {
		// Found by `npm run fuzz -- --runs 5000 --seed 8000001` (case 3,029, 108 s): the continuation makes the LABEL's
		// key=value the FROM's stage name, and dockerfile-utils' stage-name regex backtracked exponentially on it. The
		// bundle and the tests carry a patch (scripts/dependency-patches.cjs); without it this takes 100 s and fails here
		// as too-slow.
		assertInvariants(
			'FROM certbot-compatibility-test \\\nLABEL org.opencontainers.image.authors="certbot-dev@eff.org"\n',
		);
	});

	it('thousands of escape characters in a variable: linear, in the syntax check and in DH301', () => {
		// Found by `npm run fuzz -- --runs 1000000 --seed 9000000` (chunk 9000119, a CRLF file cut inside `${` and
		// padded with backslashes): dockerfile-ast's parseVariables scanned to the end of the argument after every
		// escape character, quadratic (2 s for 16,000; 40,000 take 12 s, three times the bound). dockerfile-utils'
		// validation and DH301's check of what reads a secret variable both call it; the patch of
		// scripts/dependency-patches.cjs makes it linear.
		assertInvariants(`ARG VARIANT=3.23\r\nFROM alpine:\${${'\\'.repeat(40_000)}`);
		const secret = `FROM alpine\nARG PASSWORD\nLABEL x=\${PASSWORD${'\\'.repeat(40_000)}\n`;
		assertInvariants(secret);
		assert.ok(lint(secret).diagnostics.some((d) => d.code === 'DH301'));
	});

	it('a here-document dockerfile-ast opens but cannot report (a lone CR in a continuation): no USER added forever', () => {
		// Found by `npm run fuzz -- --runs 1000000 --seed 8000000` (chunk 8000021): `RUN \\<CR>#s<LF><<-` opens a
		// here-document that swallows the rest of the file, but getHeredocs() throws on it, so endsInOpenHeredoc could not
		// see it; DH101 appended USER into the body on every pass of fix-all.
		assertInvariants('FROM alpine:1\nRUN \\\r#s\n<<-');
		const fixed = fixAll('FROM alpine:1\nRUN \\\r#s\n<<-', { safeties: ['safe', 'review'] });
		assert.doesNotMatch(fixed.output, /USER/);
		const diagnostic = lint('FROM alpine:1\nRUN \\\r#s\n<<-').diagnostics.find((d) => d.code === 'DH101');
		assert.ok(diagnostic && !diagnostic.data.fix, 'DH101 is reported without a fix');
	});

	it('a FROM whose continuation runs into a comment line at the end of the file gets no USER after it', () => {
		// Docker skips comment lines inside a continuation: DH101's fix added `RUN useradd …` after the `#` line, which
		// made it part of the FROM ("FROM requires either one or three arguments").
		assertInvariants('ARG VARIANT="e"\nFROM buildpack-deps:${VARIANT}\\\n#');
		assertInvariants('FROM debian:12 \\\n  # a note\n\n');
		const diagnostics = lint('FROM debian:12 \\\n# a note\n').diagnostics;
		assert.ok(diagnostics.some((d) => d.code === 'DH101' && !d.data.fix));
	});

	it('lone CRs: the fixes keep every property but syntax, which Docker and dockerfile-utils read differently', () => {
		// DH502 puts `# syntax=` above `#escape=`: with lone CRs dockerfile-ast then drops the escape directive (it
		// reads one directive only), while Docker reads the whole file as one line. Not a syntax change to compare.
		assertInvariants('#escape=`\rFROM python:m\rRUN << \rEXPOSE \\');
		assertInvariants('#escape=`\nFROM python:m\nRUN << \nEXPOSE \\');
	});

	it('fixes of lines that were already broken: the same error again, or worded anew, is not a new one', () => {
		// DH501 splits into builder and runtime stages, so the FROM (here with a malformed digest) appears twice.
		assertInvariants('FROM python:m@p\nRUN apt-get u&apt-get install build-essential \nRUN pip install -rr');
		// DH301 takes PASSWORD out of `ENV PASSWORD=1 A`: `ENV A` is as broken as before, in other words.
		assertInvariants('FROM \nENV PASSWORD=1 A');
	});

	it('removing the last word of a continued instruction removes the continuation too', () => {
		// DH205 removed `PYTHONHTTPSVERIFY=0` from the last line of a continued ENV and left `ENV … \` before an
		// empty line, so the ENV went on into the next instruction.
		assertInvariants('From \nENV = \\\nPYTHONHTTPSVERIFY=0\n{\t\ude00');
		const text = 'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1 \\\n    PYTHONHTTPSVERIFY=0\nRUN pip install x\n';
		const fix = lint(text).diagnostics.find((d) => d.code === 'DH205')?.data.fix;
		assert.ok(fix);
		assert.equal(applyEdits(text, fix.edits), 'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n');
		assertInvariants(text);
	});

	it('a file that is one long comment line without a line break: linear, not quadratic', () => {
		// dockerfile-ast reads parser directives in quadratic time there (78 KiB of `# # #…` took 6 s; the fuzzer's
		// 37 KiB case 4.7 s): the engine appends the line break the parser needs, which changes no position.
		const text = '# '.repeat(40_000);
		assertInvariants(text);
		const start = performance.now();
		lint(text);
		lint(`\uFEFF\t#${'#'.repeat(80_000)}`);
		assert.ok(performance.now() - start < 2000, 'two 80 KiB one-line comments in under 2 s');
		assert.equal(parseableText('# a'), '# a\n');
		assert.equal(parseableText('FROM a'), 'FROM a');
		assert.equal(parseableText('# a\nFROM b'), '# a\nFROM b');
	});

	it('thousands of unmatched `)`: the shell parse gives up within its budget instead of hanging', () => {
		// tree-sitter's error recovery is quadratic here: 8,000 took 16 s before the parse budget.
		const text = `FROM alpine\nRUN echo ${'))'.repeat(16000)}\n`;
		assertInvariants(text);
		clearShellCache();
		const start = performance.now();
		const parsed = parseShell(`echo ${'))'.repeat(16000)}`);
		assert.ok(performance.now() - start < 5000);
		assert.equal(parsed.hasError, true);
		// A later, ordinary script parses normally (the parser was reset).
		assert.equal(parseShell('pip install --no-cache-dir x').commands.length, 1);
	});
});
