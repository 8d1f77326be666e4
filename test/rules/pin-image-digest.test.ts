import rule from '../../server/src/rules/pin-image-digest';
import { RuleTester } from '../harness/ruleTester';

const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4);

new RuleTester().run(rule, {
	valid: [
		`FROM python:3.11-slim@${DIGEST}`,
		{ name: 'digest without tag', code: `FROM python@${DIGEST}` },
		{ name: 'stage reference', code: `FROM python:3.11-slim@${DIGEST} AS base\nFROM base\nRUN true` },
		{ name: 'stage reference is case-insensitive', code: `FROM alpine@${DIGEST} AS Builder\nFROM builder` },
		{ name: 'scratch', code: 'FROM scratch\nCOPY app /app' },
		{
			name: 'COPY --from a stage',
			code: `FROM alpine@${DIGEST} AS build\nFROM alpine@${DIGEST}\nCOPY --from=build /a /a`,
		},
		{ name: 'COPY --from a stage index', code: `FROM alpine@${DIGEST}\nFROM alpine@${DIGEST}\nCOPY --from=0 /a /a` },
		{
			name: 'COPY --from a pinned image',
			code: `FROM alpine@${DIGEST}\nCOPY --from=nginx:1.27@${DIGEST} /etc/nginx /etc/nginx`,
		},
		{ name: 'ARG default with a digest', code: `ARG BASE=python:3.11-slim@${DIGEST}\nFROM \${BASE}` },
		{ name: 'ARG without default cannot be checked', code: 'ARG BASE\nFROM $BASE' },
		{ name: 'ARG used with a suffix that holds a digest', code: `ARG V=3.11\nFROM python:\${V}-slim@${DIGEST}` },
		{ name: 'official frontend in the syntax directive', code: `# syntax=docker/dockerfile:1\nFROM alpine@${DIGEST}` },
		{
			name: 'RUN --mount from a stage',
			code: `FROM alpine@${DIGEST} AS src\nFROM alpine@${DIGEST}\nRUN --mount=type=bind,from=src,target=/s ls /s`,
		},
	],
	invalid: [
		{
			name: 'tag only',
			code: 'FROM python:3.11-slim AS builder\n',
			errors: [
				{ messageId: 'unpinned', data: { image: 'python:3.11-slim' }, line: 1, column: 6, endLine: 1, endColumn: 22 },
			],
			output: null,
		},
		{
			name: 'latest',
			code: 'FROM ubuntu:latest',
			errors: [
				{ messageId: 'latest', data: { image: 'ubuntu:latest' }, line: 1, column: 6, endLine: 1, endColumn: 19 },
			],
			output: null,
		},
		{
			name: 'no tag',
			code: 'FROM --platform=$BUILDPLATFORM node',
			errors: [{ messageId: 'untagged', data: { image: 'node' }, line: 1, column: 32, endLine: 1, endColumn: 36 }],
			output: null,
		},
		{
			name: "the seed's elided digest is malformed",
			code: 'FROM python:3.11-slim@sha256:d3af7985a5a...',
			errors: [
				{
					messageId: 'malformedDigest',
					data: { image: 'python:3.11-slim@sha256:d3af7985a5a...' },
					line: 1,
					column: 6,
					endLine: 1,
					endColumn: 44,
				},
			],
			output: null,
		},
		{
			name: 'registry with port',
			code: 'FROM 127.0.0.1:5000/library/python:3.11-slim AS builder',
			errors: [
				{
					messageId: 'unpinned',
					data: { image: '127.0.0.1:5000/library/python:3.11-slim' },
					line: 1,
					column: 6,
					endLine: 1,
					endColumn: 45,
				},
			],
			output: null,
		},
		{
			name: 'ARG default used as the image is reported at the default, once',
			code: 'ARG BASE=python:3.11-slim\nFROM ${BASE} AS build\nFROM $BASE',
			errors: [
				{
					messageId: 'argDefault',
					data: { name: 'BASE', image: 'python:3.11-slim', line: 2 },
					line: 1,
					column: 10,
					endLine: 1,
					endColumn: 26,
				},
			],
			output: null,
		},
		{
			name: 'ARG inside the image name resolves',
			code: 'ARG PY=3.12\nFROM python:${PY}-slim',
			errors: [
				{ messageId: 'unpinned', data: { image: 'python:3.12-slim' }, line: 2, column: 6, endLine: 2, endColumn: 23 },
			],
			output: null,
		},
		{
			name: 'COPY --from an image',
			code: `FROM alpine@${DIGEST}\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx`,
			errors: [
				{ messageId: 'unpinned', data: { image: 'nginx:1.27' }, line: 2, column: 13, endLine: 2, endColumn: 23 },
			],
			output: null,
		},
		{
			name: 'RUN --mount from an image',
			code: `FROM alpine@${DIGEST}\nRUN --mount=type=bind,from=busybox:1.36,target=/bb ls /bb`,
			errors: [
				{ messageId: 'unpinned', data: { image: 'busybox:1.36' }, line: 2, column: 28, endLine: 2, endColumn: 40 },
			],
			output: null,
		},
		{
			name: 'third-party frontend in the syntax directive',
			code: `# syntax=example.com/frontends/dockerfile:1.2\nFROM alpine@${DIGEST}`,
			errors: [
				{
					messageId: 'unpinned',
					data: { image: 'example.com/frontends/dockerfile:1.2' },
					line: 1,
					column: 10,
					endLine: 1,
					endColumn: 46,
				},
			],
			output: null,
		},
		{
			name: 'official frontend with a malformed digest',
			code: `# syntax=docker/dockerfile:1@sha256:abc\nFROM alpine@${DIGEST}`,
			errors: [
				{
					messageId: 'malformedDigest',
					data: { image: 'docker/dockerfile:1@sha256:abc' },
					line: 1,
					column: 10,
					endLine: 1,
					endColumn: 40,
				},
			],
			output: null,
		},
	],
});
