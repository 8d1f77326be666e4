import rule from '../../server/src/rules/pip-pin-versions';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{
			name: 'uv option values',
			code: 'FROM python:3.12\nRUN uv pip install -p 3.12 --python-platform linux --index-strategy first-index flask==3.0.3',
		},
		'FROM python:3.12\nRUN pip install flask==3.0.3 "requests[socks]==2.32.3" pkg===1.0',
		{
			name: 'requirements and constraints files',
			code: 'FROM python:3.12\nRUN pip install -r requirements.txt && pip install -c constraints.txt flask',
		},
		{
			name: 'local paths, archives, VCS and URLs',
			code: 'FROM python:3.12\nRUN pip install . ./pkg /wheels/x-1.0-py3-none-any.whl git+https://github.com/o/r.git pkg@https://x/y.zip',
		},
		{
			name: 'option values are not packages',
			code: 'FROM python:3.12\nRUN pip install --target /opt/lib -i https://pypi.org/simple flask==3.0.3',
		},
		{ name: 'a variable', code: 'FROM python:3.12\nRUN pip install "$PACKAGES"' },
		{ name: 'pip download', code: 'FROM python:3.12\nRUN pip download flask' },
	],
	invalid: [
		{
			name: 'unpinned and ranged requirements',
			code: 'FROM python:3.12\nRUN pip install --no-cache-dir flask "django>=4" --upgrade pip',
			errors: [
				{
					messageId: 'unpinned',
					data: { requirement: 'flask', name: 'flask' },
					line: 2,
					column: 32,
					endLine: 2,
					endColumn: 37,
				},
				{
					messageId: 'unpinned',
					data: { requirement: 'django>=4', name: 'django' },
					line: 2,
					column: 38,
					endLine: 2,
					endColumn: 49,
				},
				{
					messageId: 'unpinned',
					data: { requirement: 'pip', name: 'pip' },
					line: 2,
					column: 60,
					endLine: 2,
					endColumn: 63,
				},
			],
			output: null,
		},
		{
			name: 'uv pip install',
			code: 'FROM python:3.12\nRUN uv pip install --system "fastapi[standard]"',
			errors: [
				{
					messageId: 'unpinned',
					data: { requirement: 'fastapi[standard]', name: 'fastapi' },
					line: 2,
					column: 29,
					endLine: 2,
					endColumn: 48,
				},
			],
			output: null,
		},
	],
});
