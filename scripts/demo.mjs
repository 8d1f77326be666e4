// The README's first command: lint the bundled examples, then show what --fix changes in the insecure one
// (on a copy, so the example stays as it is). Exits 0: findings are the point of the demo.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist/cli.js');
const run = (title, args, cwd = root) => {
	console.log(`\n\x1b[1m$ dockerfile-harden ${args.join(' ')}\x1b[0m  (${title})\n`);
	const result = spawnSync(process.execPath, [cli, ...args], { cwd, stdio: 'inherit' });
	if (result.status === 2 || result.error) {
		process.exit(2);
	}
};

run('lint both examples', ['examples/']);
const work = mkdtempSync(join(tmpdir(), 'dockerfile-harden-demo-'));
try {
	cpSync(join(root, 'examples/insecure-python'), work, { recursive: true });
	run('what --fix would change', ['--fix', '--diff', 'Dockerfile'], work);
	run('apply the safe fixes to a copy, then lint what is left', ['--fix', 'Dockerfile'], work);
} finally {
	rmSync(work, { recursive: true, force: true });
}
console.log('\nThe rest needs a review fix or a human: see docs/rules/ for each finding.');
