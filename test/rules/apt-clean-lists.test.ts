import rule from '../../server/src/rules/apt-clean-lists';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{
			name: 'apt-get dist-clean removes the lists',
			code: 'FROM debian:13\nRUN apt-get update; apt-get install -y curl; apt-get dist-clean',
		},
		'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*',
		{
			name: 'the directory itself',
			code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl; rm -r /var/lib/apt/lists',
		},
		{
			name: 'cache mount on the lists',
			code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl',
		},
		{ name: 'no apt at all', code: 'FROM debian:12\nRUN apt-cache policy curl' },
		{ name: 'apk', code: 'FROM alpine:3.20\nRUN apk update && apk add curl' },
	],
	invalid: [
		{
			name: 'lists left, fix appended after the last command and before a trailing comment',
			code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl # tools',
			errors: [{ messageId: 'listsLeft', line: 2, column: 5, endLine: 2, endColumn: 19 }],
			output: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* # tools',
		},
		{
			name: 'continuation lines and CRLF',
			code: 'FROM debian:12\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\n',
			errors: [{ messageId: 'listsLeft', line: 2, column: 5, endLine: 2, endColumn: 19 }],
			output:
				'FROM debian:12\r\nRUN apt-get update \\\r\n && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\r\n',
		},
		{
			name: 'a later RUN installs from these lists: no fix for the first, a fix for the last',
			code: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y git',
			errors: [
				{ messageId: 'listsLeft', line: 2, column: 5, endLine: 2, endColumn: 19 },
				{ messageId: 'listsLeft', line: 3, column: 5, endLine: 3, endColumn: 27 },
			],
			output: 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y git && rm -rf /var/lib/apt/lists/*',
		},
		{
			name: 'a stage built on this one installs without updating: no fix',
			code: 'FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*',
			errors: [{ messageId: 'listsLeft', line: 2, column: 5, endLine: 2, endColumn: 19 }],
			output:
				'FROM debian:12 AS base\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\nFROM base\nRUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*',
		},
		{
			name: 'a here-document RUN gets no automatic fix',
			code: 'FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF',
			errors: [{ messageId: 'listsLeft', line: 3, column: 1, endLine: 3, endColumn: 15 }],
			output: null,
		},
		{
			name: 'a RUN that ends in the background gets no automatic fix',
			code: 'FROM debian:12\nRUN apt-get update &',
			errors: [{ messageId: 'listsLeft', line: 2, column: 5, endLine: 2, endColumn: 19 }],
			output: null,
		},
	],
});
