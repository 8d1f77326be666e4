import rule from '../../server/src/rules/no-hardcoded-secret';
import { RuleTester } from '../harness/ruleTester';

// Built at run time so the repository holds no string a secret scanner would flag.
const GITHUB = 'ghp_' + 'a1B2c3D4e5'.repeat(3) + 'F6g7H8';
const AWS = 'AKIA' + 'Z7Q2XK4LM9NB3VTR';

new RuleTester().run(rule, {
	valid: [
		'FROM alpine\nARG NPM_TOKEN\nENV API_URL=https://api.example.com',
		{
			name: 'secret-named variable from a variable',
			code: 'FROM alpine\nARG DB_PASSWORD\nENV DB_PASSWORD=$DB_PASSWORD',
		},
		{ name: 'path value', code: 'FROM alpine\nENV DB_PASSWORD=/run/secrets/db' },
		{ name: 'empty value', code: 'FROM alpine\nARG GITHUB_TOKEN=' },
		{ name: "AWS's documented example key", code: 'FROM alpine\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE' },
		{ name: 'placeholder value', code: 'FROM alpine\nENV API_KEY=<your-api-key>' },
		{ name: 'password read from stdin', code: 'FROM alpine\nRUN echo "$TOKEN" | docker login --password-stdin -u me' },
		{ name: 'password option from a variable', code: 'FROM alpine\nRUN mysqladmin --password "$DB_PASSWORD" ping' },
		{ name: 'a public key block', code: 'FROM alpine\nRUN echo "-----BEGIN PUBLIC KEY-----" > /k' },
		{
			name: 'a dummy key for a build step',
			code: 'FROM python:3.12\nRUN SECRET_KEY=dummy python3 manage.py collectstatic --no-input',
		},
		{ name: 'a boolean', code: 'FROM alpine\nENV API_TOKEN=false' },
		{ name: 'comments are not scanned', code: `# token was ${GITHUB}\nFROM alpine` },
	],
	invalid: [
		{
			name: 'GitHub token in ENV',
			code: `FROM alpine\nENV GH=${GITHUB}`,
			errors: [
				{ messageId: 'literalToken', data: { kind: 'GitHub token' }, line: 2, column: 8, endLine: 2, endColumn: 48 },
			],
			output: null,
		},
		{
			name: 'AWS key in a RUN',
			code: `FROM alpine\nRUN aws configure set aws_access_key_id ${AWS}`,
			errors: [
				{
					messageId: 'literalToken',
					data: { kind: 'AWS access key ID' },
					line: 2,
					column: 41,
					endLine: 2,
					endColumn: 61,
				},
			],
			output: null,
		},
		{
			name: 'literal value of a secret-named ARG',
			code: 'FROM postgres:16\nENV POSTGRES_PASSWORD=postgres',
			errors: [
				{
					messageId: 'literalValue',
					data: { name: 'POSTGRES_PASSWORD', id: 'postgres_password' },
					line: 2,
					column: 23,
					endLine: 2,
					endColumn: 31,
				},
			],
			output: null,
		},
		{
			name: 'export in a RUN',
			code: 'FROM alpine\nRUN export API_TOKEN=s3cr3t && ./deploy.sh',
			errors: [
				{
					messageId: 'literalValue',
					data: { name: 'API_TOKEN', id: 'api_token' },
					line: 2,
					column: 12,
					endLine: 2,
					endColumn: 28,
				},
			],
			output: null,
		},
		{
			name: 'a --password option',
			code: 'FROM alpine\nRUN mysql --password=hunter2 -e "select 1"',
			errors: [
				{ messageId: 'literalOption', data: { option: '--password' }, line: 2, column: 11, endLine: 2, endColumn: 29 },
			],
			output: null,
		},
		{
			name: 'a private key in a heredoc',
			code: 'FROM alpine\nRUN <<EOF\ncat > /k <<KEY\n-----BEGIN OPENSSH PRIVATE KEY-----\nKEY\nEOF',
			errors: [
				{ messageId: 'literalToken', data: { kind: 'private key' }, line: 4, column: 1, endLine: 4, endColumn: 36 },
			],
			output: null,
		},
	],
});
