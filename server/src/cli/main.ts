/**
 * Entry point of `dockerfile-harden` (bundled to dist/cli.js). Wires the real process to {@link run}; everything
 * else lives in run.ts so tests can drive it in-process.
 */
import { run, type CliIo } from './run';

const io: CliIo = {
	stdout: { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY },
	stderr: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY },
	readStdin: async () => {
		const chunks: Buffer[] = [];
		for await (const chunk of process.stdin) {
			chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
		}
		return Buffer.concat(chunks);
	},
	cwd: process.cwd(),
	env: process.env,
};

// `dockerfile-harden … | head` closes the pipe early; that is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code !== 'EPIPE') {
		throw error;
	}
});

// exitCode rather than process.exit(): stdout may still be flushing a large report into a pipe.
void run(process.argv.slice(2), io).then((code) => {
	process.exitCode = code;
});
