import rule from '../../server/src/rules/no-secret-build-var';
import { DEFAULT_SETTINGS } from '../../server/src/protocol';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		'FROM alpine\nARG VERSION=1.2\nENV PATH=/usr/local/bin:$PATH',
		{ name: '*_FILE names a file, not a secret', code: 'FROM alpine\nENV POSTGRES_PASSWORD_FILE=/run/secrets/db' },
		{ name: '*_PATH', code: 'FROM alpine\nARG GITHUB_TOKEN_PATH=/run/secrets/gh' },
		{ name: 'KEY_ID', code: 'FROM alpine\nARG AWS_ACCESS_KEY_ID' },
		{ name: 'public key', code: 'FROM alpine\nENV GPG_PUBLIC_KEY=ABCDEF' },
		{ name: 'TOKEN_URL', code: 'FROM alpine\nARG OAUTH_TOKEN_URL=https://auth.example.com/token' },
		{ name: 'a GPG key fingerprint', code: 'FROM python:3.11\nENV GPG_KEY 7169605F62C751356D054A26A821E680E5FA6305' },
		{ name: 'names that merely contain secret words', code: 'FROM alpine\nARG GOPRIVATE=example.com\nENV KEY_NAME=x KMS_KEY_ALIAS=y AUTH_MODE=basic' },
		{ name: 'user names are not secrets', code: 'FROM alpine\nARG JENKINS_USERNAME=jenkins' },
		{ name: 'ENV with an empty value leaks nothing', code: 'FROM alpine\nENV NPM_TOKEN=' },
		{ name: 'ENV pointing at a mounted file', code: 'FROM alpine\nENV DB_PASSWORD=/run/secrets/db_password' },
		{ name: 'password policy settings', code: 'FROM alpine\nENV PASSWORD_MIN_LENGTH=12 TOKEN_EXPIRY=3600' },
		{
			name: 'allow pattern from settings',
			code: 'FROM alpine\nARG BUILD_TOKEN',
			settings: { secrets: { allowPatterns: ['^BUILD_TOKEN$'], denyPatterns: [] } },
		},
		{ name: 'variables a framework ships to the browser', code: 'FROM node:22\nARG VITE_AMPLITUDE_API_KEY=""\nENV REACT_APP_API_KEY=$X' },
		{ name: 'a switch about tokens', code: 'FROM alpine\nENV TS_DISABLE_TOKEN_AUTHORIZATION=true REQUIRE_PASSWORD=1' },
		{ name: 'URL without credentials', code: 'FROM alpine\nENV PIP_INDEX_URL=https://pypi.example.com/simple' },
		{ name: 'ssh user is not a credential', code: 'FROM alpine\nARG REPO=ssh://git@github.com/org/repo.git' },
	],
	invalid: [
		{
			name: "the seed's layer 3 ARG",
			code: 'FROM python:3.11-slim\nARG PYPI_TOKEN\nRUN pip install mypackage',
			errors: [{ messageId: 'secretArg', data: { name: 'PYPI_TOKEN', id: 'pypi_token' }, line: 2, column: 5, endLine: 2, endColumn: 15 }],
			output: null,
		},
		{
			name: 'global ARG before FROM',
			code: 'ARG NPM_TOKEN\nFROM node:22',
			errors: [{ messageId: 'secretArg', data: { name: 'NPM_TOKEN', id: 'npm_token' }, line: 1, column: 5, endLine: 1, endColumn: 14 }],
			output: null,
		},
		{
			name: 'ENV with several properties',
			code: 'FROM alpine\nENV APP=1 DB_PASSWORD=$DB_PASSWORD SECRET_KEY_BASE=${KEY}',
			errors: [
				{ messageId: 'secretEnv', data: { name: 'DB_PASSWORD', id: 'db_password' }, line: 2, column: 11, endLine: 2, endColumn: 22 },
				{ messageId: 'secretEnv', data: { name: 'SECRET_KEY_BASE', id: 'secret_key_base' }, line: 2, column: 36, endLine: 2, endColumn: 51 },
			],
			output: null,
		},
		{
			name: 'camelCase and pair words',
			code: 'FROM alpine\nARG npmAuthToken\nARG STRIPE_API_KEY\nARG AWS_SECRET_ACCESS_KEY',
			errors: [
				{ messageId: 'secretArg', data: { name: 'npmAuthToken', id: 'npmauthtoken' }, line: 2, column: 5, endLine: 2, endColumn: 17 },
				{ messageId: 'secretArg', data: { name: 'STRIPE_API_KEY', id: 'stripe_api_key' }, line: 3, column: 5, endLine: 3, endColumn: 19 },
				{ messageId: 'secretArg', data: { name: 'AWS_SECRET_ACCESS_KEY', id: 'aws_secret_access_key' }, line: 4, column: 5, endLine: 4, endColumn: 26 },
			],
			output: null,
		},
		{
			name: 'legacy ENV syntax',
			code: 'FROM alpine\nENV GITHUB_TOKEN abc',
			errors: [{ messageId: 'secretEnv', data: { name: 'GITHUB_TOKEN', id: 'github_token' }, line: 2, column: 5, endLine: 2, endColumn: 17 }],
			output: null,
		},
		{
			name: 'deny pattern from settings',
			code: 'FROM alpine\nARG VAULT_ROLE',
			settings: { secrets: { allowPatterns: [], denyPatterns: ['^VAULT_'] } },
			errors: [{ messageId: 'secretArg', data: { name: 'VAULT_ROLE', id: 'vault_role' }, line: 2, column: 5, endLine: 2, endColumn: 15 }],
			output: null,
		},
		{
			name: 'value with URL credentials',
			code: 'FROM python:3.11\nENV PIP_EXTRA_INDEX_URL=https://user:${PYPI_TOKEN}@pypi.example.com/simple',
			errors: [
				{
					messageId: 'credentialValue',
					data: { keyword: 'ENV', name: 'PIP_EXTRA_INDEX_URL', id: 'pip_extra_index_url', host: 'pypi.example.com' },
					line: 2,
					column: 25,
					endLine: 2,
					endColumn: 75,
				},
			],
			output: null,
		},
		{
			name: 'an invalid user pattern is ignored, the defaults still apply',
			code: 'FROM alpine\nARG DB_PASSWORD',
			settings: { secrets: { ...DEFAULT_SETTINGS.secrets, allowPatterns: ['(unclosed'] } },
			errors: [{ messageId: 'secretArg', data: { name: 'DB_PASSWORD', id: 'db_password' }, line: 2, column: 5, endLine: 2, endColumn: 16 }],
			output: null,
		},
	],
});
