/**
 * SARIF 2.1.0 output: valid against the official schema, and the facts code scanning relies on — rule metadata,
 * rule ids and indexes, regions, fixes, relative URIs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type * as Sarif from 'sarif';
import { loadShellParser } from '../../server/src/node/shellParser';
import { docsUrl } from '../../server/src/protocol';
import { allRules } from '../../server/src/rules';
import { cleanup, writeInsecureFixture, runInProcess, sarifValidator, tempDir, writeTree } from './helpers';

function lineOf(text: string, prefix: string): number {
	return text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
}

void describe('SARIF format', () => {
	let log: Sarif.Log;
	let dockerfile: string;
	let cwd: string;
	before(async () => {
		await loadShellParser();
		const dir = writeInsecureFixture();
		cwd = join(dir, '..');
		dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
		const run = await runInProcess(['--format', 'sarif', 'insecure-python'], { cwd });
		assert.equal(run.code, 1, run.stderr);
		log = JSON.parse(run.stdout) as Sarif.Log;
	});
	after(cleanup);

	void it('validates against the SARIF 2.1.0 schema', () => {
		const validate = sarifValidator();
		assert.equal(validate(log), true, JSON.stringify(validate.errors, null, 2));
	});

	void it('the validator rejects a broken log (so the check above means something)', () => {
		const validate = sarifValidator();
		const broken = structuredClone(log);
		(broken.runs[0].results![0] as { level: string }).level = 'fatal';
		assert.equal(validate(broken), false);
		assert.equal(validate({ version: '2.1.0' }), false);
	});

	void it('has the header, one run and the driver', () => {
		assert.equal(log.version, '2.1.0');
		assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
		assert.equal(log.runs.length, 1);
		const driver = log.runs[0].tool.driver;
		assert.equal(driver.name, 'dockerfile-harden');
		assert.equal(driver.informationUri, 'https://github.com/dockerfile-harden/dockerfile-harden');
		const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
		assert.equal(driver.version, pkg.version);
		assert.deepEqual(log.runs[0].originalUriBaseIds, { '%SRCROOT%': { uri: `${pathToFileURL(cwd).href}/` } });
	});

	void it('lists every rule with id, name, summary, help URI, default level and properties', () => {
		const rules = log.runs[0].tool.driver.rules!;
		assert.deepEqual(
			rules.map((r) => r.id),
			allRules.map((r) => r.meta.id),
		);
		const level = { error: 'error', warning: 'warning', info: 'note', hint: 'note' } as const;
		for (const [i, rule] of allRules.entries()) {
			assert.equal(rules[i].name, rule.meta.name);
			assert.equal(rules[i].shortDescription?.text, rule.meta.docs.summary);
			assert.equal(rules[i].helpUri, docsUrl(rule.meta.id, rule.meta.name));
			assert.equal(rules[i].defaultConfiguration?.level, level[rule.meta.defaultSeverity]);
			assert.equal(rules[i].properties?.layer, rule.meta.layer);
			assert.equal(rules[i].properties?.fixSafety, rule.meta.fix?.safety);
		}
		const dh501 = rules.find((r) => r.id === 'DH501')!;
		assert.equal(dh501.defaultConfiguration?.level, 'note');
	});

	void it('every result points at its rule through ruleIndex', () => {
		const run = log.runs[0];
		assert.ok(run.results!.length > 0);
		for (const result of run.results!) {
			assert.equal(run.tool.driver.rules![result.ruleIndex!].id, result.ruleId);
		}
	});

	void it('reports the insecure example with ruleIds, levels and 1-based regions', () => {
		const results = log.runs[0].results!;
		const pipLine = lineOf(dockerfile, 'RUN pip install');
		const argLine = lineOf(dockerfile, 'ARG PYPI_TOKEN');
		const byRule = (id: string): Sarif.Result => {
			const found = results.find((r) => r.ruleId === id);
			assert.ok(found, `no ${id} result`);
			return found;
		};
		const root = byRule('DH101');
		assert.equal(root.level, 'warning');
		assert.deepEqual(root.locations![0].physicalLocation!.artifactLocation, {
			uri: 'insecure-python/Dockerfile',
			uriBaseId: '%SRCROOT%',
		});
		assert.deepEqual(root.locations![0].physicalLocation!.region, {
			startLine: 1,
			startColumn: 1,
			endLine: 1,
			endColumn: dockerfile.split('\n')[0].length + 1,
		});
		const secretArg = byRule('DH301');
		assert.equal(secretArg.level, 'error');
		assert.deepEqual(secretArg.locations![0].physicalLocation!.region, {
			startLine: argLine,
			startColumn: 5,
			endLine: argLine,
			endColumn: 'ARG PYPI_TOKEN'.length + 1,
		});
		assert.equal(byRule('DH501').level, 'note');
		assert.equal(byRule('DH402').locations![0].physicalLocation!.region!.startLine, pipLine);
		assert.equal(byRule('DH302').locations![0].physicalLocation!.region!.startLine, pipLine);
		assert.match(secretArg.message.text ?? '', /^ARG PYPI_TOKEN looks like a credential/);
	});

	void it('carries the DH402 fix as a replacement', () => {
		const result = log.runs[0].results!.find((r) => r.ruleId === 'DH402')!;
		const pipLine = lineOf(dockerfile, 'RUN pip install');
		assert.deepEqual(result.fixes, [
			{
				description: { text: 'Add --no-cache-dir to pip install' },
				artifactChanges: [
					{
						artifactLocation: { uri: 'insecure-python/Dockerfile', uriBaseId: '%SRCROOT%' },
						replacements: [
							{
								deletedRegion: {
									startLine: pipLine,
									startColumn: 'RUN pip install'.length + 1,
									endLine: pipLine,
									endColumn: 'RUN pip install'.length + 1,
								},
								insertedContent: { text: ' --no-cache-dir' },
							},
						],
					},
				],
				properties: { safety: 'safe' },
			},
		]);
		// A fix that needs the network (the digest comes from the registry) has no replacement to carry.
		assert.equal(log.runs[0].results!.find((r) => r.ruleId === 'DH201')!.fixes, undefined);
	});

	void it('a fix that creates the .dockerignore names that file; one that extends it carries no fix', async () => {
		const dir = tempDir();
		const text = 'FROM python:3.12-slim\nCOPY . /app\nUSER 1000\n';
		writeTree(dir, { 'new/Dockerfile': text, 'old/Dockerfile': text, 'old/.dockerignore': 'node_modules\n' });
		const run = await runInProcess(['--format', 'sarif', 'new', 'old'], { cwd: dir });
		const parsed = JSON.parse(run.stdout) as Sarif.Log;
		const validate = sarifValidator();
		assert.equal(validate(parsed), true, JSON.stringify(validate.errors));
		const dh305 = parsed.runs[0].results!.filter((r) => r.ruleId === 'DH305');
		const uri = (r: Sarif.Result): string | undefined => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
		const created = dh305.find((r) => uri(r) === 'new/Dockerfile')!;
		const change = created.fixes?.[0]?.artifactChanges?.[0];
		assert.deepEqual(change?.artifactLocation, { uri: 'new/.dockerignore', uriBaseId: '%SRCROOT%' });
		assert.match(change?.replacements?.[0]?.insertedContent?.text ?? '', /^\.git$/m);
		assert.equal(dh305.find((r) => uri(r) === 'old/Dockerfile')!.fixes, undefined);
	});

	void it('is deterministic and sorted by file then position', async () => {
		const dir = tempDir();
		writeTree(dir, {
			'b/Dockerfile': 'FROM alpine:3.20\nEXPOSE 80\n',
			'a/Dockerfile': 'FROM alpine:3.20\nEXPOSE 80\n',
		});
		const first = await runInProcess(['--format', 'sarif', 'b', 'a'], { cwd: dir });
		const second = await runInProcess(['--format', 'sarif', 'a', 'b'], { cwd: dir });
		assert.equal(first.stdout, second.stdout);
		const results = (JSON.parse(first.stdout) as Sarif.Log).runs[0].results!;
		const keys = results.map((r) => {
			const loc = r.locations![0].physicalLocation!;
			return [loc.artifactLocation!.uri!, loc.region!.startLine!, loc.region!.startColumn!] as const;
		});
		const sorted = [...keys].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || x[2] - y[2]));
		assert.deepEqual(keys, sorted);
		assert.equal(keys[0][0], 'a/Dockerfile');
	});

	void it('encodes paths as URI references and marks stdin; an empty run is still valid', async () => {
		const dir = tempDir();
		writeTree(dir, { 'my app/Dockerfile': 'FROM alpine:3.20\n' });
		const run = await runInProcess(['--format', 'sarif', 'my app', '-'], { cwd: dir, stdin: 'FROM alpine:3.20\n' });
		const parsed = JSON.parse(run.stdout) as Sarif.Log;
		const uris = new Set(parsed.runs[0].results!.map((r) => r.locations![0].physicalLocation!.artifactLocation!.uri));
		assert.deepEqual([...uris].sort(), ['%3Cstdin%3E', 'my%20app/Dockerfile']);
		const validate = sarifValidator();
		assert.equal(validate(parsed), true, JSON.stringify(validate.errors));
		const missing = await runInProcess(['--format', 'sarif', 'nothing-here'], { cwd: dir });
		assert.equal(missing.code, 2);
		const empty = JSON.parse(missing.stdout) as Sarif.Log;
		assert.deepEqual(empty.runs[0].results, []);
		assert.equal(empty.runs[0].invocations![0].executionSuccessful, false);
		assert.equal(validate(empty), true, JSON.stringify(validate.errors));
	});
});
