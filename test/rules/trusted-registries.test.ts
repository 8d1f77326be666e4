import { DEFAULT_SETTINGS } from '../../server/src/protocol';
import rule from '../../server/src/rules/trusted-registries';
import { RuleTester } from '../harness/ruleTester';

const trusted = (...list: string[]) => ({ ...DEFAULT_SETTINGS, trustedRegistries: list });

new RuleTester().run(rule, {
	valid: [
		{ name: 'off without a list', code: 'FROM evil.example.com/app:1\nCOPY --from=quay.io/x/y:1 /a /a' },
		{
			name: 'Docker Hub spelled as hub.docker.com',
			code: 'FROM python:3.12\nFROM library/node:22',
			settings: trusted('hub.docker.com'),
		},
		{ name: 'suffix wildcard', code: 'FROM eu.gcr.io/p/app:1', settings: trusted('*.gcr.io') },
		{ name: 'prefix wildcard', code: 'FROM registry.corp.example:5000/app:1', settings: trusted('registry.corp*') },
		{
			name: 'stages and scratch are not registries',
			code: 'FROM ghcr.io/o/b:1 AS b\nFROM b\nFROM scratch\nCOPY --from=b / /',
			settings: trusted('ghcr.io'),
		},
	],
	invalid: [
		{
			name: 'every site',
			code: '# syntax=docker/dockerfile:1\nFROM ghcr.io/o/base:1\nCOPY --from=quay.io/o/tool:2 /t /t\nRUN --mount=from=python:3.12,target=/p ls /p',
			settings: trusted('ghcr.io'),
			errors: [
				{
					messageId: 'untrusted',
					data: { image: 'docker/dockerfile:1', registry: 'docker.io', trusted: 'ghcr.io' },
					line: 1,
					column: 10,
					endLine: 1,
					endColumn: 29,
				},
				{
					messageId: 'untrusted',
					data: { image: 'quay.io/o/tool:2', registry: 'quay.io', trusted: 'ghcr.io' },
					line: 3,
					column: 13,
					endLine: 3,
					endColumn: 29,
				},
				{
					messageId: 'untrusted',
					data: { image: 'python:3.12', registry: 'docker.io', trusted: 'ghcr.io' },
					line: 4,
					column: 18,
					endLine: 4,
					endColumn: 29,
				},
			],
			output: null,
		},
		{
			name: 'an ARG default used as the image',
			code: 'ARG BASE=docker.io/library/alpine:3.20\nFROM $BASE',
			settings: trusted('ghcr.io', '*.corp.example'),
			errors: [
				{
					messageId: 'untrusted',
					data: { image: 'docker.io/library/alpine:3.20', registry: 'docker.io', trusted: 'ghcr.io, *.corp.example' },
					line: 1,
					column: 10,
					endLine: 1,
					endColumn: 39,
				},
			],
			output: null,
		},
	],
});
