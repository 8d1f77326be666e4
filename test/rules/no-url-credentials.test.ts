import rule from '../../server/src/rules/no-url-credentials';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		'FROM python:3.11\nRUN pip install --index-url https://pypi.example.com/simple flask',
		{ name: 'git over ssh', code: 'FROM alpine\nRUN git clone ssh://git@github.com/org/repo.git' },
		{ name: 'scp-like git URL', code: 'FROM alpine\nRUN git clone git@github.com:org/repo.git' },
		{ name: 'ENV values are DH301', code: 'FROM alpine\nENV URL=https://u:p@example.com' },
		{ name: 'an email address in a label', code: 'FROM alpine\nLABEL maintainer="dev@example.com"' },
		{
			name: 'credentials from a secret mount',
			code: 'FROM python:3.11\nRUN --mount=type=secret,id=pypi,env=PYPI_TOKEN pip install --index-url https://__token__:${PYPI_TOKEN}@pypi.example.com/simple x',
		},
		{
			name: 'credentials read from a mounted secret file',
			code: 'FROM alpine\nRUN --mount=type=secret,id=gh TOKEN=$(cat /run/secrets/gh) && git clone https://$TOKEN@github.com/o/r.git',
		},
		{ name: 'comments are not in the image', code: '# https://user:pass@example.com\nFROM alpine' },
	],
	invalid: [
		{
			name: 'a variable assigned a literal, not read from the secret',
			code: 'FROM alpine\nRUN --mount=type=secret,id=gh CRED=hunter2 && curl https://u:${CRED}@files.example.com/x',
			errors: [{ messageId: 'urlCredentials', data: { host: 'files.example.com' }, line: 2, column: 52, endLine: 2, endColumn: 87 }],
			output: null,
		},
		{
			name: "the seed's layer 3 pip install",
			code: 'FROM python:3.11-slim\nARG PYPI_TOKEN\nRUN pip install --extra-index-url https://user:${PYPI_TOKEN}@private.pypi.example.com/ mypackage',
			errors: [{ messageId: 'urlCredentials', data: { host: 'private.pypi.example.com' }, line: 3, column: 35, endLine: 3, endColumn: 86 }],
			output: null,
		},
		{
			name: 'a literal password',
			code: 'FROM alpine\nRUN curl -o x https://admin:hunter2@files.example.com:8443/x',
			errors: [{ messageId: 'literalUrlCredentials', data: { host: 'files.example.com:8443' }, line: 2, column: 15, endLine: 2, endColumn: 59 }],
			output: null,
		},
		{
			name: 'a token as the user name',
			code: 'FROM alpine\nRUN git clone https://${GITHUB_TOKEN}@github.com/org/private.git',
			errors: [{ messageId: 'urlCredentials', data: { host: 'github.com' }, line: 2, column: 15, endLine: 2, endColumn: 49 }],
			output: null,
		},
		{
			name: 'ADD from a URL with credentials, inside a continuation',
			code: 'FROM alpine\nADD \\\n  https://u:$PASS@dl.example.com/a.tgz /a.tgz',
			errors: [{ messageId: 'urlCredentials', data: { host: 'dl.example.com' }, line: 3, column: 3, endLine: 3, endColumn: 33 }],
			output: null,
		},
	],
});
