import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { loadShellParser } from '../../server/src/node/shellParser';
import rule from '../../server/src/rules/add-remote-checksum';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{
			name: 'a checksum on JSON form',
			code: 'FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d ["https://example.com/a", "/a"]',
		},
		'FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tgz /tool.tgz',
		{ name: 'a local file', code: 'FROM alpine:3.20\nADD app.tar.gz /' },
		{ name: 'a git repository', code: 'FROM alpine:3.20\nADD https://github.com/org/repo.git#v1.2 /src' },
		{ name: 'an unknown variable', code: 'FROM alpine:3.20\nARG URL\nADD $URL /x' },
		{ name: 'COPY', code: 'FROM alpine:3.20\nCOPY https.txt /x' },
	],
	invalid: [
		{
			name: 'a token in the query string is not shown',
			code: 'FROM alpine:3.20\nADD https://example.com/x.bin?token=abc /x',
			errors: [
				{
					messageId: 'noChecksum',
					data: { url: 'https://example.com/x.bin' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 40,
				},
			],
			output: null,
		},
		{
			name: 'a download without checksum; credentials never shown',
			code: 'FROM alpine:3.20\nADD https://user:pw@dl.example.com/tool.tgz /opt/',
			errors: [
				{
					messageId: 'noChecksum',
					data: { url: 'https://dl.example.com/tool.tgz' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 44,
				},
			],
			output: null,
		},
		{
			name: 'a URL from an ARG default, JSON form',
			code: 'FROM alpine:3.20\nARG V=1.2\nADD ["https://example.com/v${V}/tool", "/usr/local/bin/tool"]',
			errors: [
				{
					messageId: 'noChecksum',
					data: { url: 'https://example.com/v1.2/tool' },
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 38,
				},
			],
			output: null,
		},
	],
});

describe('DH202 checksum data', () => {
	before(() => loadShellParser());
	it('names the URL to download, except when it carries credentials or a query', () => {
		const text =
			'FROM alpine:3.20\nADD https://example.com/tool.tgz /opt/\nADD https://u:p@example.com/a /a\nADD https://example.com/b?token=x /b\n';
		const data = lint(text, { rules: [rule] }).diagnostics.map((d) => d.data.checksum?.url);
		assert.deepEqual(data, ['https://example.com/tool.tgz', undefined, undefined]);
	});
});
