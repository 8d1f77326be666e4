import rule from '../../server/src/rules/no-pipe-to-shell';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		'FROM alpine:3.20\nRUN curl -fsSLo install.sh https://get.example.com && sha256sum -c sums && sh install.sh',
		{ name: 'piped into tar', code: 'FROM alpine:3.20\nRUN curl -fsSL https://example.com/x.tgz | tar xz' },
		{ name: 'curl writing a file in a pipeline', code: 'FROM alpine:3.20\nRUN curl -o f https://x | sh' },
		{ name: 'in a string', code: 'FROM alpine:3.20\nRUN echo "curl https://x | sh"' },
		{ name: 'a shell reading a local script', code: 'FROM alpine:3.20\nRUN cat install.sh | sh' },
	],
	invalid: [
		{
			name: 'curl -o - and eval of a download',
			code: 'FROM debian:12\nRUN curl -fsSLo- https://x | sh && eval "$(curl -s https://y)"',
			errors: [
				{
					messageId: 'pipeToShell',
					data: { downloader: 'curl', shell: 'sh' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 32,
				},
				{
					messageId: 'pipeToShell',
					data: { downloader: 'curl', shell: 'eval' },
					line: 2,
					column: 36,
					endLine: 2,
					endColumn: 63,
				},
			],
			output: null,
		},
		{
			name: 'curl into sudo sh',
			code: 'FROM debian:12\nRUN curl -fsSL https://get.example.com | sudo sh -s -- -y',
			errors: [
				{
					messageId: 'pipeToShell',
					data: { downloader: 'curl', shell: 'sh' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 58,
				},
			],
			output: null,
		},
		{
			name: 'wget to stdout into bash',
			code: 'FROM debian:12\nRUN wget -qO- https://example.com/setup | bash',
			errors: [
				{
					messageId: 'pipeToShell',
					data: { downloader: 'wget', shell: 'bash' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 47,
				},
			],
			output: null,
		},
		{
			name: 'command and process substitution',
			code: 'FROM debian:12\nRUN sh -c "$(curl -fsSL https://x)" && bash <(curl -s https://y)',
			errors: [
				{
					messageId: 'pipeToShell',
					data: { downloader: 'curl', shell: 'sh' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 36,
				},
				{
					messageId: 'pipeToShell',
					data: { downloader: 'curl', shell: 'bash' },
					line: 2,
					column: 40,
					endLine: 2,
					endColumn: 65,
				},
			],
			output: null,
		},
		{
			name: 'into python',
			code: 'FROM python:3.12\nRUN curl -sSL https://install.python-poetry.org | python3 -',
			errors: [
				{
					messageId: 'pipeToShell',
					data: { downloader: 'curl', shell: 'python3' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 60,
				},
			],
			output: null,
		},
	],
});
