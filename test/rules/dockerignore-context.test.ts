import rule from '../../server/src/rules/dockerignore-context';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{ code: 'FROM node:22\nCOPY . .', files: { '.dockerignore': '.git\n.env*\nnode_modules\n' } },
		{ name: 'an allow-list', code: 'FROM node:22\nCOPY . .', files: { '.dockerignore': '*\n!src\n!package.json\n' } },
		{ name: 'globstar patterns', code: 'FROM node:22\nCOPY . .', files: { '.dockerignore': '**/.git\n**/.env*\n' } },
		{ name: 'named files only', code: 'FROM node:22\nCOPY package.json src/ ./', files: {} },
		{ name: 'no build context (stdin)', code: 'FROM node:22\nCOPY . .' },
		{ name: 'from another stage', code: 'FROM node:22 AS b\nFROM node:22\nCOPY --from=b . .', files: {} },
		{
			name: "the Dockerfile's own ignore file wins",
			code: 'FROM node:22\nCOPY . .',
			files: { 'api.Dockerfile.dockerignore': '.git\n.env*\n', '.dockerignore': '' },
			dockerfileName: 'api.Dockerfile',
		},
	],
	invalid: [
		{
			name: 'no .dockerignore',
			code: 'FROM node:22\nCOPY . /app',
			files: {},
			errors: [
				{ messageId: 'missing', data: { keyword: 'COPY', source: '.' }, line: 2, column: 6, endLine: 2, endColumn: 7 },
			],
			output: null,
			details: [
				{
					files: [
						{
							path: '.dockerignore',
							action: 'create',
							text: '# Keep history, secrets and local clutter out of the build context (Dockerfile Harden, DH305).\n.git\n.env*\n!.env.example\n.npmrc\n.pypirc\npip.conf\n.netrc\n.git-credentials\n*.pem\n*.key\nid_rsa*\nid_ed25519*\n.aws\n.ssh\n.docker\n',
						},
					],
				},
			],
		},
		{
			name: 'a .dockerignore that re-includes .env',
			code: 'FROM node:22\nADD ./ /app',
			files: { '.dockerignore': '.git\n.env*\n!.env\n' },
			errors: [
				{
					messageId: 'weak',
					data: { keyword: 'ADD', source: './', paths: '.env*' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 7,
				},
			],
			output: null,
		},
		{
			name: '.env alone leaves .env.local in the context',
			code: 'FROM node:22\nCOPY . .',
			files: { '.dockerignore': '.git\n.env\n' },
			errors: [
				{
					messageId: 'weak',
					data: { keyword: 'COPY', source: '.', paths: '.env*' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 7,
				},
			],
			output: null,
		},
		{
			name: 'a .dockerignore without .git or .env',
			code: 'FROM node:22\nCOPY . .',
			files: { '.dockerignore': 'node_modules\n# .git\n' },
			errors: [
				{
					messageId: 'weak',
					data: { keyword: 'COPY', source: '.', paths: '.git and .env*' },
					line: 2,
					column: 6,
					endLine: 2,
					endColumn: 7,
				},
			],
			output: null,
			details: [
				{
					files: [
						{ path: '.dockerignore', action: 'append', text: '# Added by Dockerfile Harden (DH305).\n.git\n.env*\n' },
					],
				},
			],
		},
	],
});
