/**
 * Issue 3's "tried as a new user": a Dockerfile with curl -k, sudo, chmod 777, EXPOSE 22, an ADD of a URL, a copied
 * .npmrc and npm install shows each finding at its line (with its fix where there is one), and the same file with a
 * config file, or with suppression comments, or with a team's .hadolint.yaml and hadolint comments, shows none.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir, writeTree } from './helpers';

const DOCKERFILE = [
	'FROM node:22-bookworm',
	'WORKDIR /app',
	'RUN curl -k -fsSL https://example.com/setup.sh -o /tmp/setup.sh && sudo sh /tmp/setup.sh',
	'RUN chmod 777 /app',
	'EXPOSE 22 3000',
	'ADD https://example.com/tool.tgz /opt/',
	'COPY .npmrc package.json package-lock.json ./',
	'RUN npm install',
	'CMD ["node", "server.js"]',
	'',
].join('\n');

/** The rules the scenario is about. */
const RULES = ['DH102', 'DH103', 'DH105', 'DH202', 'DH205', 'DH304', 'DH408'];

interface Finding {
	readonly ruleId: string;
	readonly line: number;
	readonly fix?: { readonly safety: string };
}

function findings(dir: string, extra: string[] = []): Finding[] {
	const run = runCli(['--format', 'json', '--fail-on', 'none', ...extra, 'Dockerfile'], { cwd: dir });
	assert.equal(run.code, 0, run.stderr);
	const report = JSON.parse(run.stdout) as { files: { findings: Finding[] }[] };
	return report.files[0].findings.filter((f) => RULES.includes(f.ruleId));
}

function project(files: Record<string, string>): string {
	const dir = join(tempDir(), 'app');
	writeTree(dir, {
		'package.json': '{}',
		'package-lock.json': '{}',
		'.npmrc': 'registry=https://registry.npmjs.org/\n',
		...files,
	});
	return dir;
}

void describe('a new user', () => {
	void it('sees each problem at its line, with its fix where there is one', () => {
		const dir = project({ Dockerfile: DOCKERFILE });
		assert.deepEqual(
			findings(dir).map((f) => `${f.line} ${f.ruleId}${f.fix ? ` ${f.fix.safety}` : ''}`),
			['3 DH205 review', '3 DH102', '4 DH103 review', '5 DH105', '6 DH202', '7 DH304 review', '8 DH408 review'],
		);
		// --fix-unsafe applies the review fixes; what is left needs a human (or the registry, for DH202).
		const fixed = runCli(['--fix-unsafe', '--fail-on', 'none', 'Dockerfile'], { cwd: dir });
		assert.equal(fixed.code, 0, fixed.stderr);
		const text = readFileSync(join(dir, 'Dockerfile'), 'utf8');
		assert.match(text, /^RUN curl -fsSL https:\/\/example\.com\/setup\.sh/m);
		assert.match(text, /^RUN chmod 755 \/app$/m);
		// The .npmrc is no longer copied into the image: npm reads it from a secret mount.
		assert.match(text, /^RUN --mount=type=secret,id=npmrc,target=\/app\/\.npmrc npm ci$/m);
		assert.doesNotMatch(text, /^COPY .*\.npmrc/m);
	});

	void it('turns them off in .dockerfile-harden.yaml', () => {
		const config = `rules:\n${RULES.map((id) => `  ${id}: off`).join('\n')}\n`;
		const dir = project({ Dockerfile: DOCKERFILE, '.dockerfile-harden.yaml': config });
		assert.deepEqual(findings(dir), []);
		// The same file from another directory, through --config.
		const elsewhere = project({ Dockerfile: DOCKERFILE, 'ci/harden.yaml': config });
		assert.equal(findings(elsewhere).length, 7);
		assert.deepEqual(findings(elsewhere, ['--config', 'ci/harden.yaml']), []);
	});

	void it('turns them off with suppression comments', () => {
		const lines = DOCKERFILE.split('\n');
		const commented = [
			...lines.slice(0, 2),
			'# dockerfile-harden ignore=DH205,no-sudo',
			lines[2],
			'# dockerfile-harden ignore=DH103',
			lines[3],
			'# dockerfile-harden global ignore=DH105,DH202,DH304,DH408',
			...lines.slice(4),
		].join('\n');
		assert.deepEqual(findings(project({ Dockerfile: commented })), []);
	});

	void it("keeps a team's hadolint decisions: .hadolint.yaml and hadolint comments", () => {
		const dockerfile = DOCKERFILE.replace('RUN curl', '# hadolint ignore=DL3004\nRUN curl');
		const dir = project({ Dockerfile: dockerfile, '.hadolint.yaml': 'ignored:\n  - DL3008\n  - DL3015\n' });
		// DL3004 maps to DH102; DL3015 to DH405 (not in this scenario); DL3008 has no equivalent.
		assert.deepEqual(
			findings(dir).map((f) => f.ruleId),
			['DH205', 'DH103', 'DH105', 'DH202', 'DH304', 'DH408'],
		);
		const run = runCli(['--format', 'json', '--fail-on', 'none', 'Dockerfile'], { cwd: dir });
		const all = (JSON.parse(run.stdout) as { files: { findings: Finding[] }[] }).files[0].findings;
		assert.ok(!all.some((f) => f.ruleId === 'DH405'), 'DL3015 in .hadolint.yaml turns DH405 off');
	});
});
