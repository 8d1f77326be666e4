import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits, fixAll } from '../../server/src/engine/fixer';
import { buildCommand, composeSecrets, hardenSummary, planHarden, RUN_COMMAND } from '../../server/src/engine/harden';
import { loadShellParser } from '../../server/src/node/shellParser';

const INSECURE = [
	'FROM python:3.11-slim',
	'ENV PIP_NO_CACHE_DIR=0',
	'RUN pip install flask',
	'RUN apt-get update && apt-get install -y curl',
	'CMD ["python", "app.py"]',
	'',
].join('\n');

void describe('planHarden', () => {
	before(() => loadShellParser());

	it('labels every composed edit with its rule, and the edits give the output', () => {
		const plan = planHarden(INSECURE, {});
		assert.notEqual(plan.output, INSECURE);
		assert.equal(applyEdits(INSECURE, plan.edits), plan.output);
		const labels = new Set(plan.edits.map((e) => e.label));
		const applied = new Set(plan.applied.map((a) => a.ruleId));
		assert.deepEqual([...labels].sort(), [...applied].sort());
		for (const label of labels) {
			assert.match(label, /^DH\d{3}$/);
		}
	});

	it('applies review fixes, never network ones', () => {
		const text = `${INSECURE}RUN curl -k https://example.com/install.sh -o /tmp/i.sh\n`;
		const plan = planHarden(text, {});
		const safeOnly = fixAll(text, { safeties: ['safe'] });
		assert.notEqual(plan.output, safeOnly.output, 'the review fix (DH4xx TLS bypass) is in the plan');
		assert.ok(plan.applied.some((a) => !safeOnly.applied.some((b) => b.ruleId === a.ruleId)));
		assert.ok(
			plan.remaining.some((d) => d.code === 'DH201'),
			'pinning is left to the caller',
		);
		assert.ok(plan.remaining.every((d) => d.data.fix === undefined || d.data.fix.safety === 'network'));
	});

	it('is a no-op on its own output', () => {
		const plan = planHarden(INSECURE, {});
		const again = planHarden(plan.output, {});
		assert.equal(again.output, plan.output);
		assert.deepEqual(again.edits, []);
	});
});

void describe('Harden summary', () => {
	it('builds with a --secret per secret, env or file', () => {
		assert.equal(buildCommand([]), 'docker buildx build -t myapp .');
		assert.equal(
			buildCommand(
				[
					{ id: 'pypi_token', env: 'PYPI_TOKEN' },
					{ id: 'netrc', src: '$HOME/.netrc' },
				],
				'app.Dockerfile',
			),
			'docker buildx build --secret id=pypi_token,env=PYPI_TOKEN --secret id=netrc,src=$HOME/.netrc -f app.Dockerfile -t myapp .',
		);
	});

	it('gives the Compose form only when there are secrets', () => {
		assert.equal(composeSecrets([]), undefined);
		const yaml = composeSecrets([{ id: 'pypi_token', env: 'PYPI_TOKEN' }]);
		assert.match(yaml!, /^ {8}- pypi_token$/m);
		assert.match(yaml!, /^ {4}environment: PYPI_TOKEN$/m);
	});

	it('says what changed, what is left and how to build and run', () => {
		const plan = planHarden(INSECURE, {});
		const summary = hardenSummary(plan, { pinned: [], unpinned: ['python:3.11-slim (timeout)'] });
		for (const a of plan.applied) {
			assert.ok(summary.includes(`- ${a.ruleId}: `), a.ruleId);
		}
		assert.match(summary, /Pin python:3\.11-slim \(timeout\)/);
		for (const d of plan.remaining) {
			assert.ok(summary.includes(`Line ${d.range.start.line + 1}, ${d.code}:`), d.code);
		}
		assert.ok(summary.includes(RUN_COMMAND));
		assert.match(
			hardenSummary({ applied: [], secrets: [], files: [], notes: [], remaining: [] }),
			/Nothing: no fix applies/,
		);
	});
});
