import rule from '../../server/src/rules/no-root-user';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		'FROM python:3.11-slim\nRUN useradd app\nUSER app\nCMD ["python"]',
		{ name: 'numeric non-root user', code: 'FROM alpine:3.20\nUSER 10001:10001' },
		{ name: 'root only in the builder stage', code: 'FROM golang:1.23 AS build\nUSER root\nFROM alpine:3.20\nUSER 65532' },
		{ name: 'final stage inherits USER from the stage it builds on', code: 'FROM alpine:3.20 AS base\nUSER app\nFROM base\nCMD ["app"]' },
		{ name: 'image that defaults to non-root', code: 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app' },
		{ name: 'chainguard image', code: 'FROM cgr.dev/chainguard/python:latest\nCOPY . /app' },
		{ name: 'unresolvable base image', code: 'ARG BASE\nFROM ${BASE}\nCMD ["x"]' },
		{ name: 'USER from an ARG with an unknown value', code: 'FROM alpine:3.20\nARG APP_USER\nUSER ${APP_USER}' },
		{ name: 'USER from an ARG default', code: 'FROM alpine:3.20\nARG APP_USER=app\nUSER ${APP_USER}' },
		{
			name: 'entrypoint drops privileges with gosu',
			code: 'FROM debian:12\nRUN apt-get update && apt-get install -y gosu\nENTRYPOINT ["docker-entrypoint.sh"]',
		},
		{ name: 'su-exec installed by apk', code: 'FROM alpine:3.20\nRUN apk add --no-cache su-exec\nENTRYPOINT ["/entrypoint.sh"]' },
		{ name: 'gosu through sudo', code: 'FROM debian:12\nRUN sudo gosu nobody true' },
		{ name: 'gosu after tini, no spaces in the JSON', code: 'FROM debian:12\nENTRYPOINT ["tini","--","gosu","app","python"]' },
		{ name: 'gosu by path in ENTRYPOINT', code: 'FROM debian:12\nCOPY gosu /usr/sbin/gosu\nENTRYPOINT ["/usr/sbin/gosu", "app", "/run.sh"]' },
		{ name: 'Windows image', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo hi' },
		{ name: 'root in an earlier stage, user in the final', code: 'FROM alpine:3.20\nUSER root\nRUN apk add x\nUSER nobody' },
		{ name: 'no FROM at all', code: '# just a comment\n' },
		{
			name: 'downloads gosu to step down at run time (official database images)',
			code: 'FROM debian:trixie-slim\nRUN wget -O /usr/local/bin/gosu "https://example.com/gosu" && gosu nobody true\nENTRYPOINT ["docker-entrypoint.sh"]',
		},
	],
	invalid: [
		{
			name: 'no USER at all',
			code: 'FROM python:3.11-slim\nCOPY . .\nCMD ["python", "app.py"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 22 }],
			output: null,
		},
		{
			name: 'last USER is root',
			code: 'FROM alpine:3.20\nUSER app\nRUN id\nUSER root',
			errors: [{ messageId: 'rootUser', data: { user: 'root' }, line: 4, column: 1, endLine: 4, endColumn: 10 }],
			output: null,
		},
		{
			name: 'USER 0:0',
			code: 'FROM alpine:3.20\nUSER 0:0',
			errors: [{ messageId: 'rootUser', data: { user: '0:0' }, line: 2, column: 1, endLine: 2, endColumn: 9 }],
			output: null,
		},
		{
			name: 'root:group through an ARG default',
			code: 'FROM alpine:3.20\nARG U=root:wheel\nUSER $U',
			errors: [{ messageId: 'rootUser', data: { user: 'root:wheel' }, line: 3, column: 1, endLine: 3, endColumn: 8 }],
			output: null,
		},
		{
			name: 'scratch runs as root',
			code: 'FROM golang:1.23 AS build\nUSER 1000\nFROM scratch\nCOPY --from=build /app /app',
			errors: [{ messageId: 'missingUser', line: 3, column: 1, endLine: 3, endColumn: 13 }],
			output: null,
		},
		{
			name: 'only the final stage matters, a builder USER does not count',
			code: 'FROM node:22 AS build\nUSER node\nFROM node:22-slim\nCMD ["node", "server.js"]',
			errors: [{ messageId: 'missingUser', line: 3, column: 1, endLine: 3, endColumn: 18 }],
			output: null,
		},
		{
			name: 'final stage built on a stage that switches back to root',
			code: 'FROM alpine:3.20 AS base\nUSER app\nUSER root\nFROM base\nCMD ["x"]',
			errors: [{ messageId: 'rootUser', data: { user: 'root' }, line: 3, column: 1, endLine: 3, endColumn: 10 }],
			output: null,
		},
		{
			name: 'a base image that may set its own USER gets an accurate message',
			code: 'ARG REGISTRY=quay.io\nARG BASE=$REGISTRY/jupyter/scipy-notebook\nFROM $BASE\nRUN pip install torch',
			errors: [
				{
					messageId: 'missingUserUnknownBase',
					data: { image: 'quay.io/jupyter/scipy-notebook' },
					line: 3,
					column: 1,
					endLine: 3,
					endColumn: 11,
				},
			],
			output: null,
		},
		{
			name: 'a tool named in an echo does not drop privileges',
			code: 'FROM debian:12\nRUN echo "use gosu later"',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 15 }],
			output: null,
		},
		{
			name: 'a path in an echo, a git add, or a CMD argument does not drop privileges',
			code: 'FROM debian:12\nRUN echo /usr/local/bin/gosu && git add gosu\nCMD ["echo", "gosu"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 15 }],
			output: null,
		},
		{
			name: 'distroless without the nonroot tag runs as root',
			code: 'FROM gcr.io/distroless/static\nCOPY app /app',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 30 }],
			output: null,
		},
		{
			name: 'CRLF line endings',
			code: 'FROM alpine:3.20\r\nUSER root\r\n',
			errors: [{ messageId: 'rootUser', data: { user: 'root' }, line: 2, column: 1, endLine: 2, endColumn: 10 }],
			output: null,
		},
	],
});
