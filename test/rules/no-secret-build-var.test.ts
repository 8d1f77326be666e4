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
		{
			name: 'names that merely contain secret words',
			code: 'FROM alpine\nARG GOPRIVATE=example.com\nENV KEY_NAME=x KMS_KEY_ALIAS=y AUTH_MODE=basic',
		},
		{ name: 'user names are not secrets', code: 'FROM alpine\nARG JENKINS_USERNAME=jenkins' },
		{ name: 'ENV with an empty value leaks nothing', code: 'FROM alpine\nENV NPM_TOKEN=' },
		{ name: 'ENV pointing at a mounted file', code: 'FROM alpine\nENV DB_PASSWORD=/run/secrets/db_password' },
		{ name: 'password policy settings', code: 'FROM alpine\nENV PASSWORD_MIN_LENGTH=12 TOKEN_EXPIRY=3600' },
		{
			name: 'allow pattern from settings',
			code: 'FROM alpine\nARG BUILD_TOKEN',
			settings: { secrets: { allowPatterns: ['^BUILD_TOKEN$'], denyPatterns: [] } },
		},
		{
			name: 'variables a framework ships to the browser',
			code: 'FROM node:22\nARG VITE_AMPLITUDE_API_KEY=""\nENV REACT_APP_API_KEY=$X',
		},
		{ name: 'a switch about tokens', code: 'FROM alpine\nENV TS_DISABLE_TOKEN_AUTHORIZATION=true REQUIRE_PASSWORD=1' },
		{ name: 'URL without credentials', code: 'FROM alpine\nENV PIP_INDEX_URL=https://pypi.example.com/simple' },
		{ name: 'ssh user is not a credential', code: 'FROM alpine\nARG REPO=ssh://git@github.com/org/repo.git' },
		{
			name: 'a secret mount instead of an ARG',
			code: '# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN curl -H "T: $API_TOKEN" https://example.com',
		},
	],
	invalid: [
		{
			name: "the seed's layer 3 ARG: no RUN names it, so the pip install that may read it gets the mount",
			code: 'FROM python:3.11-slim\nARG PYPI_TOKEN\nRUN pip install mypackage',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'PYPI_TOKEN', id: 'pypi_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 15,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.11-slim\nRUN --mount=type=secret,id=pypi_token,env=PYPI_TOKEN pip install mypackage',
			details: [
				{
					secrets: [{ id: 'pypi_token', env: 'PYPI_TOKEN' }],
					notes: [
						'Stop passing PYPI_TOKEN with --build-arg: export it on the build machine instead.',
						'No RUN names PYPI_TOKEN, so it is mounted for the RUNs after it that run pip, which can read credentials from the environment or a config file: remove the mounts that are not needed.',
						'Images built before this change still hold PYPI_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'global ARG before FROM that no stage redeclares: removed',
			code: 'ARG NPM_TOKEN\nFROM node:22',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'NPM_TOKEN', id: 'npm_token' },
					line: 1,
					column: 5,
					endLine: 1,
					endColumn: 14,
				},
			],
			output: 'FROM node:22',
			details: [
				{
					notes: [
						'No RUN reads NPM_TOKEN (by name, or through npm, yarn, pnpm, pip, uv, poetry, git, curl or wget), so the fix only removes it: if a script needs it, add `--mount=type=secret,id=npm_token,env=NPM_TOKEN` to that RUN.',
						'Images built before this change still hold NPM_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'ENV with several properties: only those properties go',
			code: 'FROM alpine\nENV APP=1 DB_PASSWORD=$DB_PASSWORD SECRET_KEY_BASE=${KEY}',
			errors: [
				{
					messageId: 'secretEnv',
					data: { name: 'DB_PASSWORD', id: 'db_password' },
					line: 2,
					column: 11,
					endLine: 2,
					endColumn: 22,
				},
				{
					messageId: 'secretEnv',
					data: { name: 'SECRET_KEY_BASE', id: 'secret_key_base' },
					line: 2,
					column: 36,
					endLine: 2,
					endColumn: 51,
				},
			],
			output: 'FROM alpine\nENV APP=1',
			details: [
				{
					notes: [
						'No RUN reads DB_PASSWORD (by name, or through npm, yarn, pnpm, pip, uv, poetry, git, curl or wget), so the fix only removes it: if a script needs it, add `--mount=type=secret,id=db_password,env=DB_PASSWORD` to that RUN.',
						'The image no longer sets DB_PASSWORD: if the application reads it when it runs, give it to the container at start (`docker run --env-file`, or an orchestrator secret).',
						'Images built before this change still hold DB_PASSWORD: rotate the credential if any of them was pushed.',
					],
				},
				{
					notes: [
						'No RUN reads SECRET_KEY_BASE (by name, or through npm, yarn, pnpm, pip, uv, poetry, git, curl or wget), so the fix only removes it: if a script needs it, add `--mount=type=secret,id=secret_key_base,env=SECRET_KEY_BASE` to that RUN.',
						'The image no longer sets SECRET_KEY_BASE: if the application reads it when it runs, give it to the container at start (`docker run --env-file`, or an orchestrator secret).',
						'Images built before this change still hold SECRET_KEY_BASE: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'camelCase and pair words',
			code: 'FROM alpine\nARG npmAuthToken\nARG STRIPE_API_KEY\nARG AWS_SECRET_ACCESS_KEY',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'npmAuthToken', id: 'npmauthtoken' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 17,
				},
				{
					messageId: 'secretArg',
					data: { name: 'STRIPE_API_KEY', id: 'stripe_api_key' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 19,
				},
				{
					messageId: 'secretArg',
					data: { name: 'AWS_SECRET_ACCESS_KEY', id: 'aws_secret_access_key' },
					line: 4,
					column: 5,
					endLine: 4,
					endColumn: 26,
				},
			],
			output: 'FROM alpine\n',
		},
		{
			name: 'legacy ENV syntax',
			code: 'FROM alpine\nENV GITHUB_TOKEN abc',
			errors: [
				{
					messageId: 'secretEnv',
					data: { name: 'GITHUB_TOKEN', id: 'github_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 17,
				},
			],
			output: 'FROM alpine\n',
		},
		{
			name: 'deny pattern from settings',
			code: 'FROM alpine\nARG VAULT_ROLE',
			settings: { secrets: { allowPatterns: [], denyPatterns: ['^VAULT_'] } },
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'VAULT_ROLE', id: 'vault_role' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 15,
				},
			],
			output: 'FROM alpine\n',
		},
		{
			name: 'an invalid user pattern is ignored, the defaults still apply',
			code: 'FROM alpine\nARG DB_PASSWORD',
			settings: { secrets: { ...DEFAULT_SETTINGS.secrets, allowPatterns: ['(unclosed'] } },
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'DB_PASSWORD', id: 'db_password' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 16,
				},
			],
			output: 'FROM alpine\n',
		},
		{
			name: 'value with URL credentials',
			code: 'FROM python:3.11\nENV PIP_EXTRA_INDEX_URL=https://user:${PYPI_TOKEN}@pypi.example.com/simple',
			errors: [
				{
					messageId: 'credentialValue',
					data: { keyword: 'ENV', name: 'PIP_EXTRA_INDEX_URL', host: 'pypi.example.com', id: 'pip_extra_index_url' },
					line: 2,
					column: 25,
					endLine: 2,
					endColumn: 75,
				},
			],
			output: 'FROM python:3.11\n',
		},
		{
			name: "the seed's layer 3 example: the index URL the ARG built becomes the secret",
			code: 'FROM python:3.11-slim\n# Insecure — credentials baked into image layers\nARG PYPI_TOKEN\nRUN pip install --extra-index-url https://user:${PYPI_TOKEN}@private.pypi.example.com/ mypackage\n',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'PYPI_TOKEN', id: 'pypi_token' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 15,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.11-slim\n# Insecure — credentials baked into image layers\nRUN --mount=type=secret,id=pip_extra_index_url,env=PIP_EXTRA_INDEX_URL pip install mypackage\n',
			details: [
				{
					secrets: [{ id: 'pip_extra_index_url', env: 'PIP_EXTRA_INDEX_URL' }],
					notes: [
						'The extra index URL that used PYPI_TOKEN now comes from the pip_extra_index_url secret: export PIP_EXTRA_INDEX_URL on the build machine with the full URL, credentials included.',
						'Images built before this change still hold PYPI_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'the index URL moves, and the variable is mounted too where the RUN reads it elsewhere',
			code: 'FROM python:3.12\nARG PYPI_TOKEN\nRUN pip install --no-cache-dir \\\n    -r requirements.txt \\\n    --index-url https://__token__:${PYPI_TOKEN}@pypi.example.com/simple\nRUN python -m pip install -i https://u:${PYPI_TOKEN}@pypi.example.com/simple x && echo $PYPI_TOKEN | wc -c\n',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'PYPI_TOKEN', id: 'pypi_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 15,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install --no-cache-dir \\\n    -r requirements.txt\nRUN --mount=type=secret,id=pypi_token,env=PYPI_TOKEN python -m pip install -i https://u:${PYPI_TOKEN}@pypi.example.com/simple x && echo $PYPI_TOKEN | wc -c\n',
			details: [
				{
					secrets: [
						{ id: 'pypi_token', env: 'PYPI_TOKEN' },
						{ id: 'pip_index_url', env: 'PIP_INDEX_URL' },
					],
					notes: [
						'Stop passing PYPI_TOKEN with --build-arg: export it on the build machine instead.',
						'The index URL that used PYPI_TOKEN now comes from the pip_index_url secret: export PIP_INDEX_URL on the build machine with the full URL, credentials included.',
						'Images built before this change still hold PYPI_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'a global ARG redeclared in two stages: each finding fixes its own stage, the global one all of them',
			code: 'ARG NPM_TOKEN\nFROM node:22 AS build\nARG NPM_TOKEN\nWORKDIR /app\nRUN npm ci\nFROM node:22-slim\nARG NPM_TOKEN\nRUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm publish\n',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'NPM_TOKEN', id: 'npm_token' },
					line: 1,
					column: 5,
					endLine: 1,
					endColumn: 14,
				},
				{
					messageId: 'secretArg',
					data: { name: 'NPM_TOKEN', id: 'npm_token' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 14,
				},
				{
					messageId: 'secretArg',
					data: { name: 'NPM_TOKEN', id: 'npm_token' },
					line: 7,
					column: 5,
					endLine: 7,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM node:22 AS build\nWORKDIR /app\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci\nFROM node:22-slim\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm publish\n',
			details: [
				{
					secrets: [{ id: 'npm_token', env: 'NPM_TOKEN' }],
					notes: [
						'Stop passing NPM_TOKEN with --build-arg: export it on the build machine instead.',
						'In the stages where no RUN names NPM_TOKEN, it is mounted for the RUNs after it that run npm, which can read credentials from the environment or a config file: remove the mounts that are not needed.',
						'Images built before this change still hold NPM_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
				{
					secrets: [{ id: 'npm_token', env: 'NPM_TOKEN' }],
					notes: [
						'Stop passing NPM_TOKEN with --build-arg: export it on the build machine instead.',
						'No RUN names NPM_TOKEN, so it is mounted for the RUNs after it that run npm, which can read credentials from the environment or a config file: remove the mounts that are not needed.',
						'Images built before this change still hold NPM_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
				{
					secrets: [{ id: 'npm_token', env: 'NPM_TOKEN' }],
					notes: [
						'Stop passing NPM_TOKEN with --build-arg: export it on the build machine instead.',
						'Images built before this change still hold NPM_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'an ENV copy carries the ARG into the stage built on it: the copy goes, the child RUN gets the mount',
			code: 'FROM node:22 AS base\nARG NPM_TOKEN\nENV NPM_TOKEN=${NPM_TOKEN}\nRUN npm ci\nFROM base\nRUN npm run build\nRUN curl -H "Authorization: Bearer $NPM_TOKEN" https://example.com/hook\n',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'NPM_TOKEN', id: 'npm_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
				{
					messageId: 'secretEnv',
					data: { name: 'NPM_TOKEN', id: 'npm_token' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM node:22 AS base\nRUN npm ci\nFROM base\nRUN npm run build\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN curl -H "Authorization: Bearer $NPM_TOKEN" https://example.com/hook\n',
			details: [
				{
					secrets: [{ id: 'npm_token', env: 'NPM_TOKEN' }],
					notes: [
						'Stop passing NPM_TOKEN with --build-arg: export it on the build machine instead.',
						'The image no longer sets NPM_TOKEN: if the application reads it when it runs, give it to the container at start (`docker run --env-file`, or an orchestrator secret).',
						'Images built before this change still hold NPM_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
				{
					secrets: [{ id: 'npm_token', env: 'NPM_TOKEN' }],
					notes: [
						'Stop passing NPM_TOKEN with --build-arg: export it on the build machine instead.',
						'The image no longer sets NPM_TOKEN: if the application reads it when it runs, give it to the container at start (`docker run --env-file`, or an orchestrator secret).',
						'Images built before this change still hold NPM_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'read in a here-document body',
			code: 'FROM alpine\nARG API_KEY\nRUN <<EOF\nset -e\nwget --header "X-Key: ${API_KEY}" https://example.com/data\nEOF\n',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'API_KEY', id: 'api_key' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 12,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=secret,id=api_key,env=API_KEY <<EOF\nset -e\nwget --header "X-Key: ${API_KEY}" https://example.com/data\nEOF\n',
		},
		{
			name: 'continuation lines: the property on its own line goes, the RUN keeps its lines',
			code: 'FROM alpine\nENV APP=1 \\\n    DB_PASSWORD=x \\\n    MODE=prod\nRUN apk add --no-cache postgresql-client \\\n && psql "postgres://app:$DB_PASSWORD@db/app" -c "select 1"\n',
			errors: [
				{
					messageId: 'secretEnv',
					data: { name: 'DB_PASSWORD', id: 'db_password' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 16,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM alpine\nENV APP=1 \\\n    MODE=prod\nRUN --mount=type=secret,id=db_password,env=DB_PASSWORD apk add --no-cache postgresql-client \\\n && psql "postgres://app:$DB_PASSWORD@db/app" -c "select 1"\n',
		},
		{
			name: 'the last property on a continuation line takes the continuation with it',
			code: 'FROM alpine\nENV APP=1 \\\n    DB_PASSWORD=x\nRUN echo "$DB_PASSWORD" | wc -c\n',
			errors: [
				{
					messageId: 'secretEnv',
					data: { name: 'DB_PASSWORD', id: 'db_password' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 16,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM alpine\nENV APP=1\nRUN --mount=type=secret,id=db_password,env=DB_PASSWORD echo "$DB_PASSWORD" | wc -c\n',
		},
		{
			name: 'CRLF line endings',
			code: 'FROM alpine\r\nARG SENTRY_AUTH_TOKEN\r\nRUN sentry-cli releases new "$SENTRY_AUTH_TOKEN"\r\n',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'SENTRY_AUTH_TOKEN', id: 'sentry_auth_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 22,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\r\nFROM alpine\r\nRUN --mount=type=secret,id=sentry_auth_token,env=SENTRY_AUTH_TOKEN sentry-cli releases new "$SENTRY_AUTH_TOKEN"\r\n',
		},
		{
			name: 'the backtick escape directive, and cmd variables on Windows',
			code: '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nARG NUGET_TOKEN\nRUN nuget sources add -Name private -Password %NUGET_TOKEN% `\n    -Source https://nuget.example.com/v3/index.json\n',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'NUGET_TOKEN', id: 'nuget_token' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 16,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN --mount=type=secret,id=nuget_token,env=NUGET_TOKEN nuget sources add -Name private -Password %NUGET_TOKEN% `\n    -Source https://nuget.example.com/v3/index.json\n',
		},
		{
			name: 'the backtick escape directive, a read across a continuation',
			code: '# escape=`\nFROM alpine\nARG NUGET_TOKEN\nRUN echo `\n    "$NUGET_TOKEN" > /dev/null\n',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'NUGET_TOKEN', id: 'nuget_token' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 16,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\n# escape=`\nFROM alpine\nRUN --mount=type=secret,id=nuget_token,env=NUGET_TOKEN echo `\n    "$NUGET_TOKEN" > /dev/null\n',
		},
		{
			name: 'several secrets in one RUN, which keeps its own mount',
			code: 'FROM alpine\nARG DB_USER\nARG DB_PASSWORD\nARG API_TOKEN\nRUN --mount=type=cache,target=/var/cache/apk apk add curl && curl -u "$DB_USER:$DB_PASSWORD" -H "T: ${API_TOKEN}" https://example.com\n',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'DB_PASSWORD', id: 'db_password' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 16,
				},
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 4,
					column: 5,
					endLine: 4,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM alpine\nARG DB_USER\nRUN --mount=type=secret,id=api_token,env=API_TOKEN --mount=type=secret,id=db_password,env=DB_PASSWORD --mount=type=cache,target=/var/cache/apk apk add curl && curl -u "$DB_USER:$DB_PASSWORD" -H "T: ${API_TOKEN}" https://example.com\n',
		},
		{
			name: 'used by USER: no fix',
			code: 'FROM alpine\nARG DB_PASSWORD\nUSER ${DB_PASSWORD}',
			errors: [
				{
					messageId: 'secretArgOutsideRun',
					data: { name: 'DB_PASSWORD', use: 'USER', line: 3, id: 'db_password' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 16,
				},
			],
			output: null,
			details: [undefined],
		},
		{
			name: 'used by COPY --chown: no fix',
			code: 'FROM alpine\nARG SECRET_OWNER_TOKEN\nCOPY --chown=$SECRET_OWNER_TOKEN a /b',
			errors: [
				{
					messageId: 'secretArgOutsideRun',
					data: { name: 'SECRET_OWNER_TOKEN', use: 'COPY', line: 3, id: 'secret_owner_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 23,
				},
			],
			output: null,
		},
		{
			name: 'used by a RUN option, which BuildKit expands: no fix',
			code: 'FROM alpine\nARG API_TOKEN\nRUN --mount=type=secret,id=$API_TOKEN cat /run/secrets/x',
			errors: [
				{
					messageId: 'secretArgOutsideRun',
					data: { name: 'API_TOKEN', use: 'RUN --mount', line: 3, id: 'api_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
			],
			output: null,
		},
		{
			name: 'used by another ENV: no fix',
			code: 'FROM alpine\nARG API_TOKEN\nENV AUTH_HEADER="Bearer ${API_TOKEN}"\nRUN echo $API_TOKEN',
			errors: [
				{
					messageId: 'secretArgOutsideRun',
					data: { name: 'API_TOKEN', use: 'ENV', line: 3, id: 'api_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
			],
			output: null,
		},
		{
			name: 'an ENV the container reads at run time: no fix',
			code: 'FROM alpine\nENV API_TOKEN=abc\nCMD ["sh", "-c", "app --token $API_TOKEN"]',
			errors: [
				{
					messageId: 'secretEnvOutsideRun',
					data: { name: 'API_TOKEN', use: 'CMD', line: 3, id: 'api_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
			],
			output: null,
		},
		{
			name: 'used by ONBUILD: no fix',
			code: 'FROM alpine\nARG API_TOKEN\nONBUILD RUN echo $API_TOKEN',
			errors: [
				{
					messageId: 'secretArgOutsideRun',
					data: { name: 'API_TOKEN', use: 'ONBUILD', line: 3, id: 'api_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
			],
			output: null,
		},
		{
			name: 'a global ARG used by FROM: no fix',
			code: 'ARG REGISTRY_PASSWORD\nFROM registry.example.com/${REGISTRY_PASSWORD}/app',
			errors: [
				{
					messageId: 'secretArgOutsideRun',
					data: { name: 'REGISTRY_PASSWORD', use: 'FROM', line: 2, id: 'registry_password' },
					line: 1,
					column: 5,
					endLine: 1,
					endColumn: 22,
				},
			],
			output: null,
		},
		{
			name: 'used by LABEL: no fix',
			code: 'FROM alpine\nARG GH_TOKEN\nLABEL token=$GH_TOKEN',
			errors: [
				{
					messageId: 'secretArgOutsideRun',
					data: { name: 'GH_TOKEN', use: 'LABEL', line: 3, id: 'gh_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 13,
				},
			],
			output: null,
		},
		{
			name: 'an old pinned frontend is raised to docker/dockerfile:1',
			code: '# syntax=docker/dockerfile:1.4\nFROM alpine\nARG API_TOKEN\nRUN curl -H "T: $API_TOKEN" https://example.com',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN curl -H "T: $API_TOKEN" https://example.com',
		},
		{
			name: 'an old frontend pinned by digest: raised, and the note says to pin it again',
			code: '# syntax=docker/dockerfile:1.7-labs@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nFROM alpine\nARG API_TOKEN\nRUN curl -H "T: $API_TOKEN" https://example.com',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1-labs\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN curl -H "T: $API_TOKEN" https://example.com',
			details: [
				{
					secrets: [{ id: 'api_token', env: 'API_TOKEN' }],
					notes: [
						'Stop passing API_TOKEN with --build-arg: export it on the build machine instead.',
						'The digest pinned docker/dockerfile:1.7-labs; pin docker/dockerfile:1-labs to its digest again (Pin to digest).',
						'Images built before this change still hold API_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'a frontend that already has env= is kept',
			code: '# syntax=docker/dockerfile:1.10\nFROM alpine\nARG API_TOKEN\nRUN curl -H "T: $API_TOKEN" https://example.com',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1.10\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN curl -H "T: $API_TOKEN" https://example.com',
		},
		{
			name: 'an unknown frontend is kept, with a note',
			code: '# syntax=registry.example.com/frontend:2\nFROM alpine\nARG API_TOKEN\nRUN curl -H "T: $API_TOKEN" https://example.com',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 14,
				},
			],
			output:
				'# syntax=registry.example.com/frontend:2\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN curl -H "T: $API_TOKEN" https://example.com',
			details: [
				{
					secrets: [{ id: 'api_token', env: 'API_TOKEN' }],
					notes: [
						'Stop passing API_TOKEN with --build-arg: export it on the build machine instead.',
						'Check that the frontend named by `# syntax=registry.example.com/frontend:2` supports `RUN --mount=type=secret,env=` (Dockerfile 1.10 or newer).',
						'Images built before this change still hold API_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'a RUN that already mounts it keeps its own secret id',
			code: 'FROM node:22\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'NPM_TOKEN', id: 'npm_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
			],
			output: 'FROM node:22\nRUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci',
			details: [
				{
					secrets: [{ id: 'npm', env: 'NPM_TOKEN' }],
					notes: [
						'Stop passing NPM_TOKEN with --build-arg: export it on the build machine instead.',
						'Images built before this change still hold NPM_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'a literal default does not survive the fix',
			code: 'FROM alpine\nARG API_TOKEN=abc123\nRUN curl -H "T: $API_TOKEN" https://example.com',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN curl -H "T: $API_TOKEN" https://example.com',
		},
		{
			name: 'no RUN names it: only the RUNs of tools that read credentials get the mount',
			code: 'FROM node:22\nARG NPM_TOKEN\nRUN --mount=type=cache,target=/root/.npm npm ci\nRUN echo done\nRUN git clone https://github.com/o/r.git',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'NPM_TOKEN', id: 'npm_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM node:22\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN --mount=type=cache,target=/root/.npm npm ci\nRUN echo done\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN git clone https://github.com/o/r.git',
			details: [
				{
					secrets: [{ id: 'npm_token', env: 'NPM_TOKEN' }],
					notes: [
						'Stop passing NPM_TOKEN with --build-arg: export it on the build machine instead.',
						'No RUN names NPM_TOKEN, so it is mounted for the RUNs after it that run npm, git, which can read credentials from the environment or a config file: remove the mounts that are not needed.',
						'Images built before this change still hold NPM_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'exec form',
			code: 'FROM alpine\nARG API_TOKEN\nRUN ["sh", "-c", "curl -H \\"T: $API_TOKEN\\" https://example.com"]',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN ["sh", "-c", "curl -H \\"T: $API_TOKEN\\" https://example.com"]',
		},
		{
			name: 'an ENV of the final image: the note says the container no longer gets it',
			code: 'FROM alpine\nENV API_TOKEN=abc\nRUN curl -H "T: $API_TOKEN" https://example.com\nCMD ["app"]',
			errors: [
				{
					messageId: 'secretEnv',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN curl -H "T: $API_TOKEN" https://example.com\nCMD ["app"]',
			details: [
				{
					secrets: [{ id: 'api_token', env: 'API_TOKEN' }],
					notes: [
						'Export API_TOKEN on the build machine with the value the ENV held.',
						'The image no longer sets API_TOKEN: if the application reads it when it runs, give it to the container at start (`docker run --env-file`, or an orchestrator secret).',
						'Images built before this change still hold API_TOKEN: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'the same ARG in two stages',
			code: 'FROM alpine AS a\nARG API_TOKEN\nRUN echo $API_TOKEN\nFROM alpine\nARG API_TOKEN\nRUN echo ${API_TOKEN:-none}',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 14,
				},
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 5,
					column: 5,
					endLine: 5,
					endColumn: 14,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM alpine AS a\nRUN --mount=type=secret,id=api_token,env=API_TOKEN echo $API_TOKEN\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN echo ${API_TOKEN:-none}',
		},
		{
			name: 'an ARG whose default is an index URL with credentials',
			code: 'FROM python:3.12\nARG PIP_INDEX_URL=https://u:${PYPI_TOKEN}@pypi.example.com/simple\nRUN pip install flask',
			errors: [
				{
					messageId: 'credentialValue',
					data: { keyword: 'ARG', name: 'PIP_INDEX_URL', host: 'pypi.example.com', id: 'pip_index_url' },
					line: 2,
					column: 19,
					endLine: 2,
					endColumn: 66,
				},
			],
			output:
				'# syntax=docker/dockerfile:1\nFROM python:3.12\nRUN --mount=type=secret,id=pip_index_url,env=PIP_INDEX_URL pip install flask',
			details: [
				{
					secrets: [{ id: 'pip_index_url', env: 'PIP_INDEX_URL' }],
					notes: [
						'Export PIP_INDEX_URL on the build machine with the full URL, credentials included.',
						'No RUN names PIP_INDEX_URL, so it is mounted for the RUNs after it that run pip, which can read credentials from the environment or a config file: remove the mounts that are not needed.',
						'Images built before this change still hold PIP_INDEX_URL: rotate the credential if any of them was pushed.',
					],
				},
			],
		},
		{
			name: 'a file starting with a byte-order mark keeps it',
			code: '\uFEFFARG API_TOKEN\nFROM alpine\nARG API_TOKEN\nRUN echo $API_TOKEN',
			errors: [
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 1,
					column: 6,
					endLine: 1,
					endColumn: 15,
				},
				{
					messageId: 'secretArg',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 3,
					column: 5,
					endLine: 3,
					endColumn: 14,
				},
			],
			output:
				'\uFEFF# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=secret,id=api_token,env=API_TOKEN echo $API_TOKEN',
		},
		{
			name: 'an index URL with credentials that a WORKDIR uses: no fix',
			code: 'FROM python:3.12\nARG PIP_INDEX_URL=https://u:${PYPI_TOKEN}@pypi.example.com/simple\nWORKDIR /src/$PIP_INDEX_URL',
			errors: [
				{
					messageId: 'credentialValueOutsideRun',
					data: {
						keyword: 'ARG',
						name: 'PIP_INDEX_URL',
						host: 'pypi.example.com',
						use: 'WORKDIR',
						line: 3,
						id: 'pip_index_url',
					},
					line: 2,
					column: 19,
					endLine: 2,
					endColumn: 66,
				},
			],
			output: null,
			details: [undefined],
		},
	],
});
