import rule from '../../server/src/rules/multi-stage-build';
import { RuleTester } from '../harness/ruleTester';

new RuleTester().run(rule, {
	valid: [
		'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl',
		{
			name: 'multi-stage build',
			code: 'FROM python:3.11 AS builder\nRUN apt-get install -y gcc\nFROM python:3.11-slim\nCOPY --from=builder /install /usr/local',
		},
		{ name: 'build deps removed in the same RUN', code: 'FROM alpine:3.20\nRUN apk add --virtual .build-deps gcc musl-dev && make && apk del .build-deps' },
		{ name: 'tools installed for the users of a dev image, never used by the build', code: 'FROM ubuntu:24.04\nRUN apt-get install -y build-essential gdb\nUSER dev' },
		{ name: 'named packages purged later', code: 'FROM debian:12\nRUN apt-get install -y gcc libc6-dev\nRUN make\nRUN apt-get purge -y gcc libc6-dev' },
		{
			name: "docker-library's apt-mark auto pattern",
			code: 'FROM debian:12\nRUN savedAptMark="$(apt-mark showmanual)" && apt-get install -y gcc make && make && apt-mark auto \'.*\' > /dev/null && apt-mark manual $savedAptMark && apt-get purge -y --auto-remove',
		},
		{ name: 'a word in a string is not a package install', code: 'FROM debian:12\nRUN echo "apt-get install gcc"' },
		{ name: 'runtime libraries are fine', code: 'FROM debian:12\nRUN apt-get install -y libpq5 libssl3' },
	],
	invalid: [
		{
			name: "the seed's insecure single-stage image",
			code: 'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev\nCOPY . .\nRUN pip install -r requirements.txt',
			errors: [{ messageId: 'buildToolsShipped', data: { packages: 'gcc, libpq-dev' }, line: 2, column: 23, endLine: 2, endColumn: 55 }],
			output: null,
		},
		{
			name: 'alpine build-base, more than three packages',
			code: 'FROM alpine:3.20\nRUN apk add --no-cache build-base linux-headers openssl-dev zlib-dev && ./configure && make install',
			errors: [{ messageId: 'buildToolsShipped', data: { packages: 'build-base, linux-headers, openssl-dev, +1 more' }, line: 2, column: 5, endLine: 2, endColumn: 69 }],
			output: null,
		},
		{
			name: 'a removal before the install does not count',
			code: 'FROM debian:12\nRUN apt-get purge -y gcc\nRUN apt-get install -y gcc && make',
			errors: [{ messageId: 'buildToolsShipped', data: { packages: 'gcc' }, line: 3, column: 5, endLine: 3, endColumn: 27 }],
			output: null,
		},
		{
			name: 'packages are tracked one by one: a purge of one does not remove another installed later',
			code: 'FROM debian:12\nRUN apt-get install -y libpq-dev\nRUN apt-get purge -y gcc\nRUN apt-get install -y gcc && make',
			errors: [{ messageId: 'buildToolsShipped', data: { packages: 'libpq-dev, gcc' }, line: 2, column: 5, endLine: 2, endColumn: 33 }],
			output: null,
		},
		{
			name: 'an install after the apt-mark auto purge is kept',
			code: 'FROM debian:12\nRUN apt-get install -y gcc && make && apt-mark auto \'.*\' && apt-get purge -y --auto-remove && apt-get install -y g++ && make',
			errors: [{ messageId: 'buildToolsShipped', data: { packages: 'g++' }, line: 2, column: 95, endLine: 2, endColumn: 117 }],
			output: null,
		},
		{
			name: 'a virtual package that is never deleted',
			code: 'FROM alpine:3.20\nRUN apk add --virtual .build-deps gcc\nRUN go build ./...',
			errors: [{ messageId: 'buildToolsShipped', data: { packages: 'gcc' }, line: 2, column: 5, endLine: 2, endColumn: 38 }],
			output: null,
		},
		{
			name: 'versioned and rpm packages',
			code: 'FROM fedora:40\nRUN dnf install -y gcc-c++ python3-devel-3.12.1\nRUN python3 -m pip install --no-cache-dir numpy',
			errors: [{ messageId: 'buildToolsShipped', data: { packages: 'gcc-c++, python3-devel-3.12.1' }, line: 2, column: 5, endLine: 2, endColumn: 48 }],
			output: null,
		},
	],
});
