import rule from '../../server/src/rules/no-root-user';
import { RuleTester } from '../harness/ruleTester';

/** The note every fix carries. */
const WRITES =
	'Check that the app writes nowhere but its home, the files it owns and /tmp, and that it does not bind a port below 1024.';
const NO_PASSWD_ENTRY =
	'User 65532 has no entry in /etc/passwd, so its HOME is /: if the app needs a home, set ENV HOME to a directory it can write.';

new RuleTester().run(rule, {
	valid: [
		'FROM python:3.11-slim\nRUN useradd app\nUSER app\nCMD ["python"]',
		{ name: 'numeric non-root user', code: 'FROM alpine:3.20\nUSER 10001:10001' },
		{
			name: 'root only in the builder stage',
			code: 'FROM golang:1.23 AS build\nUSER root\nFROM alpine:3.20\nUSER 65532',
		},
		{
			name: 'final stage inherits USER from the stage it builds on',
			code: 'FROM alpine:3.20 AS base\nUSER app\nFROM base\nCMD ["app"]',
		},
		{ name: 'image that defaults to non-root', code: 'FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app' },
		{ name: 'chainguard image', code: 'FROM cgr.dev/chainguard/python:latest\nCOPY . /app' },
		{ name: 'unresolvable base image', code: 'ARG BASE\nFROM ${BASE}\nCMD ["x"]' },
		{ name: 'USER from an ARG with an unknown value', code: 'FROM alpine:3.20\nARG APP_USER\nUSER ${APP_USER}' },
		{ name: 'USER from an ARG default', code: 'FROM alpine:3.20\nARG APP_USER=app\nUSER ${APP_USER}' },
		{
			name: 'entrypoint drops privileges with gosu',
			code: 'FROM debian:12\nRUN apt-get update && apt-get install -y gosu\nENTRYPOINT ["docker-entrypoint.sh"]',
		},
		{
			name: 'su-exec installed by apk',
			code: 'FROM alpine:3.20\nRUN apk add --no-cache su-exec\nENTRYPOINT ["/entrypoint.sh"]',
		},
		{ name: 'gosu through sudo', code: 'FROM debian:12\nRUN sudo gosu nobody true' },
		{
			name: 'gosu after tini, no spaces in the JSON',
			code: 'FROM debian:12\nENTRYPOINT ["tini","--","gosu","app","python"]',
		},
		{
			name: 'gosu by path in ENTRYPOINT',
			code: 'FROM debian:12\nCOPY gosu /usr/sbin/gosu\nENTRYPOINT ["/usr/sbin/gosu", "app", "/run.sh"]',
		},
		{ name: 'Windows image', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo hi' },
		{
			name: 'root in an earlier stage, user in the final',
			code: 'FROM alpine:3.20\nUSER root\nRUN apk add x\nUSER nobody',
		},
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
			// The seed's exact useradd line for python images; COPY . . into / is not the app's directory: no --chown.
			output:
				'FROM python:3.11-slim\nRUN useradd --create-home --shell /bin/bash appuser\nCOPY . .\nUSER appuser\nCMD ["python", "app.py"]',
			details: [{ notes: [WRITES] }],
		},
		{
			name: 'last USER is root: switched back to the user set before it, since nothing runs after it',
			code: 'FROM alpine:3.20\nUSER app\nRUN id\nUSER root',
			errors: [{ messageId: 'rootUser', data: { user: 'root' }, line: 4, column: 1, endLine: 4, endColumn: 10 }],
			output: 'FROM alpine:3.20\nUSER app\nRUN id\nUSER app',
		},
		{
			name: 'USER 0:0 on alpine: BusyBox adduser creates the user, the root USER is replaced',
			code: 'FROM alpine:3.20\nUSER 0:0',
			errors: [{ messageId: 'rootUser', data: { user: '0:0' }, line: 2, column: 1, endLine: 2, endColumn: 9 }],
			output: 'FROM alpine:3.20\nRUN adduser -D appuser\nUSER appuser',
		},
		{
			name: 'root:group through an ARG default',
			code: 'FROM alpine:3.20\nARG U=root:wheel\nUSER $U',
			errors: [{ messageId: 'rootUser', data: { user: 'root:wheel' }, line: 3, column: 1, endLine: 3, endColumn: 8 }],
			output: 'FROM alpine:3.20\nRUN adduser -D appuser\nARG U=root:wheel\nUSER appuser',
		},
		{
			name: 'scratch runs as root: a numeric user, nothing created',
			code: 'FROM golang:1.23 AS build\nUSER 1000\nFROM scratch\nCOPY --from=build /app /app',
			errors: [{ messageId: 'missingUser', line: 3, column: 1, endLine: 3, endColumn: 13 }],
			output: 'FROM golang:1.23 AS build\nUSER 1000\nFROM scratch\nCOPY --from=build /app /app\nUSER 65532:65532',
			details: [{ notes: [WRITES, NO_PASSWD_ENTRY] }],
		},
		{
			name: 'only the final stage matters, a builder USER does not count; node images ship the node user',
			code: 'FROM node:22 AS build\nUSER node\nFROM node:22-slim\nCMD ["node", "server.js"]',
			errors: [{ messageId: 'missingUser', line: 3, column: 1, endLine: 3, endColumn: 18 }],
			output: 'FROM node:22 AS build\nUSER node\nFROM node:22-slim\nUSER node\nCMD ["node", "server.js"]',
		},
		{
			name: 'final stage built on a stage that switches back to root: the fix goes in the final stage',
			code: 'FROM alpine:3.20 AS base\nUSER app\nUSER root\nFROM base\nCMD ["x"]',
			errors: [{ messageId: 'rootUser', data: { user: 'root' }, line: 3, column: 1, endLine: 3, endColumn: 10 }],
			output: 'FROM alpine:3.20 AS base\nUSER app\nUSER root\nFROM base\nUSER app\nCMD ["x"]',
		},
		{
			name: 'a base image that may set its own USER gets an accurate message, and no fix when its family is unknown',
			code: 'ARG REGISTRY=quay.io\nARG BASE=$REGISTRY/jupyter/scipy-notebook\nFROM $BASE\nRUN pip install torch',
			errors: [
				{
					messageId: 'missingUserUnknownBaseNoFix',
					data: {
						image: 'quay.io/jupyter/scipy-notebook',
						reason: 'how to create a user in "quay.io/jupyter/scipy-notebook" is not known',
					},
					line: 3,
					column: 1,
					endLine: 3,
					endColumn: 11,
				},
			],
			output: null,
		},
		{
			name: 'a tool named in an echo does not drop privileges (debian: useradd with no login shell)',
			code: 'FROM debian:12\nRUN echo "use gosu later"',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 15 }],
			output:
				'FROM debian:12\nRUN useradd --create-home --shell /usr/sbin/nologin appuser\nRUN echo "use gosu later"\nUSER appuser',
		},
		{
			name: 'a path in an echo, a git add, or a CMD argument does not drop privileges',
			code: 'FROM debian:12\nRUN echo /usr/local/bin/gosu && git add gosu\nCMD ["echo", "gosu"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 15 }],
			output:
				'FROM debian:12\nRUN useradd --create-home --shell /usr/sbin/nologin appuser\nRUN echo /usr/local/bin/gosu && git add gosu\nUSER appuser\nCMD ["echo", "gosu"]',
		},
		{
			name: 'distroless without the nonroot tag runs as root: its nonroot user is 65532',
			code: 'FROM gcr.io/distroless/static\nCOPY app /app',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 30 }],
			output: 'FROM gcr.io/distroless/static\nCOPY app /app\nUSER 65532:65532',
			details: [{ notes: [WRITES] }],
		},
		{
			name: 'CRLF line endings',
			code: 'FROM alpine:3.20\r\nUSER root\r\n',
			errors: [{ messageId: 'rootUser', data: { user: 'root' }, line: 2, column: 1, endLine: 2, endColumn: 10 }],
			output: 'FROM alpine:3.20\r\nRUN adduser -D appuser\r\nUSER appuser\r\n',
		},

		// The seed's runtime stage, as DH501's split leaves it: the fix makes it the seed's file.
		{
			name: "the seed's runtime stage: useradd, COPY --chown of the app, USER before CMD",
			code: [
				'FROM python:3.11-slim AS builder',
				'WORKDIR /app',
				'COPY requirements.txt .',
				'RUN pip install --require-hashes --no-cache-dir --prefix=/install -r requirements.txt',
				'',
				'FROM python:3.11-slim',
				'WORKDIR /home/appuser/app',
				'COPY --from=builder /install /usr/local',
				'COPY . .',
				'CMD ["python", "app.py"]',
				'',
			].join('\n'),
			errors: [{ messageId: 'missingUser', line: 6, column: 1, endLine: 6, endColumn: 22 }],
			output: [
				'FROM python:3.11-slim AS builder',
				'WORKDIR /app',
				'COPY requirements.txt .',
				'RUN pip install --require-hashes --no-cache-dir --prefix=/install -r requirements.txt',
				'',
				'FROM python:3.11-slim',
				'RUN useradd --create-home --shell /bin/bash appuser',
				'WORKDIR /home/appuser/app',
				'COPY --from=builder /install /usr/local',
				'COPY --chown=appuser:appuser . .',
				'USER appuser',
				'CMD ["python", "app.py"]',
				'',
			].join('\n'),
			details: [
				{
					notes: [
						WRITES,
						'The files copied into /home/appuser/app now belong to appuser, as in the seed, so the app can change them: if it only reads them, remove --chown.',
					],
				},
			],
		},
		{
			name: 'python on alpine: adduser -D; the requirements COPY stays root-owned, the app COPY does not',
			code: 'FROM python:3.12-alpine\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY src/ .\nENTRYPOINT ["python", "main.py"]\n',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 24 }],
			output:
				'FROM python:3.12-alpine\nRUN adduser -D appuser\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY --chown=appuser:appuser src/ .\nUSER appuser\nENTRYPOINT ["python", "main.py"]\n',
		},
		{
			name: 'node image: USER node, the app owned by node:node; the lock files stay root-owned',
			code: 'FROM node:22-slim\nWORKDIR /usr/src/app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD ["node", "server.js"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 18 }],
			output:
				'FROM node:22-slim\nWORKDIR /usr/src/app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY --chown=node:node . .\nUSER node\nCMD ["node", "server.js"]',
		},
		{
			name: 'a stage that already creates a user: it is reused with its group, and only COPYs after it are chowned',
			code: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY setup.cfg .\nRUN groupadd -r grp && useradd -r -g grp app\nCOPY . .\nCMD ["python", "app.py"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 22 }],
			output:
				'FROM python:3.11-slim\nWORKDIR /app\nCOPY setup.cfg .\nRUN groupadd -r grp && useradd -r -g grp app\nCOPY --chown=app:grp . .\nUSER app\nCMD ["python", "app.py"]',
		},
		{
			name: 'BusyBox addgroup … && adduser -S -G: reused',
			code: 'FROM alpine:3.20\nRUN addgroup -S app && adduser -S -G app app\nCOPY app /usr/local/bin/app\nENTRYPOINT ["app"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 17 }],
			output:
				'FROM alpine:3.20\nRUN addgroup -S app && adduser -S -G app app\nCOPY app /usr/local/bin/app\nUSER app\nENTRYPOINT ["app"]',
		},
		{
			name: 'a user created in the stage the final stage builds on: reused, every COPY of the final stage chowned',
			code: 'FROM python:3.11-slim AS base\nRUN useradd --create-home -u 10001 web\nFROM base\nWORKDIR /srv\nCOPY . .\nCMD ["python", "-m", "web"]',
			errors: [{ messageId: 'missingUser', line: 3, column: 1, endLine: 3, endColumn: 10 }],
			output:
				'FROM python:3.11-slim AS base\nRUN useradd --create-home -u 10001 web\nFROM base\nWORKDIR /srv\nCOPY --chown=web:web . .\nUSER web\nCMD ["python", "-m", "web"]',
		},
		{
			name: 'BusyBox adduser -S without -G: the group is nogroup',
			code: 'FROM alpine:3.20\nWORKDIR /srv\nRUN adduser -S -D -H svc\nCOPY . .\nCMD ["./run"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 17 }],
			output:
				'FROM alpine:3.20\nWORKDIR /srv\nRUN adduser -S -D -H svc\nCOPY --chown=svc:nogroup . .\nUSER svc\nCMD ["./run"]',
		},
		{
			name: "Debian adduser with a quoted empty --gecos, and useradd's --home abbreviation",
			code: 'FROM debian:12\nRUN useradd --system --home /nonexistent --shell /bin/false daemon2 && adduser --disabled-password --gecos "" web\nWORKDIR /srv/web\nCOPY app/ ./app/\nCMD ["./app/run"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 15 }],
			output:
				'FROM debian:12\nRUN useradd --system --home /nonexistent --shell /bin/false daemon2 && adduser --disabled-password --gecos "" web\nWORKDIR /srv/web\nCOPY --chown=web:web app/ ./app/\nUSER web\nCMD ["./app/run"]',
		},
		{
			name: "a working directory in root's home gets a note",
			code: 'FROM ubuntu:24.04\nWORKDIR /root/tool\nCOPY run.sh .\nENTRYPOINT ["./run.sh"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 18 }],
			output:
				'FROM ubuntu:24.04\nRUN useradd --create-home --shell /usr/sbin/nologin appuser\nWORKDIR /root/tool\nCOPY --chown=appuser:appuser run.sh .\nUSER appuser\nENTRYPOINT ["./run.sh"]',
			details: [
				{
					notes: [
						WRITES,
						'The files copied into /root/tool now belong to appuser, as in the seed, so the app can change them: if it only reads them, remove --chown.',
						"The working directory /root/tool is inside root's home, which other users cannot enter: move the app elsewhere (for example /home/appuser/app).",
					],
				},
			],
		},
		{
			name: 'no fix when the stage ends in a line continuation at the end of the file',
			code: 'FROM alpine:3.20\nRUN apk add --no-cache curl \\',
			errors: [
				{
					messageId: 'missingUserNoFix',
					data: { reason: 'the stage ends in a line continuation, so a line added after it would become part of it' },
					line: 1,
					column: 1,
					endLine: 1,
					endColumn: 17,
				},
			],
			output: null,
		},
		{
			name: 'no fix when the stage ends in a here-document without its closing line',
			code: 'FROM alpine:3.20\nRUN <<EOF\napk add --no-cache curl\n',
			errors: [
				{
					messageId: 'missingUserNoFix',
					data: {
						reason:
							'the stage ends in a here-document without its closing line, so a line added after it would become part of it',
					},
					line: 1,
					column: 1,
					endLine: 1,
					endColumn: 17,
				},
			],
			output: null,
		},
		{
			name: 'USER root followed by installs: the new USER goes after the last RUN, before CMD (jenkins ships its user)',
			code: 'FROM jenkins/jenkins:lts\nUSER root\nRUN apt-get update && apt-get install -y docker-ce-cli\nCMD ["jenkins.sh"]',
			errors: [{ messageId: 'rootUser', data: { user: 'root' }, line: 2, column: 1, endLine: 2, endColumn: 10 }],
			output:
				'FROM jenkins/jenkins:lts\nUSER root\nRUN apt-get update && apt-get install -y docker-ce-cli\nUSER jenkins\nCMD ["jenkins.sh"]',
		},
		{
			name: 'jenkins/jenkins sets its own USER: reported as an image that may not switch, fixed explicitly',
			code: 'FROM jenkins/jenkins:lts\nRUN jenkins-plugin-cli --plugins git',
			errors: [
				{
					messageId: 'missingUserUnknownBase',
					data: { image: 'jenkins/jenkins:lts' },
					line: 1,
					column: 1,
					endLine: 1,
					endColumn: 25,
				},
			],
			output: 'FROM jenkins/jenkins:lts\nRUN jenkins-plugin-cli --plugins git\nUSER jenkins',
		},
		{
			name: 'USER root replaced in place (nothing runs after it); COPY after it is untouched, it is not into the workdir',
			code: 'FROM debian:12\nRUN useradd -m svc\nUSER svc\nRUN make\nUSER root\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]',
			errors: [{ messageId: 'rootUser', data: { user: 'root' }, line: 5, column: 1, endLine: 5, endColumn: 10 }],
			output:
				'FROM debian:12\nRUN useradd -m svc\nUSER svc\nRUN make\nUSER svc\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]',
		},
		{
			name: 'CRLF, backtick escape directive and a continuation line are kept',
			code: '# escape=`\r\nFROM mcr.microsoft.com/mirror/docker/library/python:3.12-slim\r\nWORKDIR /app\r\nRUN pip install `\r\n    --no-cache-dir flask==3.0.3\r\nCOPY . .\r\nCMD ["python", "app.py"]\r\n',
			errors: [{ messageId: 'missingUser', line: 2, column: 1, endLine: 2, endColumn: 62 }],
			output:
				'# escape=`\r\nFROM mcr.microsoft.com/mirror/docker/library/python:3.12-slim\r\nRUN useradd --create-home --shell /bin/bash appuser\r\nWORKDIR /app\r\nRUN pip install `\r\n    --no-cache-dir flask==3.0.3\r\nCOPY --chown=appuser:appuser . .\r\nUSER appuser\r\nCMD ["python", "app.py"]\r\n',
		},
		{
			name: 'a heredoc RUN last: USER goes after its terminator, not into its body',
			code: 'FROM ubuntu:24.04\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 18 }],
			output:
				'FROM ubuntu:24.04\nRUN useradd --create-home --shell /usr/sbin/nologin appuser\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nUSER appuser\n',
		},
		{
			name: 'a suppression comment stays on the instruction it is for: USER goes above it',
			code: 'FROM golang:1.23\nRUN go build -o /app .\n# dockerfile-harden ignore=DH102\nCMD ["sudo", "/app"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 17 }],
			output:
				'FROM golang:1.23\nRUN useradd --create-home --shell /usr/sbin/nologin appuser\nRUN go build -o /app .\nUSER appuser\n# dockerfile-harden ignore=DH102\nCMD ["sudo", "/app"]',
		},
		{
			name: 'keywords in lower case stay in lower case',
			code: 'from python:3.11-alpine\nworkdir /app\ncopy . .\ncmd ["python", "app.py"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 24 }],
			output:
				'from python:3.11-alpine\nrun adduser -D appuser\nworkdir /app\ncopy --chown=appuser:appuser . .\nuser appuser\ncmd ["python", "app.py"]',
		},
		{
			name: 'UBI minimal has no useradd: a numeric user, and a note that it has no passwd entry',
			code: 'FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nRUN microdnf install -y python3 && microdnf clean all\nCMD ["python3"]',
			errors: [
				{
					messageId: 'missingUserUnknownBase',
					data: { image: 'registry.access.redhat.com/ubi9/ubi-minimal:9.4' },
					line: 1,
					column: 1,
					endLine: 1,
					endColumn: 53,
				},
			],
			output:
				'FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nRUN microdnf install -y python3 && microdnf clean all\nUSER 65532:65532\nCMD ["python3"]',
			details: [{ notes: [WRITES, NO_PASSWD_ENTRY] }],
		},
		{
			name: 'eclipse-temurin ubi9-minimal tag: a numeric user too',
			code: 'FROM eclipse-temurin:21-ubi9-minimal\nCOPY app.jar /app.jar\nENTRYPOINT ["java", "-jar", "/app.jar"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 37 }],
			output:
				'FROM eclipse-temurin:21-ubi9-minimal\nCOPY app.jar /app.jar\nUSER 65532:65532\nENTRYPOINT ["java", "-jar", "/app.jar"]',
		},
		{
			name: 'FROM scratch alone',
			code: 'FROM scratch',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 13 }],
			output: 'FROM scratch\nUSER 65532:65532',
		},
		{
			name: 'a non-official image named like a known one is not guessed at',
			code: 'FROM registry.example.com/base/python:3.11\nCMD ["python"]',
			errors: [
				{
					messageId: 'missingUserUnknownBaseNoFix',
					data: {
						image: 'registry.example.com/base/python:3.11',
						reason: 'how to create a user in "registry.example.com/base/python:3.11" is not known',
					},
					line: 1,
					column: 1,
					endLine: 1,
					endColumn: 43,
				},
			],
			output: null,
		},
		{
			name: 'ONBUILD instructions get a note',
			code: 'FROM ubuntu:24.04\nONBUILD RUN apt-get update\nCMD ["bash"]',
			errors: [{ messageId: 'missingUser', line: 1, column: 1, endLine: 1, endColumn: 18 }],
			output:
				'FROM ubuntu:24.04\nRUN useradd --create-home --shell /usr/sbin/nologin appuser\nONBUILD RUN apt-get update\nUSER appuser\nCMD ["bash"]',
			details: [{ notes: [WRITES, 'The ONBUILD instructions now run as appuser in the images built from this one.'] }],
		},
		{
			name: 'the user is reused even when the base image is an unresolved ARG',
			code: 'ARG BASE\nFROM ${BASE}\nRUN useradd app\nUSER app\nRUN true\nUSER root',
			errors: [{ messageId: 'rootUser', data: { user: 'root' }, line: 6, column: 1, endLine: 6, endColumn: 10 }],
			output: 'ARG BASE\nFROM ${BASE}\nRUN useradd app\nUSER app\nRUN true\nUSER app',
		},

		// No fix: the message says why.
		{
			name: 'no fix: an official image whose way of creating users is not known',
			code: 'FROM traefik:v3.1\nCOPY traefik.yml /etc/traefik/',
			errors: [
				{
					messageId: 'missingUserNoFix',
					data: { reason: 'how to create a user in "traefik:v3.1" is not known' },
					line: 1,
					column: 1,
					endLine: 1,
					endColumn: 18,
				},
			],
			output: null,
		},
		{
			name: 'no fix: nginx starts as root and writes where only root can',
			code: 'FROM node:22-alpine AS build\nRUN npm ci && npm run build\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html',
			errors: [
				{
					messageId: 'missingUserNoFix',
					data: {
						reason:
							'the nginx server starts as root and writes its run-time files where only root can, so a USER line alone stops it from starting (use an unprivileged variant of the image, or give the user those directories)',
					},
					line: 3,
					column: 1,
					endLine: 3,
					endColumn: 16,
				},
			],
			output: null,
		},
		{
			name: 'no fix: USER root on a base image from an ARG without a value',
			code: 'ARG BASE\nFROM ${BASE}\nUSER root',
			errors: [
				{
					messageId: 'rootUserNoFix',
					data: {
						user: 'root',
						reason:
							'the base image "${BASE}" comes from a build argument without a value, so how to create a user in it is not known',
					},
					line: 3,
					column: 1,
					endLine: 3,
					endColumn: 10,
				},
			],
			output: null,
		},
	],
});
