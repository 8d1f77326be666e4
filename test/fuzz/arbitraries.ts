/**
 * Inputs for the fuzzers, as fast-check arbitraries (so a failure shrinks to a small reproduction):
 *
 * - {@link dockerfileArbitrary}: Dockerfiles built from a grammar of what the rules look at (images, credentials,
 *   pip/apt/apk/curl/chmod/sudo commands, mounts, heredocs, JSON forms, directives, suppression comments) joined with
 *   the syntax that makes parsing hard (continuations, the backtick escape, CRLF, quotes, `$(…)`), plus random text;
 * - {@link mutatedCorpusArbitrary}: real Dockerfiles from the corpus, mutated: lines deleted, duplicated and moved,
 *   continuations and here-documents cut, random bytes inserted, line endings switched, very long lines, deep nesting.
 */
import fc from 'fast-check';

/** A generated input: the text, and how it was made (for the report of a failure). */
export interface FuzzCase {
	readonly text: string;
	readonly origin: string;
}

/** fast-check prints a counterexample with this: the text as a JavaScript string literal, ready for a test. */
function fuzzCase(text: string, origin: string): FuzzCase {
	return {
		text,
		origin,
		[fc.toStringMethod]: () => `${origin}\n${JSON.stringify(text)}`,
	} as FuzzCase;
}

// ------------------------------------------------------------------------------------------------------------------
// Grammar.

const IMAGES = [
	'python:3.12-slim',
	'ubuntu',
	'alpine:latest',
	'node:20@sha256:' + 'a'.repeat(64),
	'debian@sha256:abc',
	'gcr.io/distroless/python3:nonroot',
	'registry.example.com:5000/team/app:1.2',
	'${BASE}',
	'${BASE:-python:3.12}',
	'$IMAGE',
	'builder',
	'scratch',
	'docker.io/library/nginx:1.27',
	'mcr.microsoft.com/windows/servercore:ltsc2022',
	'cgr.dev/chainguard/python',
];

const NAMES = [
	'PASSWORD',
	'DB_PASSWORD',
	'GITHUB_TOKEN',
	'API_KEY',
	'SECRET_KEY',
	'BASE',
	'VERSION',
	'PIP_NO_CACHE_DIR',
	'PIP_INDEX_URL',
	'PIP_EXTRA_INDEX_URL',
	'PIP_REQUIRE_HASHES',
	'NODE_TLS_REJECT_UNAUTHORIZED',
	'PYTHONHTTPSVERIFY',
	'HOME',
	'PATH',
	'UV_NO_CACHE',
	'npmAuthToken',
	'AWS_ACCESS_KEY_ID',
	'X',
];

const VALUES = [
	'1',
	'0',
	'hunter2',
	'"s3cr3t value"',
	"'quoted'",
	'ghp_' + 'A'.repeat(36),
	'AKIA' + 'B'.repeat(16),
	'http://pypi.internal/simple',
	'https://user:pass@pypi.example.com/simple',
	'${OTHER:-x}',
	'$HOME/bin:$PATH',
	'',
	'-----BEGIN RSA PRIVATE KEY-----',
	'dummy',
	'/run/secrets/token',
];

const COMMANDS = [
	'pip install -r requirements.txt',
	'pip install --no-cache-dir flask==3.0',
	'pip3 install --require-hashes -r req.txt',
	'python -m pip install --upgrade pip',
	'python3 -mpip install x',
	'uv pip install -r requirements.txt',
	'pip install --index-url http://pypi.internal/simple x',
	'pip install --extra-index-url https://u:p@x/simple y',
	'pip install --trusted-host pypi.org x',
	'apt-get update',
	'apt-get install -y gcc build-essential libpq-dev',
	'apt-get install -y --no-install-recommends curl',
	'apt-get purge -y --auto-remove gcc',
	'apt-mark auto ".*"',
	'rm -rf /var/lib/apt/lists/*',
	'apk add --no-cache curl',
	'apk add --virtual .build-deps gcc musl-dev',
	'apk del .build-deps',
	'yum install -y make',
	'curl -fsSL https://example.com/install.sh | sh',
	'wget -qO- https://x.io/i | bash -s --',
	'curl -k https://insecure.example.com',
	'git config --global http.sslVerify false',
	'chmod 777 /app',
	'chmod -R u+s /usr/local/bin/tool',
	'chmod 4755 /bin/x',
	'sudo apt-get install -y x',
	'gosu app true',
	'useradd --create-home app',
	'npm install',
	'npm ci --omit=dev',
	'yarn install',
	'echo "pip install x"',
	'echo $PASSWORD',
	'export TOKEN=abc123 X',
	'DB_PASSWORD=hunter2 ./migrate.sh',
	'git clone https://oauth2:ghp_' + 'c'.repeat(36) + '@github.com/o/r',
	'apt-get install -y openssh-server',
	'set -eux',
	'cd /app',
	'make -j"$(nproc)" && make install',
	'go build ./...',
	'cargo build --release',
	'bash <<EOF',
	'cat <<-"END" > /etc/x',
	'sh -c "pip install x"',
	'env X=1 sudo -u app pip install y',
];

const CONNECTORS = [
	' && ',
	' || ',
	'; ',
	' | ',
	' & ',
	' \\\n    && ',
	' \\\r\n  ',
	' \\\n# comment line\n  && ',
	'\n',
	' \\ \n ',
	' `\n ',
];

const OPENERS = [
	'$(',
	'`',
	'( ',
	'{ ',
	'if true; then ',
	'for x in a b; do ',
	'while false; do ',
	'sh -c "',
	"bash -c '",
	'"',
	"'",
	'${X:-',
];
const CLOSERS = [')', '`', ' )', '; }', '; fi', '; done', '"', "'", '}', ''];

const FLAGS = [
	'--mount=type=cache,target=/root/.cache/pip',
	'--mount=type=cache,target=/var/cache/apk',
	'--mount=type=secret,id=token,env=TOKEN',
	'--mount=type=secret,id=npmrc,target=/root/.npmrc',
	'--mount=type=tmpfs,target=/tmp',
	'--mount=from=builder,target=/src',
	'--mount=type=bind,from=python:3.12,source=/x,target=/y',
	'--network=none',
	'--from=builder',
	'--from=0',
	'--from=python:3.12',
	'--chmod=777',
	'--chmod=4755',
	'--chown=app:app',
	'--link',
	'--checksum=sha256:' + 'b'.repeat(64),
	'--exclude=*.md',
	'--platform=$BUILDPLATFORM',
	'--',
	'--=',
];

const SUPPRESSIONS = [
	'# dockerfile-harden ignore=DH101',
	'# dockerfile-harden ignore=DH402,pip-require-hashes # reason',
	'# dockerfile-harden global ignore=DH201',
	'# hadolint ignore=DL3042,DL3008',
	'# hadolint global ignore=DL3002',
	'# dockerfile-harden ignore=',
];

const DIRECTIVES = [
	'# syntax=docker/dockerfile:1',
	'# syntax=docker/dockerfile:1.2',
	'# escape=`',
	'# escape=\\',
	'# check=skip=all',
	'#syntax=docker/dockerfile:1.4-labs',
];

/** Random text: printable, any code point (also lone surrogates), and the characters parsers care about. */
const junk = fc.oneof(
	fc.string({ maxLength: 12 }),
	fc.string({ unit: 'binary', maxLength: 6 }),
	fc.string({
		unit: fc.constantFrom(
			'\\',
			'`',
			'"',
			"'",
			'$',
			'{',
			'}',
			'(',
			')',
			'<',
			'>',
			'|',
			'&',
			';',
			'#',
			'=',
			',',
			'[',
			']',
			' ',
			'\t',
			'\n',
			'\r',
			'\0',
			'\u2028',
			'\uFEFF',
			'\uD83D',
			'\uDE00',
			'-',
		),
		maxLength: 12,
	}),
);

const shellWord = fc.oneof(
	{ weight: 6, arbitrary: fc.constantFrom(...COMMANDS) },
	{ weight: 2, arbitrary: fc.constantFrom(...VALUES) },
	{ weight: 1, arbitrary: fc.constantFrom(...FLAGS) },
	{ weight: 2, arbitrary: junk },
);

/** A shell script: commands joined by connectors, some wrapped in substitutions, subshells and quotes. */
const shellScript: fc.Arbitrary<string> = fc
	.array(
		fc.record({
			command: fc.array(shellWord, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' ')),
			connector: fc.constantFrom(...CONNECTORS),
			wrap: fc.option(fc.tuple(fc.constantFrom(...OPENERS), fc.constantFrom(...CLOSERS)), { freq: 4 }),
		}),
		{ minLength: 1, maxLength: 6 },
	)
	.map((parts) =>
		parts
			.map((p, i) => {
				const body = p.wrap ? `${p.wrap[0]}${p.command}${p.wrap[1]}` : p.command;
				return i === parts.length - 1 ? body : body + p.connector;
			})
			.join(''),
	);

/** A here-document: its opener goes on the instruction line, its body and terminator (maybe missing) after. */
const heredoc = fc.record({
	name: fc.constantFrom('EOF', 'END', 'SCRIPT', 'eof'),
	dash: fc.boolean(),
	quote: fc.constantFrom('', '"', "'"),
	body: fc.array(fc.oneof(shellScript, junk, fc.constant('#!/usr/bin/env python3'), fc.constant('#!/bin/sh')), {
		maxLength: 4,
	}),
	terminated: fc.boolean(),
});

const jsonArray = fc.oneof(
	fc
		.array(fc.oneof(shellWord, fc.constantFrom('sh', '-c', 'pip', 'install', 'x')), { maxLength: 4 })
		.map((ws) => JSON.stringify(ws)),
	fc.constantFrom(
		'["sh", "-c", "pip install -r r.txt"]',
		'["pip", "install", "x"]',
		'[ "a" , "b" ]',
		'["unclosed',
		'["a\\"b", "c\\u0041"]',
		'[]',
		'[',
		'["a",]',
	),
);

const keyword = fc.oneof(
	{
		weight: 10,
		arbitrary: fc.constantFrom(
			'FROM',
			'RUN',
			'RUN',
			'RUN',
			'ARG',
			'ENV',
			'USER',
			'COPY',
			'ADD',
			'WORKDIR',
			'SHELL',
			'CMD',
			'ENTRYPOINT',
			'HEALTHCHECK',
			'ONBUILD',
			'EXPOSE',
			'LABEL',
			'VOLUME',
			'STOPSIGNAL',
			'MAINTAINER',
		),
	},
	{ weight: 1, arbitrary: fc.constantFrom('run', 'From', 'FROMM', 'RUN\t', 'ONBUILD RUN') },
);

/** The arguments of an instruction, by keyword (anything goes for the rest). */
function argumentsFor(word: string): fc.Arbitrary<string> {
	switch (word.trim().toUpperCase()) {
		case 'FROM':
			return fc
				.tuple(
					fc.option(fc.constantFrom('--platform=linux/amd64', '--platform=$BUILDPLATFORM'), { freq: 4 }),
					fc.constantFrom(...IMAGES),
					fc.option(fc.constantFrom('AS builder', 'as runtime', 'AS', 'AS 0'), { freq: 2 }),
				)
				.map(([p, i, a]) => [p, i, a].filter((x) => x !== null).join(' '));
		case 'ARG':
		case 'ENV':
		case 'LABEL':
			return fc
				.array(
					fc.tuple(
						fc.constantFrom(...NAMES),
						fc.option(fc.constantFrom(...VALUES), { freq: 5 }),
						fc.constantFrom('=', ' ', '='),
					),
					{ minLength: 1, maxLength: 3 },
				)
				.map((ps) => ps.map(([n, v, sep]) => (v === null ? n : `${n}${sep}${v}`)).join(' \\\n    '));
		case 'USER':
			return fc.constantFrom(
				'root',
				'0',
				'0:0',
				'app',
				'1000:1000',
				'$USER',
				'${USER:-root}',
				'nobody',
				'ContainerUser',
			);
		case 'COPY':
		case 'ADD':
			return fc
				.tuple(
					fc.array(fc.constantFrom(...FLAGS), { maxLength: 2 }),
					fc.constantFrom(
						'. .',
						'requirements.txt /app/',
						'https://example.com/x.tar.gz /tmp/',
						'git@github.com:o/r.git /src',
						'--from=builder /install /usr/local',
						'.env /app/.env',
						'id_rsa /root/.ssh/',
						'["a b", "/c"]',
						'x',
					),
				)
				.map(([fs, a]) => [...fs, a].join(' '));
		case 'SHELL':
			return fc.constantFrom(
				'["/bin/bash", "-o", "pipefail", "-c"]',
				'["powershell", "-Command"]',
				'["cmd", "/S", "/C"]',
				'["sh"]',
				'/bin/sh -c',
			);
		case 'WORKDIR':
			return fc.constantFrom('/app', 'src', '$HOME/app', '../x', '${DIR:-/srv}');
		default:
			return fc.oneof(shellScript, jsonArray);
	}
}

/** One instruction, with flags and a shell-form, JSON-form or here-document body as its keyword allows. */
const instruction: fc.Arbitrary<string> = keyword.chain((word) => {
	const upper = word.trim().toUpperCase();
	if (upper === 'RUN' || upper === 'ONBUILD RUN') {
		return fc
			.tuple(
				fc.array(fc.constantFrom(...FLAGS), { maxLength: 2 }),
				fc.oneof({ weight: 5, arbitrary: shellScript }, { weight: 1, arbitrary: jsonArray }),
				fc.option(heredoc, { freq: 4 }),
			)
			.map(([flags, body, doc]) => {
				const head = [word, ...flags].join(' ');
				if (!doc) {
					return `${head} ${body}`;
				}
				const opener = `<<${doc.dash ? '-' : ''}${doc.quote}${doc.name}${doc.quote}`;
				const lines = [`${head} ${opener} ${body}`.trimEnd(), ...doc.body.map((b) => (doc.dash ? `\t${b}` : b))];
				if (doc.terminated) {
					lines.push(doc.dash ? `\t${doc.name}` : doc.name);
				}
				return lines.join('\n');
			});
	}
	return argumentsFor(word).map((args) => `${word} ${args}`);
});

const line = fc.oneof(
	{ weight: 12, arbitrary: instruction },
	{ weight: 1, arbitrary: fc.constantFrom(...SUPPRESSIONS) },
	{ weight: 1, arbitrary: fc.constant('') },
	{ weight: 1, arbitrary: fc.constant('# a comment') },
	{ weight: 1, arbitrary: junk },
);

/** Dockerfiles from the grammar, with directives, a BOM, and any line ending. */
export const dockerfileArbitrary: fc.Arbitrary<FuzzCase> = fc
	.record({
		bom: fc.boolean(),
		directives: fc.array(fc.constantFrom(...DIRECTIVES), { maxLength: 2 }),
		lines: fc.array(line, { minLength: 1, maxLength: 14 }),
		eol: fc.constantFrom('\n', '\n', '\r\n', '\r', 'mixed'),
		finalNewline: fc.boolean(),
	})
	.map(({ bom, directives, lines, eol, finalNewline }) => {
		let text = [...directives, ...lines].join('\n') + (finalNewline ? '\n' : '');
		if (eol === 'mixed') {
			let i = 0;
			text = text.replace(/\n/g, () => (i++ % 2 ? '\r\n' : '\n'));
		} else if (eol !== '\n') {
			text = text.replace(/\r?\n/g, eol);
		}
		return fuzzCase((bom ? '\uFEFF' : '') + text, 'grammar');
	});

// ------------------------------------------------------------------------------------------------------------------
// Mutations of real files.

/** One mutation; positions are taken modulo the current text, so every value applies to every text. */
export type Mutation =
	| { readonly op: 'deleteLines'; readonly at: number; readonly count: number }
	| { readonly op: 'duplicateLines'; readonly at: number; readonly count: number }
	| { readonly op: 'moveLine'; readonly from: number; readonly to: number }
	| { readonly op: 'cutContinuation'; readonly at: number }
	| { readonly op: 'addContinuation'; readonly at: number }
	| { readonly op: 'cutHeredoc'; readonly at: number }
	| { readonly op: 'truncate'; readonly at: number }
	| { readonly op: 'insert'; readonly at: number; readonly text: string }
	| { readonly op: 'lineEndings'; readonly style: 'lf' | 'crlf' | 'cr' | 'mixed' }
	| { readonly op: 'longLine'; readonly at: number; readonly token: string; readonly times: number }
	| { readonly op: 'nest'; readonly at: number; readonly open: string; readonly close: string; readonly depth: number }
	| { readonly op: 'escapeDirective'; readonly escape: '`' | '\\' };

const at = fc.nat({ max: 1_000_000 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	fc.record({ op: fc.constant('deleteLines' as const), at, count: fc.integer({ min: 1, max: 20 }) }),
	fc.record({ op: fc.constant('duplicateLines' as const), at, count: fc.integer({ min: 1, max: 20 }) }),
	fc.record({ op: fc.constant('moveLine' as const), from: at, to: at }),
	fc.record({ op: fc.constant('cutContinuation' as const), at }),
	fc.record({ op: fc.constant('addContinuation' as const), at }),
	fc.record({ op: fc.constant('cutHeredoc' as const), at }),
	fc.record({ op: fc.constant('truncate' as const), at }),
	fc.record({
		op: fc.constant('insert' as const),
		at,
		text: fc.oneof(
			junk,
			instruction.map((i) => `\n${i}\n`),
		),
	}),
	fc.record({
		op: fc.constant('lineEndings' as const),
		style: fc.constantFrom('lf' as const, 'crlf' as const, 'cr' as const, 'mixed' as const),
	}),
	fc.record({
		op: fc.constant('longLine' as const),
		at,
		token: fc.constantFrom(
			'a',
			' x',
			' \\\n',
			'$X',
			'"q"',
			' && true',
			' -r r.txt',
			'=',
			'$(',
			'ghp_',
			'${A:-',
			' #',
			'\\',
		),
		// Mostly long, now and then huge: the cost of a case grows with its length, and a million cases must finish.
		times: fc.oneof(
			{ weight: 9, arbitrary: fc.integer({ min: 50, max: 1_000 }) },
			{ weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }) },
		),
	}),
	fc.record({
		op: fc.constant('nest' as const),
		at,
		open: fc.constantFrom('$(', '(', '{ ', '`', '"', '${X:-', '[', '$((', '"$(', '<<EOF\n', 'if true; then '),
		close: fc.constantFrom(')', ')', ' }', '`', '"', '}', ']', '))', ')"', '\nEOF\n', '; fi'),
		depth: fc.oneof(
			{ weight: 9, arbitrary: fc.integer({ min: 10, max: 300 }) },
			{ weight: 1, arbitrary: fc.integer({ min: 300, max: 3_000 }) },
		),
	}),
	fc.record({ op: fc.constant('escapeDirective' as const), escape: fc.constantFrom('`' as const, '\\' as const) }),
);

function splitLines(text: string): string[] {
	return text.split('\n');
}

/** Applies one mutation. */
export function mutate(text: string, m: Mutation): string {
	const lines = splitLines(text);
	const lineAt = (n: number): number => n % Math.max(1, lines.length);
	switch (m.op) {
		case 'deleteLines': {
			lines.splice(lineAt(m.at), m.count);
			return lines.join('\n');
		}
		case 'duplicateLines': {
			const i = lineAt(m.at);
			lines.splice(i, 0, ...lines.slice(i, i + m.count));
			return lines.join('\n');
		}
		case 'moveLine': {
			const [moved] = lines.splice(lineAt(m.from), 1);
			lines.splice(lineAt(m.to), 0, moved ?? '');
			return lines.join('\n');
		}
		case 'cutContinuation': {
			// The n-th line that ends with a continuation loses it (or the newline after it goes).
			const continued = lines.map((l, i) => (/[\\`]\r?$/.test(l) ? i : -1)).filter((i) => i >= 0);
			if (continued.length === 0) {
				return text;
			}
			const i = continued[m.at % continued.length];
			if (m.at % 2 === 0) {
				lines[i] = lines[i].replace(/[\\`](\r?)$/, '$1');
				return lines.join('\n');
			}
			return [...lines.slice(0, i), lines[i] + (lines[i + 1] ?? ''), ...lines.slice(i + 2)].join('\n');
		}
		case 'addContinuation': {
			const i = lineAt(m.at);
			lines[i] = `${lines[i]} \\`;
			return lines.join('\n');
		}
		case 'cutHeredoc': {
			// Remove a here-document's terminator (or the opener's line, leaving a body behind).
			const openers = lines.map((l, i) => (/<<-?\s*["']?[A-Za-z_]/.test(l) ? i : -1)).filter((i) => i >= 0);
			if (openers.length === 0) {
				return text;
			}
			const opener = openers[m.at % openers.length];
			const name = /<<-?\s*["']?([A-Za-z_][\w.-]*)/.exec(lines[opener])?.[1] ?? '';
			const end = lines.findIndex((l, i) => i > opener && l.replace(/^\t+/, '').replace(/\r$/, '') === name);
			lines.splice(end >= 0 && m.at % 3 !== 0 ? end : opener, 1);
			return lines.join('\n');
		}
		case 'truncate':
			return text.slice(0, m.at % (text.length + 1));
		case 'insert': {
			const i = m.at % (text.length + 1);
			return text.slice(0, i) + m.text + text.slice(i);
		}
		case 'lineEndings': {
			const lf = text.replace(/\r\n?/g, '\n');
			if (m.style === 'lf') {
				return lf;
			}
			if (m.style === 'mixed') {
				let i = 0;
				return lf.replace(/\n/g, () => ['\n', '\r\n', '\r'][i++ % 3]);
			}
			return lf.replace(/\n/g, m.style === 'crlf' ? '\r\n' : '\r');
		}
		case 'longLine': {
			const i = lineAt(m.at);
			lines[i] = lines[i] + m.token.repeat(m.times);
			return lines.join('\n');
		}
		case 'nest': {
			const i = m.at % (text.length + 1);
			return text.slice(0, i) + m.open.repeat(m.depth) + 'x' + m.close.repeat(m.depth) + text.slice(i);
		}
		case 'escapeDirective':
			return `# escape=${m.escape}\n${text}`;
	}
}

/** Which part of a seed file a case starts from: a window of lines, or (one case in four) the whole file. */
const windowOf = fc.oneof(
	{ weight: 3, arbitrary: fc.record({ from: at, lines: fc.integer({ min: 3, max: 40 }) }) },
	{ weight: 1, arbitrary: fc.constant(undefined) },
);

/**
 * Real files (the seeds), or windows of their lines, mutated by one to five mutations. Windows keep a case small
 * (a case costs about its length; a million must run) while keeping real instructions, continuations and
 * here-documents, which the mutations then cut.
 */
export function mutatedCorpusArbitrary(
	seeds: readonly { readonly name: string; readonly text: string }[],
): fc.Arbitrary<FuzzCase> {
	if (seeds.length === 0) {
		throw new Error('mutatedCorpusArbitrary needs at least one seed file');
	}
	return fc
		.record({
			seed: fc.nat({ max: seeds.length - 1 }),
			window: windowOf,
			mutations: fc.array(mutation, { minLength: 1, maxLength: 5 }),
		})
		.map(({ seed, window, mutations }) => {
			let start = seeds[seed].text;
			let name = seeds[seed].name;
			if (window) {
				const lines = start.split('\n');
				const from = window.from % lines.length;
				start = lines.slice(from, from + window.lines).join('\n');
				name += ` lines ${from + 1}-${Math.min(lines.length, from + window.lines)}`;
			}
			const text = mutations.reduce(mutate, start);
			return fuzzCase(text, `${name} mutated by ${JSON.stringify(mutations)}`);
		});
}
