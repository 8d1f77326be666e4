import rule from '../../server/src/rules/no-ssh-server';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		'FROM debian:12\nEXPOSE 80 443\nRUN apt-get install -y openssh-client',
		{
			name: 'a builder stage is not shipped',
			code: 'FROM debian:12 AS build\nEXPOSE 22\nRUN apt-get install -y openssh-server\nFROM debian:12\nCOPY --from=build /a /a',
		},
		{ name: 'UDP 22 and a range without 22', code: 'FROM debian:12\nEXPOSE 22/udp 2000-2300' },
		{ name: 'a port from an unknown ARG', code: 'FROM debian:12\nARG PORT\nEXPOSE $PORT' },
	],
	invalid: [
		{
			name: "Debian's ssh metapackage",
			code: 'FROM debian:12\nRUN apt-get install -y ssh',
			errors: [{ messageId: 'installsSsh', data: { package: 'ssh' }, line: 2, column: 24, endLine: 2, endColumn: 27 }],
			output: null,
		},
		{
			name: 'EXPOSE 22 through an ARG default and a range',
			code: 'FROM debian:12\nARG SSH=22\nEXPOSE 8080 ${SSH}/tcp 20-25',
			errors: [
				{ messageId: 'exposesSsh', line: 3, column: 13, endLine: 3, endColumn: 23 },
				{ messageId: 'exposesSsh', line: 3, column: 24, endLine: 3, endColumn: 29 },
			],
			output: null,
		},
		{
			name: 'an SSH server installed in a stage the final one builds on',
			code: 'FROM alpine:3.20 AS base\nRUN apk add --no-cache openssh\nFROM base',
			errors: [
				{ messageId: 'installsSsh', data: { package: 'openssh' }, line: 2, column: 24, endLine: 2, endColumn: 31 },
			],
			output: null,
		},
	],
});
