import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DockerfileParser } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { invocation } from '../../server/src/engine/commands';
import { FileModel } from '../../server/src/engine/model';
import { loadShellParser } from '../../server/src/node/shellParser';

/** Each command of every RUN as `line:col name arg…` (1-based), values unquoted. */
function commands(text: string): string[] {
	const document = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
	const dockerfile = DockerfileParser.parse(text);
	const model = new FileModel(document, dockerfile, dockerfile.getEscapeCharacter());
	const out: string[] = [];
	for (const i of dockerfile.getInstructions()) {
		if (i.getKeyword() !== 'RUN') {
			continue;
		}
		for (const c of model.runScript(i).commands) {
			const first = c.words[0] ?? c.assignments[0];
			if (!first) {
				continue;
			}
			const pos = `${first.range.start.line + 1}:${first.range.start.character + 1}`;
			out.push(`${pos} ${[...c.assignments, ...c.words].map((w) => w.value).join(' ')}`);
		}
	}
	return out;
}

describe('RUN analysis', () => {
	before(() => loadShellParser());

	it('splits lists and keeps quoted text as one word', () => {
		assert.deepEqual(commands('FROM a\nRUN echo "pip install x" && pip  install   -r  "my reqs.txt"'), [
			'2:5 echo pip install x',
			'2:29 pip install -r my reqs.txt',
		]);
	});
	it('joins continuation lines and drops comment and empty lines inside them, like Docker', () => {
		const text = 'FROM a\nRUN apt-get update \\\n  # refresh\n\n  && apt-get install -y \\\n     curl';
		assert.deepEqual(commands(text), ['2:5 apt-get update', '5:6 apt-get install -y curl']);
	});
	it('uses the escape directive', () => {
		const text = '# escape=`\nFROM a\nRUN echo C:\\dir `\n  && dir';
		assert.deepEqual(commands(text), ['3:5 echo C:dir', '4:6 dir']);
	});
	it('handles CRLF', () => {
		assert.deepEqual(commands('FROM a\r\nRUN a \\\r\n  b && c\r\n'), ['2:5 a b', '3:8 c']);
	});
	it('finds commands inside command substitutions and pipelines', () => {
		const text = 'FROM a\nRUN v="$(curl -s https://x | sha256sum)" && curl -fsSL https://get.example.com | sh -';
		assert.deepEqual(commands(text), [
			'2:5 v=$(curl -s https://x | sha256sum)',
			'2:10 curl -s https://x',
			'2:30 sha256sum',
			'2:45 curl -fsSL https://get.example.com',
			'2:82 sh -',
		]);
	});
	it('reads a bare heredoc as the script, and not a python one', () => {
		const text = 'FROM a\nRUN <<EOF\nset -e\npip install flask\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF';
		assert.deepEqual(commands(text), ['3:1 set -e', '4:1 pip install flask']);
	});
	it('reads heredocs fed to a shell, not those fed to other programs', () => {
		const text = 'FROM a\nRUN bash <<EOF\napk add x\nEOF\nRUN python3 <<EOF\nprint(1)\nEOF';
		assert.deepEqual(commands(text), ['2:5 bash', '3:1 apk add x', '5:5 python3']);
	});
	it('treats exec form as one command, and parses sh -c scripts', () => {
		const text = 'FROM a\nRUN ["pip", "install", "x"]\nRUN ["/bin/sh", "-c", "apk add y && echo z"]';
		assert.deepEqual(commands(text), ['2:6 pip install x', '3:24 apk add y', '3:37 echo z']);
	});
	it('does not analyse non-POSIX shells', () => {
		const text =
			'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN Invoke-WebRequest x';
		assert.deepEqual(commands(text), []);
	});
	it('a SHELL in a parent stage applies to the child stage', () => {
		const text = 'FROM a AS base\nSHELL ["cmd", "/S", "/C"]\nFROM base\nRUN dir';
		assert.deepEqual(commands(text), []);
	});
	it('records assignments and finds the program through wrappers', () => {
		const text = 'FROM a\nRUN FOO=1 sudo -u app env X=2 /usr/local/bin/pip3 install flask';
		const document = TextDocument.create('file:///D', 'dockerfile', 0, text);
		const dockerfile = DockerfileParser.parse(text);
		const model = new FileModel(document, dockerfile, '\\');
		const [command] = model.runScript(dockerfile.getInstructions()[1]).commands;
		assert.deepEqual(
			command.assignments.map((a) => a.value),
			['FOO=1'],
		);
		const inv = invocation(command);
		assert.equal(inv?.name, 'pip3');
		assert.deepEqual(
			inv?.args.map((a) => a.value),
			['install', 'flask'],
		);
	});
	it('survives unbalanced quotes and half-typed commands, keeping what parses', () => {
		assert.deepEqual(commands('FROM a\nRUN pip install "flask'), ['2:5 pip install']);
	});
});
