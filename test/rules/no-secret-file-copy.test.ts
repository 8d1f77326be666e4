import rule from '../../server/src/rules/no-secret-file-copy';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{ name: 'a .key copied as a public key', code: 'FROM jenkins/jenkins:lts\nCOPY jenkins.io-2026.key /war/jenkins-key.pub' },
		{ name: 'a here-document written to a secret path', code: 'FROM node:22\nCOPY <<EOF /root/.npmrc\nregistry=https://registry.npmjs.org/\nEOF' },
		'FROM node:22\nCOPY package.json package-lock.json ./',
		{ name: 'env templates', code: 'FROM node:22\nCOPY .env.example .env.sample /app/' },
		{ name: 'certificates by name', code: 'FROM alpine:3.20\nCOPY certs/ca.pem fullchain.pem /etc/ssl/' },
		{ name: 'a public key file', code: 'FROM alpine:3.20\nCOPY id_rsa.pub /root/.ssh/authorized_keys' },
		{ name: 'a .pem that the context shows is a certificate', code: 'FROM alpine:3.20\nCOPY server.pem /etc/ssl/', files: { 'server.pem': '-----BEGIN CERTIFICATE-----\n' } },
		{ name: 'from another stage', code: 'FROM alpine:3.20 AS b\nFROM alpine:3.20\nCOPY --from=b /root/.npmrc /x' },
	],
	invalid: [
		{
			name: 'an .npmrc and a .env',
			code: 'FROM node:22\nCOPY .npmrc package.json .env.local ./',
			errors: [
				{ messageId: 'secretFile', data: { file: '.npmrc', what: 'npm registry tokens', keyword: 'COPY', id: 'npmrc' }, line: 2, column: 6, endLine: 2, endColumn: 12 },
				{ messageId: 'secretFile', data: { file: '.env.local', what: 'environment secrets', keyword: 'COPY', id: 'env_local' }, line: 2, column: 26, endLine: 2, endColumn: 36 },
			],
			output: null,
		},
		{
			name: 'credential directories and paths',
			code: 'FROM python:3.12\nADD .aws /root/.aws\nCOPY ./home/.docker/config.json /root/.docker/',
			errors: [
				{ messageId: 'secretFile', data: { file: '.aws', what: 'cloud credentials', keyword: 'ADD', id: 'aws' }, line: 2, column: 5, endLine: 2, endColumn: 9 },
				{ messageId: 'secretFile', data: { file: 'home/.docker/config.json', what: 'registry credentials', keyword: 'COPY', id: 'config_json' }, line: 3, column: 6, endLine: 3, endColumn: 32 },
			],
			output: null,
		},
		{
			name: 'a .pem that the context shows is a private key, and an SSH key',
			code: 'FROM alpine:3.20\nCOPY server.pem id_ed25519 /keys/',
			files: { 'server.pem': '-----BEGIN RSA PRIVATE KEY-----\n' },
			errors: [
				{ messageId: 'secretFile', data: { file: 'server.pem', what: 'a private key', keyword: 'COPY', id: 'server_pem' }, line: 2, column: 6, endLine: 2, endColumn: 16 },
				{ messageId: 'secretFile', data: { file: 'id_ed25519', what: 'an SSH private key', keyword: 'COPY', id: 'id_ed25519' }, line: 2, column: 17, endLine: 2, endColumn: 27 },
			],
			output: null,
		},
	],
});
