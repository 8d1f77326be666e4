import rule from '../../server/src/rules/npm-ci';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{
			name: 'without the context, a lockfile copied to another directory',
			code: 'FROM node:22\nWORKDIR /a\nCOPY package-lock.json ./\nWORKDIR /b\nRUN npm install',
		},
		'FROM node:22\nCOPY package.json package-lock.json ./\nRUN npm ci',
		{ name: 'installing a named package', code: 'FROM node:22\nCOPY package-lock.json ./\nRUN npm install -g pnpm' },
		{
			name: 'no lockfile in the context',
			code: 'FROM node:22\nCOPY package*.json ./\nRUN npm install',
			files: { 'package.json': '{}' },
		},
		{
			name: 'a glob without the context cannot prove a lockfile',
			code: 'FROM node:22\nCOPY package*.json ./\nRUN npm install',
		},
		{
			name: 'a lockfile in another directory',
			code: 'FROM node:22\nWORKDIR /a\nCOPY package-lock.json ./\nWORKDIR /b\nRUN npm install',
			files: { 'package-lock.json': '{}' },
		},
	],
	invalid: [
		{
			name: 'lockfile copied by name',
			code: 'FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm install --omit=dev',
			errors: [
				{ messageId: 'useCi', data: { lockfile: 'package-lock.json' }, line: 4, column: 5, endLine: 4, endColumn: 27 },
			],
			output: 'FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev',
		},
		{
			name: 'lockfile found in the context through a glob, exec form',
			code: 'FROM node:22\nCOPY *.json ./\nRUN ["npm", "i"]',
			files: { 'package.json': '{}', 'npm-shrinkwrap.json': '{}' },
			errors: [
				{
					messageId: 'useCi',
					data: { lockfile: 'npm-shrinkwrap.json' },
					line: 3,
					column: 6,
					endLine: 3,
					endColumn: 16,
				},
			],
			output: 'FROM node:22\nCOPY *.json ./\nRUN ["npm", "ci"]',
		},
	],
});
