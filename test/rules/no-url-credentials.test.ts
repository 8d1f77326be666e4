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
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'files.example.com' },
					line: 2,
					column: 52,
					endLine: 2,
					endColumn: 87,
				},
			],
			output: null,
		},
		{
			name: "the seed's layer 3 pip install: the extra index URL becomes a secret",
			code: 'FROM python:3.11-slim\nARG PYPI_TOKEN\nRUN pip install --extra-index-url https://user:${PYPI_TOKEN}@private.pypi.example.com/ mypackage',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'private.pypi.example.com' },
					line: 3,
					column: 35,
					endLine: 3,
					endColumn: 86,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.11-slim\nARG PYPI_TOKEN\nRUN --mount=type=secret,id=pip_extra_index_url,env=PIP_EXTRA_INDEX_URL pip install mypackage',
			details: [
				{
					secrets: [{ id: 'pip_extra_index_url', env: 'PIP_EXTRA_INDEX_URL' }],
					notes: [
						'Export PIP_EXTRA_INDEX_URL on the build machine with the full index URL for private.pypi.example.com, credentials included.',
						'pip still takes a package from PyPI when PyPI has a newer version than the extra index (dependency confusion, DH404): prefer one index that serves both.',
						'Images built before this change still hold the credentials in their history: rotate them if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'a literal password',
			code: 'FROM alpine\nRUN curl -o x https://admin:hunter2@files.example.com:8443/x',
			errors: [
				{
					messageId: 'literalUrlCredentials',
					data: { host: 'files.example.com:8443' },
					line: 2,
					column: 15,
					endLine: 2,
					endColumn: 59,
				},
			],
			output: null,
		},
		{
			name: 'a token as the user name',
			code: 'FROM alpine\nRUN git clone https://${GITHUB_TOKEN}@github.com/org/private.git',
			errors: [
				{ messageId: 'urlCredentials', data: { host: 'github.com' }, line: 2, column: 15, endLine: 2, endColumn: 49 },
			],
			output: null,
		},
		{
			name: 'ADD from a URL with credentials, inside a continuation',
			code: 'FROM alpine\nADD \\\n  https://u:$PASS@dl.example.com/a.tgz /a.tgz',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'dl.example.com' },
					line: 3,
					column: 3,
					endLine: 3,
					endColumn: 33,
				},
			],
			output: null,
		},
		{
			name: '-i URL, with a literal password: the note says to rotate it',
			code: 'FROM python:3.12\nRUN pip install -i https://ci:s3cret@pypi.example.com/simple flask==3.0.0',
			errors: [
				{
					messageId: 'literalUrlCredentials',
					data: { host: 'pypi.example.com' },
					line: 2,
					column: 20,
					endLine: 2,
					endColumn: 54,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install flask==3.0.0',
			details: [
				{
					secrets: [{ id: 'pip_index_url', env: 'PIP_INDEX_URL' }],
					notes: [
						'Export PIP_INDEX_URL on the build machine with the full index URL for pypi.example.com, credentials included.',
						'The password was written in the Dockerfile and is in its history: rotate it.',
					],
				},
			],
		},
		{
			name: '--index-url=URL',
			code: 'FROM python:3.12\nRUN python3 -m pip install --index-url=https://__token__:${TOKEN}@pypi.example.com/simple flask',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 2,
					column: 40,
					endLine: 2,
					endColumn: 83,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL python3 -m pip install flask',
		},
		{
			name: 'the option alone on a continuation line',
			code: 'FROM python:3.12\nRUN pip install --no-cache-dir \\\n    --index-url https://__token__:${TOKEN}@pypi.example.com/simple \\\n    -r requirements.txt\n',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 3,
					column: 17,
					endLine: 3,
					endColumn: 60,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install --no-cache-dir \\\n    -r requirements.txt\n',
		},
		{
			name: 'the option last, on a continuation line',
			code: 'FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt \\\n    --index-url https://__token__:${TOKEN}@pypi.example.com/simple\nCMD ["python"]\n',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 3,
					column: 17,
					endLine: 3,
					endColumn: 60,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install --no-cache-dir -r requirements.txt\nCMD ["python"]\n',
		},
		{
			name: 'in a here-document body',
			code: 'FROM python:3.12\nRUN <<EOF\nset -e\npip install --index-url https://__token__:${TOKEN}@pypi.example.com/simple flask\nEOF\n',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 4,
					column: 25,
					endLine: 4,
					endColumn: 68,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL <<EOF\nset -e\npip install flask\nEOF\n',
		},
		{
			name: 'CRLF line endings',
			code: 'FROM python:3.12\r\nRUN pip install \\\r\n    --extra-index-url https://u:${TOKEN}@pypi.example.com/simple \\\r\n    flask\r\n',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 3,
					column: 23,
					endLine: 3,
					endColumn: 58,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\r\nFROM python:3.12\r\nRUN --mount=type=secret,id=pip_extra_index_url,env=PIP_EXTRA_INDEX_URL pip install \\\r\n    flask\r\n',
		},
		{
			name: 'the backtick escape directive',
			code: '# escape=`\nFROM python:3.12\nRUN pip install `\n    --index-url https://u:${TOKEN}@pypi.example.com/simple `\n    flask\n',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 4,
					column: 17,
					endLine: 4,
					endColumn: 52,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\n# escape=`\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install `\n    flask\n',
		},
		{
			name: 'exec form',
			code: 'FROM python:3.12\nRUN ["pip", "install", "--index-url", "https://u:${TOKEN}@pypi.example.com/simple", "flask"]',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 2,
					column: 40,
					endLine: 2,
					endColumn: 75,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL ["pip", "install", "flask"]',
		},
		{
			name: 'two extra indexes with credentials share one secret',
			code: 'FROM python:3.12\nRUN pip install --extra-index-url https://u:${A_TOKEN}@a.example.com/simple --extra-index-url https://u:${B_TOKEN}@b.example.com/simple x',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'a.example.com' },
					line: 2,
					column: 35,
					endLine: 2,
					endColumn: 69,
				},
				{
					messageId: 'urlCredentials',
					data: { host: 'b.example.com' },
					line: 2,
					column: 95,
					endLine: 2,
					endColumn: 129,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_extra_index_url,env=PIP_EXTRA_INDEX_URL pip install x',
			details: [
				{
					secrets: [{ id: 'pip_extra_index_url', env: 'PIP_EXTRA_INDEX_URL' }],
					notes: [
						'Export PIP_EXTRA_INDEX_URL on the build machine with the 2 index URLs for a.example.com and b.example.com, credentials included, separated by spaces.',
						'pip still takes a package from PyPI when PyPI has a newer version than the extra index (dependency confusion, DH404): prefer one index that serves both.',
						'Images built before this change still hold the credentials in their history: rotate them if any of them was pushed.',
					],
				},
				{
					secrets: [{ id: 'pip_extra_index_url', env: 'PIP_EXTRA_INDEX_URL' }],
					notes: [
						'Export PIP_EXTRA_INDEX_URL on the build machine with the 2 index URLs for a.example.com and b.example.com, credentials included, separated by spaces.',
						'pip still takes a package from PyPI when PyPI has a newer version than the extra index (dependency confusion, DH404): prefer one index that serves both.',
						'Images built before this change still hold the credentials in their history: rotate them if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'an index and an extra index: two secrets',
			code: 'FROM python:3.12\nRUN pip install --index-url https://u:${A_TOKEN}@a.example.com/simple --extra-index-url https://u:${B_TOKEN}@b.example.com/simple x',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'a.example.com' },
					line: 2,
					column: 29,
					endLine: 2,
					endColumn: 63,
				},
				{
					messageId: 'urlCredentials',
					data: { host: 'b.example.com' },
					line: 2,
					column: 89,
					endLine: 2,
					endColumn: 123,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_extra_index_url,env=PIP_EXTRA_INDEX_URL --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install x',
		},
		{
			name: 'uv pip install: UV_ variables',
			code: 'FROM python:3.12\nRUN uv pip install --system --extra-index-url https://u:${TOKEN}@pypi.example.com/simple x',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 2,
					column: 47,
					endLine: 2,
					endColumn: 82,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=uv_extra_index_url,env=UV_EXTRA_INDEX_URL uv pip install --system x',
			details: [
				{
					secrets: [{ id: 'uv_extra_index_url', env: 'UV_EXTRA_INDEX_URL' }],
					notes: [
						'Export UV_EXTRA_INDEX_URL on the build machine with the full index URL for pypi.example.com, credentials included.',
						'Images built before this change still hold the credentials in their history: rotate them if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'an old frontend is raised for env=',
			code: '# syntax=docker/dockerfile:1.2\nFROM python:3.12\nRUN pip install -i https://u:${TOKEN}@pypi.example.com/simple x',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 3,
					column: 20,
					endLine: 3,
					endColumn: 55,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install x',
		},
		{
			name: 'two --index-url in one command: no fix',
			code: 'FROM python:3.12\nRUN pip install --index-url https://pypi.org/simple --index-url https://u:${TOKEN}@pypi.example.com/simple x',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 2,
					column: 65,
					endLine: 2,
					endColumn: 100,
				},
			],
			output: null,
		},
		{
			name: 'other pip commands of the RUN get the index too: the note says so',
			code: 'FROM python:3.12\nRUN pip install -U pip && pip install --index-url https://u:${TOKEN}@pypi.example.com/simple x',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 2,
					column: 51,
					endLine: 2,
					endColumn: 86,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install -U pip && pip install x',
			details: [
				{
					secrets: [{ id: 'pip_index_url', env: 'PIP_INDEX_URL' }],
					notes: [
						'Export PIP_INDEX_URL on the build machine with the full index URL for pypi.example.com, credentials included.',
						'The other pip commands of this RUN now use that index too.',
						'Images built before this change still hold the credentials in their history: rotate them if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'two stages',
			code: 'FROM python:3.12 AS build\nRUN pip wheel x && pip install -i https://u:${TOKEN}@pypi.example.com/simple y\nFROM python:3.12\nRUN pip install --index-url https://u:${TOKEN}@pypi.example.com/simple z',
			errors: [
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 2,
					column: 35,
					endLine: 2,
					endColumn: 70,
				},
				{
					messageId: 'urlCredentials',
					data: { host: 'pypi.example.com' },
					line: 4,
					column: 29,
					endLine: 4,
					endColumn: 64,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12 AS build\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip wheel x && pip install y\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install z',
		},
	],
});
