import rule from '../../server/src/rules/no-tls-bypass';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{
			name: 'local packages built earlier in the build',
			code: 'FROM alpine:3.20\nRUN apk add --no-cache --allow-untrusted /tmp/packages/nginx-module-*.apk',
		},
		'FROM alpine:3.20\nRUN curl -fsSL https://x -o y && wget https://z',
		{ name: 'curl -k inside a value cluster', code: 'FROM alpine:3.20\nRUN curl -fsSLo k https://x' },
		{
			name: 'verification turned on',
			code: 'FROM node:22\nENV NODE_TLS_REJECT_UNAUTHORIZED=1 GIT_SSL_NO_VERIFY=false',
		},
		{ name: 'strict-ssl true', code: 'FROM node:22\nRUN npm config set strict-ssl true' },
		{ name: 'a -k of another program', code: 'FROM alpine:3.20\nRUN ssh-keygen -k -f x' },
	],
	invalid: [
		{
			name: 'npm --no-strict-ssl, the = setting, and dnf sslverify',
			code: 'FROM node:22\nRUN npm install --no-strict-ssl && npm config set strict-ssl=false && dnf install -y --setopt=sslverify=false x',
			errors: [
				{
					messageId: 'flag',
					data: { tool: 'npm', flag: '--no-strict-ssl' },
					line: 2,
					column: 17,
					endLine: 2,
					endColumn: 32,
				},
				{
					messageId: 'setting',
					data: { setting: 'strict-ssl false', tool: 'npm' },
					line: 2,
					column: 51,
					endLine: 2,
					endColumn: 67,
				},
				{
					messageId: 'flag',
					data: { tool: 'dnf', flag: '--setopt=sslverify=false' },
					line: 2,
					column: 86,
					endLine: 2,
					endColumn: 110,
				},
			],
			output: 'FROM node:22\nRUN npm install && npm config set strict-ssl=false && dnf install -y x',
		},
		{
			name: 'the variables: a lone ENV is removed, a shared one keeps the rest',
			code: 'FROM node:22\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\nENV A=1 PIP_TRUSTED_HOST=pypi.org\nRUN node app.js',
			errors: [
				{
					messageId: 'variable',
					data: { name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: '0', flag: 'NODE_TLS_REJECT_UNAUTHORIZED' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 35,
				},
				{
					messageId: 'variable',
					data: { name: 'PIP_TRUSTED_HOST', value: 'pypi.org', flag: 'PIP_TRUSTED_HOST' },
					line: 3,
					column: 9,
					endLine: 3,
					endColumn: 34,
				},
			],
			output: 'FROM node:22\nENV A=1\nRUN node app.js',
		},
		{
			name: 'flags, with values and inside a short-option cluster',
			code: 'FROM python:3.12\nRUN curl -fsSLk https://x -o y && curl --insecure https://z && pip install --trusted-host pypi.org x',
			errors: [
				{ messageId: 'flag', data: { tool: 'curl', flag: '-k' }, line: 2, column: 10, endLine: 2, endColumn: 16 },
				{
					messageId: 'flag',
					data: { tool: 'curl', flag: '--insecure' },
					line: 2,
					column: 40,
					endLine: 2,
					endColumn: 50,
				},
				{
					messageId: 'flag',
					data: { tool: 'pip', flag: '--trusted-host' },
					line: 2,
					column: 76,
					endLine: 2,
					endColumn: 99,
				},
			],
			output: 'FROM python:3.12\nRUN curl -fsSL https://x -o y && curl https://z && pip install x',
		},
		{
			name: 'package managers and an inline variable',
			code: 'FROM alpine:3.20\nRUN GIT_SSL_NO_VERIFY=1 git clone https://h/r && apk add --allow-untrusted curl',
			errors: [
				{
					messageId: 'variable',
					data: { name: 'GIT_SSL_NO_VERIFY', value: '1', flag: 'GIT_SSL_NO_VERIFY' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 24,
				},
				{
					messageId: 'flag',
					data: { tool: 'apk', flag: '--allow-untrusted' },
					line: 2,
					column: 58,
					endLine: 2,
					endColumn: 75,
				},
			],
			output: 'FROM alpine:3.20\nRUN git clone https://h/r && apk add curl',
		},
		{
			name: 'settings get no automatic fix',
			code: 'FROM node:22\nRUN npm config set strict-ssl false && git config --global http.sslVerify false',
			errors: [
				{
					messageId: 'setting',
					data: { setting: 'strict-ssl false', tool: 'npm' },
					line: 2,
					column: 20,
					endLine: 2,
					endColumn: 36,
				},
				{
					messageId: 'setting',
					data: { setting: 'http.sslVerify false', tool: 'git' },
					line: 2,
					column: 60,
					endLine: 2,
					endColumn: 80,
				},
			],
			output: null,
		},
		{
			name: 'rpm and yum',
			code: 'FROM fedora:40\nRUN rpm -i --nosignature x.rpm && yum install -y --nogpgcheck y',
			errors: [
				{
					messageId: 'flag',
					data: { tool: 'rpm', flag: '--nosignature' },
					line: 2,
					column: 12,
					endLine: 2,
					endColumn: 25,
				},
				{
					messageId: 'flag',
					data: { tool: 'yum', flag: '--nogpgcheck' },
					line: 2,
					column: 50,
					endLine: 2,
					endColumn: 62,
				},
			],
			output: 'FROM fedora:40\nRUN rpm -i x.rpm && yum install -y y',
		},
	],
});
