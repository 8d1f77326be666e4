import rule from '../../server/src/rules/no-sudo';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		'FROM debian:12\nRUN apt-get install -y curl',
		{ name: 'sudo in a string', code: 'FROM debian:12\nRUN echo "run with sudo"' },
		{ name: 'sudoers-like file names', code: 'FROM debian:12\nRUN rm -f /etc/sudoers.d/x' },
		{ name: 'removing sudo', code: 'FROM debian:12\nRUN apt-get purge -y sudo' },
	],
	invalid: [
		{
			name: 'a versioned sudo package',
			code: 'FROM debian:12\nRUN apt-get install -y sudo=1.9.13p3-1',
			errors: [{ messageId: 'installsSudo', line: 2, column: 24, endLine: 2, endColumn: 39 }],
			output: null,
		},
		{
			name: 'sudo runs a command',
			code: 'FROM debian:12\nUSER app\nRUN sudo -E apt-get install -y curl',
			errors: [{ messageId: 'runsSudo', line: 3, column: 5, endLine: 3, endColumn: 20 }],
			output: null,
		},
		{
			name: 'sudo installed',
			code: 'FROM alpine:3.20\nRUN apk add --no-cache sudo bash',
			errors: [{ messageId: 'installsSudo', line: 2, column: 24, endLine: 2, endColumn: 28 }],
			output: null,
		},
	],
});
