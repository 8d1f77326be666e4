import rule from '../../server/src/rules/syntax-directive';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		'FROM alpine\nRUN echo hi',
		{ name: 'directive present', code: '# syntax=docker/dockerfile:1\nFROM alpine\nRUN <<EOF\necho hi\nEOF' },
		{
			name: 'a recent enough pinned version',
			code: '# syntax=docker/dockerfile:1.10\nFROM alpine\nRUN --mount=type=secret,id=t,env=T ./x',
		},
		{ name: 'plain secret mount needs no new frontend', code: 'FROM alpine\nRUN --mount=type=secret,id=t ./x' },
		{ name: 'labs channel', code: '# syntax=docker/dockerfile:1-labs\nFROM alpine\nCOPY --exclude=*.md . /src' },
		{
			name: 'a custom frontend is not second-guessed',
			code: '# syntax=example.com/frontend:0.1\nFROM alpine\nRUN <<EOF\nx\nEOF',
		},
		{ name: 'a heredoc-like string in shell form', code: 'FROM alpine\nRUN echo "<<EOF"' },
	],
	invalid: [
		{
			name: 'heredoc without directive',
			code: 'FROM alpine\nRUN <<EOF\necho hi\nEOF\n',
			errors: [
				{
					messageId: 'missing',
					data: { feature: 'a here-document', version: '1.4' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 10,
				},
			],
			output: '# syntax=docker/dockerfile:1\nFROM alpine\nRUN <<EOF\necho hi\nEOF\n',
		},
		{
			name: 'secret env mount, CRLF file',
			code: 'FROM python:3.11\r\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install x\r\n',
			errors: [
				{
					messageId: 'missing',
					data: { feature: '`RUN --mount=…,env=`', version: '1.10' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 59,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\r\nFROM python:3.11\r\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install x\r\n',
		},
		{
			name: 'before the escape directive and a BOM',
			code: '\uFEFF# escape=`\nFROM alpine\nADD --checksum=sha256:abc https://example.com/a /a',
			errors: [
				{
					messageId: 'missing',
					data: { feature: 'ADD --checksum', version: '1.6' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 26,
				},
			],
			output:
				'\uFEFF# syntax=docker/dockerfile:1\n# escape=`\nFROM alpine\nADD --checksum=sha256:abc https://example.com/a /a',
		},
		{
			name: 'the most demanding feature is named',
			code: 'FROM alpine\nRUN <<EOF\nx\nEOF\nCOPY --exclude=*.md . /src',
			errors: [
				{
					messageId: 'missing',
					data: { feature: 'COPY --exclude', version: '1.19' },
					line: 5,
					column: 6,
					endLine: 5,
					endColumn: 20,
				},
			],
			output: '# syntax=docker/dockerfile:1\nFROM alpine\nRUN <<EOF\nx\nEOF\nCOPY --exclude=*.md . /src',
		},
		{
			name: 'an old pinned version',
			code: '# syntax=docker/dockerfile:1.4\nFROM alpine\nRUN --mount=type=secret,id=t,env=T ./x',
			errors: [
				{
					messageId: 'outdated',
					data: { directive: 'docker/dockerfile:1.4', version: '1.10', feature: '`RUN --mount=…,env=`' },
					line: 1,
					column: 10,
					endLine: 1,
					endColumn: 31,
				},
			],
			output: '# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=secret,id=t,env=T ./x',
		},
		{
			name: 'old labs version keeps labs',
			code: '# syntax=docker/dockerfile:1.7-labs\nFROM alpine\nCOPY --exclude=*.md . /src',
			errors: [
				{
					messageId: 'outdated',
					data: { directive: 'docker/dockerfile:1.7-labs', version: '1.19', feature: 'COPY --exclude' },
					line: 1,
					column: 10,
					endLine: 1,
					endColumn: 36,
				},
			],
			output: '# syntax=docker/dockerfile:1-labs\nFROM alpine\nCOPY --exclude=*.md . /src',
		},
		{
			name: 'an old version pinned by digest: no automatic fix',
			code: '# syntax=docker/dockerfile:1.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nFROM alpine\nRUN <<EOF\nx\nEOF',
			errors: [
				{
					messageId: 'outdated',
					data: {
						directive: 'docker/dockerfile:1.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
						version: '1.4',
						feature: 'a here-document',
					},
					line: 1,
					column: 10,
					endLine: 1,
					endColumn: 103,
				},
			],
			output: null,
		},
	],
});
