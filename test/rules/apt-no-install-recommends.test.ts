import rule from '../../server/src/rules/apt-no-install-recommends';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		{
			name: 'recommends asked for explicitly',
			code: 'FROM debian:12\nRUN apt-get install -y --install-recommends curl',
		},
		'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl',
		{
			name: 'the apt option form',
			code: 'FROM debian:12\nRUN apt-get install -y -o APT::Install-Recommends=false curl',
		},
		{
			name: 'recommends turned off in an apt configuration by an earlier RUN of a parent stage',
			code: 'FROM debian:12 AS base\nRUN echo \'APT::Install-Recommends "false";\' > /etc/apt/apt.conf.d/90norec\nFROM base\nRUN apt-get install -y curl',
		},
		{ name: 'apt-get update alone', code: 'FROM debian:12\nRUN apt-get update' },
		{ name: 'apk is not apt', code: 'FROM alpine:3.20\nRUN apk add curl' },
		{ name: 'in a string', code: 'FROM debian:12\nRUN echo "apt-get install curl"' },
	],
	invalid: [
		{
			name: 'apt-get install',
			code: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl',
			errors: [
				{ messageId: 'recommends', data: { manager: 'apt-get' }, line: 2, column: 23, endLine: 2, endColumn: 46 },
			],
			output: 'FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl',
		},
		{
			name: 'apt install through sudo, over a continuation',
			code: 'FROM ubuntu:24.04\nRUN sudo apt install -y \\\n    git',
			errors: [{ messageId: 'recommends', data: { manager: 'apt' }, line: 2, column: 10, endLine: 3, endColumn: 8 }],
			output: 'FROM ubuntu:24.04\nRUN sudo apt install --no-install-recommends -y \\\n    git',
		},
		{
			name: 'exec form',
			code: 'FROM debian:12\nRUN ["apt-get", "install", "-y", "curl"]',
			errors: [
				{ messageId: 'recommends', data: { manager: 'apt-get' }, line: 2, column: 6, endLine: 2, endColumn: 40 },
			],
			output: 'FROM debian:12\nRUN ["apt-get", "install", "--no-install-recommends", "-y", "curl"]',
		},
	],
});
