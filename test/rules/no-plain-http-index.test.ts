import rule from '../../server/src/rules/no-plain-http-index';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		'FROM python:3.12\nRUN pip install -i https://pypi.example.com/simple flask',
		{
			name: 'loopback',
			code: 'FROM python:3.12\nRUN pip install -i http://localhost:3141/simple flask && pip install -i http://127.0.0.1/s x',
		},
		{ name: 'a plain URL that is not an index', code: 'FROM python:3.12\nRUN curl -o /x http://example.com/file' },
		{ name: 'https in a variable', code: 'FROM node:22\nENV NPM_CONFIG_REGISTRY=https://npm.example.com' },
	],
	invalid: [
		{
			name: 'pip index variable',
			code: 'FROM python:3.12\nENV PIP_INDEX_URL=http://pypi.internal/simple',
			errors: [
				{ messageId: 'plainHttp', data: { host: 'pypi.internal' }, line: 2, column: 19, endLine: 2, endColumn: 46 },
			],
			output: null,
		},
		{
			name: 'npm and pip options, credentials never shown',
			code: 'FROM node:22\nRUN npm install --registry=http://npm.corp x && pip install --extra-index-url http://u:p@h.io/s y',
			errors: [
				{ messageId: 'plainHttp', data: { host: 'npm.corp' }, line: 2, column: 17, endLine: 2, endColumn: 43 },
				{ messageId: 'plainHttp', data: { host: 'h.io' }, line: 2, column: 79, endLine: 2, endColumn: 96 },
			],
			output: null,
		},
		{
			name: 'npm config set and GOPROXY',
			code: 'FROM golang:1.23\nRUN npm config set registry http://npm.corp/ && go env -w GOPROXY=http://proxy.corp,direct',
			errors: [
				{ messageId: 'plainHttp', data: { host: 'npm.corp' }, line: 2, column: 29, endLine: 2, endColumn: 45 },
				{ messageId: 'plainHttp', data: { host: 'proxy.corp' }, line: 2, column: 59, endLine: 2, endColumn: 91 },
			],
			output: null,
		},
	],
});
