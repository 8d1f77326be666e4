import rule from '../../server/src/rules/no-setuid-bit';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{ name: 'o+s does nothing', code: 'FROM alpine:3.20\nRUN chmod o+s /usr/local/bin/x' },
		'FROM alpine:3.20\nRUN chmod 755 /usr/local/bin/app',
		{ name: 'setgid on a shared directory', code: 'FROM alpine:3.20\nRUN chmod g+s /srv/shared && chmod 2775 /data' },
		{ name: 'removing the bit', code: 'FROM alpine:3.20\nRUN chmod u-s /usr/bin/passwd' },
		{ name: 'three-digit mode', code: 'FROM alpine:3.20\nCOPY --chmod=755 app /usr/local/bin/app' },
	],
	invalid: [
		{
			name: 'extra leading zero, and COPY into a bin directory',
			code: 'FROM alpine:3.20\nRUN chmod 04755 /opt/tool\nCOPY --chmod=2755 tool /usr/local/bin/',
			errors: [
				{
					messageId: 'specialBit',
					data: { mode: '04755', bit: 'setuid' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 26,
				},
				{
					messageId: 'specialBit',
					data: { mode: '2755', bit: 'setgid' },
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 18,
				},
			],
			output: null,
		},
		{
			name: 'u+s',
			code: 'FROM alpine:3.20\nRUN chmod u+s /usr/local/bin/app',
			errors: [
				{
					messageId: 'specialBit',
					data: { mode: 'u+s', bit: 'setuid' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 33,
				},
			],
			output: null,
		},
		{
			name: 'numeric setuid and setgid on a program',
			code: 'FROM alpine:3.20\nRUN chmod 4755 /opt/tool && chmod 2755 /usr/bin/wall',
			errors: [
				{
					messageId: 'specialBit',
					data: { mode: '4755', bit: 'setuid' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 25,
				},
				{
					messageId: 'specialBit',
					data: { mode: '2755', bit: 'setgid' },
					line: 2,
					column: 29,
					endLine: 2,
					endColumn: 53,
				},
			],
			output: null,
		},
		{
			name: 'COPY --chmod',
			code: 'FROM alpine:3.20\nCOPY --chmod=6755 helper /usr/local/bin/helper',
			errors: [
				{
					messageId: 'specialBit',
					data: { mode: '6755', bit: 'setuid' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 18,
				},
			],
			output: null,
		},
	],
});
