import rule from '../../server/src/rules/no-secret-file-copy';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{
			name: 'a .key copied as a public key',
			code: 'FROM jenkins/jenkins:lts\nCOPY jenkins.io-2026.key /war/jenkins-key.pub',
		},
		{
			name: 'a here-document written to a secret path',
			code: 'FROM node:22\nCOPY <<EOF /root/.npmrc\nregistry=https://registry.npmjs.org/\nEOF',
		},
		'FROM node:22\nCOPY package.json package-lock.json ./',
		{ name: 'env templates', code: 'FROM node:22\nCOPY .env.example .env.sample /app/' },
		{ name: 'certificates by name', code: 'FROM alpine:3.20\nCOPY certs/ca.pem fullchain.pem /etc/ssl/' },
		{ name: 'a public key file', code: 'FROM alpine:3.20\nCOPY id_rsa.pub /root/.ssh/authorized_keys' },
		{
			name: 'a .pem that the context shows is a certificate',
			code: 'FROM alpine:3.20\nCOPY server.pem /etc/ssl/',
			files: { 'server.pem': '-----BEGIN CERTIFICATE-----\n' },
		},
		{ name: 'from another stage', code: 'FROM alpine:3.20 AS b\nFROM alpine:3.20\nCOPY --from=b /root/.npmrc /x' },
		{
			name: 'already a secret mount',
			code: 'FROM node:22\nWORKDIR /app\nCOPY package.json ./\nRUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci',
		},
	],
	invalid: [
		{
			name: 'an .npmrc and a .env no RUN reads',
			code: 'FROM node:22\nCOPY .npmrc package.json .env.local ./',
			errors: [
				{
					messageId: 'secretFileNotRead',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', target: '/.npmrc', id: 'npmrc' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 12,
				},
				{
					messageId: 'secretFileNotRead',
					data: {
						file: '.env.local',
						what: 'environment secrets',
						keyword: 'COPY',
						target: '/.env.local',
						id: 'env_local',
					},
					line: 2,
					column: 26,
					endLine: 2,
					endColumn: 36,
				},
			],
			output: null,
		},
		{
			name: 'credential directories and paths',
			code: 'FROM python:3.12\nADD .aws /root/.aws\nCOPY ./home/.docker/config.json /root/.docker/',
			errors: [
				{
					messageId: 'secretDirectory',
					data: { file: '.aws', what: 'cloud credentials', keyword: 'ADD' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 9,
				},
				{
					messageId: 'secretFileNotRead',
					data: {
						file: 'home/.docker/config.json',
						what: 'registry credentials',
						keyword: 'COPY',
						target: '/root/.docker/config.json',
						id: 'config_json',
					},
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 32,
				},
			],
			output: null,
		},
		{
			name: 'a .pem that the context shows is a private key, and an SSH key',
			code: 'FROM alpine:3.20\nCOPY server.pem id_ed25519 /keys/',
			files: { 'server.pem': '-----BEGIN RSA PRIVATE KEY-----\n' },
			errors: [
				{
					messageId: 'secretFileNotRead',
					data: {
						file: 'server.pem',
						what: 'a private key',
						keyword: 'COPY',
						target: '/keys/server.pem',
						id: 'server_pem',
					},
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 16,
				},
				{
					messageId: 'secretFileNotRead',
					data: {
						file: 'id_ed25519',
						what: 'an SSH private key',
						keyword: 'COPY',
						target: '/keys/id_ed25519',
						id: 'id_ed25519',
					},
					line: 2,
					column: 17,
					endLine: 2,
					endColumn: 27,
				},
			],
			output: null,
		},
		{
			name: "npm's project .npmrc: the RUN that installs mounts it, and the command that deleted it goes",
			code: 'FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json .npmrc ./\nRUN npm ci && rm -f .npmrc\nCOPY . .\nRUN npm run build\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 3,
					column: 37,
					endLine: 3,
					endColumn: 43,
				},
			],
			output:
				'FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci\nCOPY . .\nRUN npm run build\n',
			details: [
				{
					secrets: [{ id: 'npmrc', src: '.npmrc' }],
					notes: [
						'Add .npmrc to .dockerignore, so that no `COPY . …` puts it back into the image.',
						'The commands that deleted /app/.npmrc are gone: a secret mount leaves nothing behind to delete.',
						'Images built before this change still hold .npmrc: rotate the credentials in it if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'the user .npmrc, deleted by a RUN of its own',
			code: 'FROM node:22\nWORKDIR /app\nCOPY .npmrc /root/.npmrc\nRUN npm ci\nRUN rm /root/.npmrc\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 12,
				},
			],
			output: 'FROM node:22\nWORKDIR /app\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n',
		},
		{
			name: "the seed's pip.conf in /etc",
			code: 'FROM python:3.11-slim AS builder\nWORKDIR /app\nCOPY pip.conf /etc/pip.conf\nCOPY requirements.txt .\nRUN pip install --require-hashes --no-cache-dir --prefix=/install -r requirements.txt\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: 'pip.conf', what: 'private index credentials', keyword: 'COPY', id: 'pip_conf' },
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 14,
				},
			],
			output:
				'FROM python:3.11-slim AS builder\nWORKDIR /app\nCOPY requirements.txt .\nRUN --mount=type=secret,id=pip_conf,target=/etc/pip.conf pip install --require-hashes --no-cache-dir --prefix=/install -r requirements.txt\n',
			details: [
				{
					secrets: [{ id: 'pip_conf', src: 'pip.conf' }],
					notes: [
						'Add pip.conf to .dockerignore, so that no `COPY . …` puts it back into the image.',
						'Images built before this change still hold pip.conf: rotate the credentials in it if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'a .netrc read by pip and by curl -n, not by plain curl',
			code: 'FROM python:3.12\nCOPY .netrc /root/\nRUN pip install --no-cache-dir private-package==1.0\nRUN curl -fsSL https://example.com/a -o /a\nRUN curl -n -fsSL https://files.example.com/b -o /b\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.netrc', what: 'login credentials', keyword: 'COPY', id: 'netrc' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 12,
				},
			],
			output:
				'FROM python:3.12\nRUN --mount=type=secret,id=netrc,target=/root/.netrc pip install --no-cache-dir private-package==1.0\nRUN curl -fsSL https://example.com/a -o /a\nRUN --mount=type=secret,id=netrc,target=/root/.netrc curl -n -fsSL https://files.example.com/b -o /b\n',
		},
		{
			name: 'git credentials and git clone',
			code: 'FROM alpine/git\nCOPY .git-credentials /root/.git-credentials\nRUN git config --global credential.helper store && git clone https://github.com/org/private.git /src\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.git-credentials', what: 'git credentials', keyword: 'COPY', id: 'git-credentials' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 22,
				},
			],
			output:
				'FROM alpine/git\nRUN --mount=type=secret,id=git-credentials,target=/root/.git-credentials git config --global credential.helper store && git clone https://github.com/org/private.git /src\n',
		},
		{
			name: 'an SSH key used by git over ssh',
			code: 'FROM alpine/git\nCOPY id_ed25519 /root/.ssh/id_ed25519\nRUN git clone git@github.com:org/private.git /src\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: 'id_ed25519', what: 'an SSH private key', keyword: 'COPY', id: 'id_ed25519' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 16,
				},
			],
			output:
				'FROM alpine/git\nRUN --mount=type=secret,id=id_ed25519,target=/root/.ssh/id_ed25519 git clone git@github.com:org/private.git /src\n',
		},
		{
			name: 'a numeric non-root user gets uid=',
			code: 'FROM node:22\nUSER 1000:1000\nWORKDIR /home/node/app\nCOPY --chown=1000:1000 .npmrc ./\nRUN npm ci\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 4,
					column: 24,
					endLine: 4,
					endColumn: 30,
				},
			],
			output:
				'FROM node:22\nUSER 1000:1000\nWORKDIR /home/node/app\nRUN --mount=type=secret,id=npmrc,target=/home/node/app/.npmrc,uid=1000,gid=1000 npm ci\n',
		},
		{
			name: 'a named non-root user: mode=0444, and a note',
			code: 'FROM node:22\nUSER node\nWORKDIR /home/node/app\nCOPY --chown=node:node .npmrc ./\nRUN npm ci\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 4,
					column: 24,
					endLine: 4,
					endColumn: 30,
				},
			],
			output:
				'FROM node:22\nUSER node\nWORKDIR /home/node/app\nRUN --mount=type=secret,id=npmrc,target=/home/node/app/.npmrc,mode=0444 npm ci\n',
			details: [
				{
					secrets: [{ id: 'npmrc', src: '.npmrc' }],
					notes: [
						'Add .npmrc to .dockerignore, so that no `COPY . …` puts it back into the image.',
						'The RUN runs as node, whose uid the Dockerfile does not give, so the secret is mounted with mode=0444 (readable by every user of that RUN): use uid=<its uid> instead if you know it.',
						'Images built before this change still hold .npmrc: rotate the credentials in it if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'a private key a RUN names',
			code: 'FROM alpine:3.20\nCOPY deploy.key /tmp/deploy.key\nRUN apk add --no-cache openssl && openssl rsautl -sign -inkey /tmp/deploy.key -in /etc/hostname -out /sig\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: 'deploy.key', what: 'a private key', keyword: 'COPY', id: 'deploy_key' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 16,
				},
			],
			output:
				'FROM alpine:3.20\nRUN --mount=type=secret,id=deploy_key,target=/tmp/deploy.key apk add --no-cache openssl && openssl rsautl -sign -inkey /tmp/deploy.key -in /etc/hostname -out /sig\n',
		},
		{
			name: 'a stage built on the one that copied it',
			code: 'FROM node:22 AS deps\nWORKDIR /app\nCOPY .npmrc package.json ./\nFROM deps AS build\nRUN npm install\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 12,
				},
			],
			output:
				'FROM node:22 AS deps\nWORKDIR /app\nCOPY package.json ./\nFROM deps AS build\nRUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm install\n',
		},
		{
			name: 'CRLF line endings',
			code: 'FROM node:22\r\nWORKDIR /app\r\nCOPY .npmrc ./\r\nRUN npm ci\r\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 12,
				},
			],
			output: 'FROM node:22\r\nWORKDIR /app\r\nRUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci\r\n',
		},
		{
			name: 'the backtick escape directive, a source on a continuation line',
			code: '# escape=`\nFROM node:22\nWORKDIR /app\nCOPY package.json `\n     .npmrc `\n     ./\nRUN npm ci\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 5,
					column: 6,
					endLine: 5,
					endColumn: 12,
				},
			],
			output:
				'# escape=`\nFROM node:22\nWORKDIR /app\nCOPY package.json `\n     ./\nRUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci\n',
		},
		{
			name: 'a here-document RUN that reads .env',
			code: 'FROM node:22\nWORKDIR /app\nCOPY .env ./\nRUN <<EOF\nset -a\n. ./.env\nnpm run build\nEOF\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.env', what: 'environment secrets', keyword: 'COPY', id: 'env' },
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 10,
				},
			],
			output:
				'FROM node:22\nWORKDIR /app\nRUN --mount=type=secret,id=env,target=/app/.env <<EOF\nset -a\n. ./.env\nnpm run build\nEOF\n',
		},
		{
			name: 'two secret files in one COPY',
			code: 'FROM node:22\nCOPY .npmrc .netrc /root/\nRUN npm ci && wget https://files.example.com/x\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 12,
				},
				{
					messageId: 'secretFile',
					data: { file: '.netrc', what: 'login credentials', keyword: 'COPY', id: 'netrc' },
					line: 2,
					column: 13,
					endLine: 2,
					endColumn: 19,
				},
			],
			output:
				'FROM node:22\nRUN --mount=type=secret,id=netrc,target=/root/.netrc --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci && wget https://files.example.com/x\n',
		},
		{
			name: 'exec form COPY',
			code: 'FROM node:22\nWORKDIR /app\nCOPY [".npmrc", "package.json", "./"]\nRUN npm ci\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 3,
					column: 7,
					endLine: 3,
					endColumn: 15,
				},
			],
			output:
				'FROM node:22\nWORKDIR /app\nCOPY ["package.json", "./"]\nRUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci\n',
		},
		{
			name: 'a destination from an unknown variable',
			code: 'FROM node:22\nCOPY .npmrc ${NPM_HOME}/\nRUN npm ci\n',
			errors: [
				{
					messageId: 'secretFileNoTarget',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 12,
				},
			],
			output: null,
		},
		{
			name: 'deleted where the fix cannot take the command out: no fix',
			code: 'FROM node:22\nWORKDIR /app\nCOPY .npmrc ./\nRUN npm ci && (rm .npmrc)\n',
			errors: [
				{
					messageId: 'secretFile',
					data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' },
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 12,
				},
			],
			output: null,
		},
	],
});
