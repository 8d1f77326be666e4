// One lint configuration for the repository. Layering (ARCHITECTURE.md) is enforced with no-restricted-imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const engineBans = {
	paths: [
		{ name: 'vscode', message: 'The engine is pure: no VS Code API.' },
		{ name: 'fs', message: 'The engine is pure: I/O comes in through interfaces.' },
		{ name: 'node:fs', message: 'The engine is pure: I/O comes in through interfaces.' },
		{ name: 'process', message: 'The engine is pure.' },
		{ name: 'node:process', message: 'The engine is pure.' },
		{ name: 'child_process', message: 'The engine is pure.' },
		{ name: 'node:child_process', message: 'The engine is pure.' },
		{ name: 'vscode-languageserver', message: 'The engine never touches the connection.' },
		{ name: 'vscode-languageserver/node', message: 'The engine never touches the connection.' },
	],
};

export default tseslint.config(
	{ ignores: ['node_modules/**', 'out/**', 'dist/**', 'test/fixtures/**', 'bin/**', '**/*.mjs', 'examples/**'] },
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		files: ['**/*.ts'],
		languageOptions: {
			parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
		},
		rules: {
			'@typescript-eslint/no-floating-promises': [
				'error',
				{
					// node:test's describe/it return promises the runner itself awaits.
					allowForKnownSafeCalls: [
						{ from: 'package', name: ['describe', 'it', 'test', 'suite'], package: 'node:test' },
					],
				},
			],
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'@typescript-eslint/no-non-null-assertion': 'off',
			eqeqeq: ['error', 'always'],
			curly: 'error',
		},
	},
	{
		files: ['server/src/engine/**/*.ts', 'server/src/rules/**/*.ts', 'server/src/protocol.ts'],
		rules: {
			'no-restricted-imports': ['error', engineBans],
			'@typescript-eslint/no-explicit-any': 'error',
			'no-console': 'error',
		},
	},
	{
		files: ['server/src/**/*.ts'],
		ignores: ['server/src/cli/**'],
		rules: { 'no-console': 'error' },
	},
	{
		files: ['client/src/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['**/server/src/*', '!**/server/src/protocol'],
							message: 'The client imports only server/src/protocol.',
						},
					],
				},
			],
		},
	},
	{
		files: ['**/*.cjs'],
		languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
		rules: { '@typescript-eslint/no-require-imports': 'off' },
	},
);
