// Runs the compiled tests (Node 20's test runner takes no globs): every out/test/**/*.test.js except e2e.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

function find(dir, out = []) {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) {
			if (name !== 'e2e') {
				find(path, out);
			}
		} else if (name.endsWith('.test.js')) {
			out.push(path);
		}
	}
	return out;
}

const files = find('out/test').sort();
const extra = process.argv.slice(2);
// Every test process runs the dependencies as the bundles do, with scripts/dependency-patches.cjs applied.
const register = fileURLToPath(new URL('../scripts/dependency-patches-register.cjs', import.meta.url));
const result = spawnSync(
	process.execPath,
	['--require', register, '--test', '--test-reporter=spec', ...extra, ...files],
	{
		stdio: 'inherit',
	},
);
process.exit(result.status ?? 1);
