import rule from '../../server/src/rules/pip-no-cache-dir';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		'FROM python:3.11\nRUN pip install --no-cache-dir flask==3.0.3',
		{ name: 'abbreviated option', code: 'FROM python:3.11\nRUN pip install --no-cache flask' },
		{ name: 'general option before the sub-command', code: 'FROM python:3.11\nRUN pip --no-cache-dir install flask' },
		{ name: 'PIP_NO_CACHE_DIR in the stage', code: 'FROM python:3.11\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask' },
		{
			name: 'PIP_NO_CACHE_DIR inherited',
			code: 'FROM python:3.11 AS base\nENV PIP_NO_CACHE_DIR=off\nFROM base\nRUN pip install flask',
		},
		{ name: 'PIP_NO_CACHE_DIR on the command', code: 'FROM python:3.11\nRUN PIP_NO_CACHE_DIR=1 pip install flask' },
		{ name: 'cache mount', code: 'FROM python:3.11\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask' },
		{
			name: 'cache dir on a cache mount',
			code: 'FROM python:3.11\nRUN --mount=type=cache,target=/pipcache pip install --cache-dir /pipcache flask',
		},
		{ name: 'not a pip install', code: 'FROM python:3.11\nRUN pip freeze > /r.txt && echo pip install' },
		{ name: 'uv with --no-cache', code: 'FROM python:3.11\nRUN uv pip install --system --no-cache flask' },
		{ name: "uv with pip's spelling", code: 'FROM python:3.11\nRUN uv pip install --no-cache-dir --system flask' },
		{ name: 'python -c is not pip', code: 'FROM python:3.11\nRUN python -c "import pip"' },
	],
	invalid: [
		{
			name: 'plain pip install',
			code: 'FROM python:3.11\nRUN pip install -r requirements.txt',
			errors: [{ messageId: 'pipCache', line: 2, column: 5, endLine: 2, endColumn: 36 }],
			output: 'FROM python:3.11\nRUN pip install --no-cache-dir -r requirements.txt',
		},
		{
			name: 'several installs in one RUN, through sudo and python -m',
			code: 'FROM python:3.11\nRUN pip install --upgrade pip && sudo python3 -m pip install flask',
			errors: [
				{ messageId: 'pipCache', line: 2, column: 5, endLine: 2, endColumn: 30 },
				{ messageId: 'pipCache', line: 2, column: 39, endLine: 2, endColumn: 67 },
			],
			output:
				'FROM python:3.11\nRUN pip install --no-cache-dir --upgrade pip && sudo python3 -m pip install --no-cache-dir flask',
		},
		{
			name: 'inside a heredoc script',
			code: 'FROM python:3.11\nRUN <<EOF\nset -e\npip install flask\nEOF',
			errors: [{ messageId: 'pipCache', line: 4, column: 1, endLine: 4, endColumn: 18 }],
			output: 'FROM python:3.11\nRUN <<EOF\nset -e\npip install --no-cache-dir flask\nEOF',
		},
		{
			name: 'continuation with a comment line and the backtick escape directive',
			code: '# escape=`\nFROM python:3.11\nRUN pip `\n# why\n    install flask',
			errors: [{ messageId: 'pipCache', line: 3, column: 5, endLine: 5, endColumn: 18 }],
			output: '# escape=`\nFROM python:3.11\nRUN pip `\n# why\n    install --no-cache-dir flask',
		},
		{
			name: 'a cache mount for something else',
			code: 'FROM python:3.11\nRUN --mount=type=cache,target=/var/cache/apt pip3.11 install flask',
			errors: [{ messageId: 'pipCache', line: 2, column: 46, endLine: 2, endColumn: 67 }],
			output: 'FROM python:3.11\nRUN --mount=type=cache,target=/var/cache/apt pip3.11 install --no-cache-dir flask',
		},
		{
			name: 'a cache dir before the sub-command that is not on the mount',
			code: 'FROM python:3.11\nRUN --mount=type=cache,target=/root/.cache/pip pip --cache-dir /tmp/pc install flask',
			errors: [{ messageId: 'pipCache', line: 2, column: 48, endLine: 2, endColumn: 85 }],
			output:
				'FROM python:3.11\nRUN --mount=type=cache,target=/root/.cache/pip pip --cache-dir /tmp/pc install --no-cache-dir flask',
		},
		{
			name: 'uv',
			code: 'FROM python:3.11\nRUN uv pip install --system flask',
			errors: [{ messageId: 'uvCache', line: 2, column: 5, endLine: 2, endColumn: 34 }],
			output: 'FROM python:3.11\nRUN uv pip install --no-cache --system flask',
		},
		{
			name: 'sh -c in exec form',
			code: 'FROM python:3.11\nRUN ["/bin/sh", "-c", "pip install flask"]',
			errors: [{ messageId: 'pipCache', line: 2, column: 24, endLine: 2, endColumn: 41 }],
			output: 'FROM python:3.11\nRUN ["/bin/sh", "-c", "pip install --no-cache-dir flask"]',
		},
	],
});
