import rule from '../../server/src/rules/pip-require-hashes';
import { RuleTester } from '../harness/ruleTester';

const HASHED =
	'flask==3.0.3 \\\n    --hash=sha256:' +
	'ab'.repeat(32) +
	'\n# a comment\ngunicorn==22.0.0 --hash=sha256:' +
	'cd'.repeat(32) +
	'\n';
const UNHASHED = 'flask==3.0.3\ngunicorn==22.0.0 --hash=sha256:' + 'cd'.repeat(32) + '\n-e ./local\n';

new RuleTester().run(rule, {
	valid: [
		'FROM python:3.11\nRUN pip install --require-hashes -r requirements.txt',
		{ name: 'named packages are DH403', code: 'FROM python:3.11\nRUN pip install flask==3.0.3' },
		{
			name: 'pip install in a string is not a pip install',
			code: 'FROM python:3.11\nRUN echo "pip install -r requirements.txt"',
		},
		{
			name: 'PIP_REQUIRE_HASHES in the stage',
			code: 'FROM python:3.11\nENV PIP_REQUIRE_HASHES=1\nRUN pip install -r r.txt',
		},
		{
			name: 'PIP_REQUIRE_HASHES on the command',
			code: 'FROM python:3.11\nRUN PIP_REQUIRE_HASHES=1 pip install -r r.txt',
		},
		{ name: 'pip download is not an install', code: 'FROM python:3.11\nRUN pip download -r r.txt' },
		{
			name: 'uv with --require-hashes',
			code: 'FROM python:3.11\nRUN uv pip install --system --require-hashes -r r.txt',
		},
		{
			name: 'inherited ENV from the parent stage',
			code: 'FROM python:3.11 AS base\nENV PIP_REQUIRE_HASHES=true\nFROM base\nRUN pip install -r r.txt',
		},
	],
	invalid: [
		{
			name: 'every requirement hashed: safe fix',
			code: 'FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt',
			files: { 'requirements.txt': HASHED },
			errors: [
				{
					messageId: 'hashedFile',
					data: { command: 'pip install', file: 'requirements.txt', total: 2 },
					line: 4,
					column: 5,
					endLine: 4,
					endColumn: 51,
				},
			],
			output:
				'FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --require-hashes --no-cache-dir -r requirements.txt',
		},
		{
			name: 'file copied into a directory under another name path',
			code: 'FROM python:3.11\nCOPY deps/prod.txt /tmp/\nRUN python3 -m pip install -r /tmp/prod.txt',
			files: { 'deps/prod.txt': HASHED },
			errors: [
				{
					messageId: 'hashedFile',
					data: { command: 'pip install', file: '/tmp/prod.txt', total: 2 },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 44,
				},
			],
			output:
				'FROM python:3.11\nCOPY deps/prod.txt /tmp/\nRUN python3 -m pip install --require-hashes -r /tmp/prod.txt',
		},
		{
			name: 'whole context copied, file read relative to WORKDIR',
			code: 'FROM python:3.11\nWORKDIR /srv\nCOPY . .\nRUN pip install --requirement=requirements/base.txt',
			files: { 'requirements/base.txt': HASHED },
			errors: [
				{
					messageId: 'hashedFile',
					data: { command: 'pip install', file: 'requirements/base.txt', total: 2 },
					line: 4,
					column: 5,
					endLine: 4,
					endColumn: 52,
				},
			],
			output:
				'FROM python:3.11\nWORKDIR /srv\nCOPY . .\nRUN pip install --require-hashes --requirement=requirements/base.txt',
		},
		{
			name: 'bind-mounted requirements',
			code: 'FROM python:3.11\nRUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt pip install -r /tmp/r.txt',
			files: { 'requirements.txt': HASHED },
			errors: [
				{
					messageId: 'hashedFile',
					data: { command: 'pip install', file: '/tmp/r.txt', total: 2 },
					line: 2,
					column: 65,
					endLine: 2,
					endColumn: 90,
				},
			],
			output:
				'FROM python:3.11\nRUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt pip install --require-hashes -r /tmp/r.txt',
		},
		{
			name: 'some requirements without hashes: no fix',
			code: 'FROM python:3.11\nCOPY requirements.txt .\nRUN pip install -r requirements.txt',
			files: { 'requirements.txt': UNHASHED },
			errors: [
				{
					messageId: 'unhashedFile',
					data: { command: 'pip install', file: 'requirements.txt', total: 3, missing: 2 },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 36,
				},
			],
			output: null,
		},
		{
			name: 'an included file without hashes',
			code: 'FROM python:3.11\nCOPY . .\nRUN pip install -r requirements.txt',
			files: { 'requirements.txt': '-r base.txt\n' + HASHED, 'base.txt': 'django==5.0\n' },
			errors: [
				{
					messageId: 'unhashedFile',
					data: { command: 'pip install', file: 'requirements.txt', total: 3, missing: 1 },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 36,
				},
			],
			output: null,
		},
		{
			name: 'file not in the build context',
			code: 'FROM python:3.11\nCOPY requirements.txt .\nRUN pip3 install -r requirements.txt',
			files: {},
			errors: [
				{
					messageId: 'unknownFile',
					data: { command: 'pip install', file: 'requirements.txt' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 37,
				},
			],
			output: null,
		},
		{
			name: 'no build context (stdin)',
			code: 'FROM python:3.11\nRUN sudo -H pip install -r requirements.txt && echo done',
			errors: [
				{
					messageId: 'unknownFile',
					data: { command: 'pip install', file: 'requirements.txt' },
					line: 2,
					column: 13,
					endLine: 2,
					endColumn: 44,
				},
			],
			output: null,
		},
		{
			name: 'uv pip install is named as such',
			code: 'FROM python:3.11\nRUN uv pip install --system -r requirements.txt',
			errors: [
				{
					messageId: 'unknownFile',
					data: { command: 'uv pip install', file: 'requirements.txt' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 48,
				},
			],
			output: null,
		},
		{
			name: 'exec form gets a JSON string',
			code: 'FROM python:3.11\nCOPY requirements.txt .\nRUN ["pip", "install", "-r", "requirements.txt"]',
			files: { 'requirements.txt': HASHED },
			errors: [
				{
					messageId: 'hashedFile',
					data: { command: 'pip install', file: 'requirements.txt', total: 2 },
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 48,
				},
			],
			output:
				'FROM python:3.11\nCOPY requirements.txt .\nRUN ["pip", "install", "--require-hashes", "-r", "requirements.txt"]',
		},
		{
			name: 'continuation lines and CRLF',
			code: 'FROM python:3.11\r\nCOPY requirements.txt .\r\nRUN pip install \\\r\n    -r requirements.txt\r\n',
			files: { 'requirements.txt': HASHED },
			errors: [
				{
					messageId: 'hashedFile',
					data: { command: 'pip install', file: 'requirements.txt', total: 2 },
					line: 3,
					column: 5,
					endLine: 4,
					endColumn: 24,
				},
			],
			output:
				'FROM python:3.11\r\nCOPY requirements.txt .\r\nRUN pip install --require-hashes \\\r\n    -r requirements.txt\r\n',
		},
	],
});
