import rule from '../../server/src/rules/pip-no-extra-index-url';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{
			name: 'uv takes each package from the first index that has it',
			code: 'FROM python:3.12\nRUN uv pip install --extra-index-url https://private.example.com/simple x',
		},
		'FROM python:3.12\nRUN pip install --index-url https://proxy.example.com/simple flask==3.0.3',
		{ name: 'an empty variable', code: 'FROM python:3.12\nENV PIP_EXTRA_INDEX_URL=' },
		{ name: 'not pip', code: 'FROM python:3.12\nRUN echo --extra-index-url' },
	],
	invalid: [
		{
			name: "the seed's layer 3 command: replaced by --index-url",
			code: 'FROM python:3.11-slim\nRUN pip install --extra-index-url https://private.pypi.example.com/ mypackage',
			errors: [{ messageId: 'extraIndex', line: 2, column: 17, endLine: 2, endColumn: 34 }],
			output: 'FROM python:3.11-slim\nRUN pip install --index-url https://private.pypi.example.com/ mypackage',
		},
		{
			name: 'with an index already, the = form: no automatic fix',
			code: 'FROM python:3.12\nRUN pip install -i https://a/simple --extra-index-url=https://b/simple x',
			errors: [{ messageId: 'extraIndex', line: 2, column: 37, endLine: 2, endColumn: 71 }],
			output: null,
		},
		{
			name: 'the variable',
			code: 'FROM python:3.12\nARG PIP_EXTRA_INDEX_URL=https://private.example.com/simple',
			errors: [
				{
					messageId: 'extraIndexVariable',
					data: { name: 'PIP_EXTRA_INDEX_URL' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 24,
				},
			],
			output: null,
		},
	],
});
