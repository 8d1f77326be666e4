import rule from '../../server/src/rules/no-world-writable';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{
			name: 'a scratch directory removed in the same RUN',
			code: 'FROM debian:12\nRUN tempDir="$(mktemp -d)" && chmod 777 "$tempDir" && make -C "$tempDir" && rm -rf "$tempDir"',
		},
		'FROM alpine:3.20\nRUN chmod 755 /app && chmod -R u+w /data',
		{ name: "/tmp's sticky mode", code: 'FROM alpine:3.20\nRUN chmod 1777 /tmp && chmod a+rwxt /scratch' },
		{ name: '+w follows the umask', code: 'FROM alpine:3.20\nRUN chmod +w file' },
		{ name: 'a mode from a variable', code: 'FROM alpine:3.20\nRUN chmod "$MODE" file' },
		{ name: 'COPY with a safe mode', code: 'FROM alpine:3.20\nCOPY --chmod=644 a /a' },
		{ name: 'chmod --reference', code: 'FROM alpine:3.20\nRUN chmod --reference=/etc/passwd file' },
	],
	invalid: [
		{
			name: 'chmod -R 777',
			code: 'FROM alpine:3.20\nRUN chmod -R 777 /app',
			errors: [
				{
					messageId: 'worldWritable',
					data: { mode: '777', tighter: '755' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 22,
				},
			],
			output: 'FROM alpine:3.20\nRUN chmod -R 755 /app',
		},
		{
			name: 'symbolic other-write gets no automatic fix',
			code: 'FROM alpine:3.20\nRUN chmod o+w /app/data',
			errors: [
				{
					messageId: 'worldWritable',
					data: { mode: 'o+w', tighter: 'e.g. u+w, or 755 for directories and 644 for files' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 24,
				},
			],
			output: null,
		},
		{
			name: 'COPY --chmod keeps the digit count',
			code: 'FROM alpine:3.20\nCOPY --chmod=0666 config.yml /etc/app/',
			errors: [
				{
					messageId: 'worldWritable',
					data: { mode: '0666', tighter: '0644' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 18,
				},
			],
			output: 'FROM alpine:3.20\nCOPY --chmod=0644 config.yml /etc/app/',
		},
	],
});
