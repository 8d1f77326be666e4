import { invocation, optionValues, runInvocations, type Invocation } from '../engine/commands';
import { defineRule } from './types';

/** Programs that run code read from stdin. */
const INTERPRETERS = /^(?:sh|bash|dash|ash|zsh|ksh|mksh|busybox|python[\d.]*|perl|ruby|node|php)$/;
/** Shell built-ins that run code given as an argument or a file: `eval "$(curl …)"`, `source <(curl …)`. */
const EVALUATORS = new Set(['eval', 'source', '.']);
/** A downloader's output used as code: `$(curl …)`, `` `wget …` ``, `<(curl …)`. */
const FETCH_AS_CODE = /(?:\$\(|`|<\()\s*(?:\S*\/)?(?:curl|wget)\b/;

/** Whether a curl/wget command writes the download to stdout. */
function downloadsToStdout(inv: Invocation): boolean {
	const args = inv.args.map((a) => a.value);
	if (inv.name === 'curl') {
		// `-o -` (also `-fsSLo-`, `--output=-`) is stdout; any other -o/-O names a file.
		const outputs = optionValues(inv.args, ['-o'], ['--output']).map((o) => o.value);
		const clustered = args
			.filter((a) => /^-[a-zA-Z]*o./.test(a) && !a.startsWith('--'))
			.map((a) => a.slice(a.indexOf('o') + 1));
		const files = [...outputs, ...clustered].filter((o) => o !== '-');
		return (
			files.length === 0 &&
			!args.some((a) => a === '-O' || a === '--remote-name' || a === '--remote-name-all' || /^-[a-zA-Z]*O$/.test(a))
		);
	}
	if (inv.name === 'wget') {
		return args.some(
			(a, i) =>
				((a === '-O' || a === '--output-document') && args[i + 1] === '-') ||
				/^-[a-zA-Z]*O-$/.test(a) ||
				a === '--output-document=-',
		);
	}
	return false;
}

export default defineRule({
	meta: {
		id: 'DH204',
		name: 'no-pipe-to-shell',
		layer: 'layer 6',
		defaultSeverity: 'warning',
		messages: {
			pipeToShell:
				'A downloaded script runs straight from the network ({{downloader}} into {{shell}}), so whoever controls the URL or the connection controls the build. Download it to a file, verify its checksum or signature, then run it.',
		},
		docs: { summary: 'A downloaded script piped into a shell (`curl … | sh`, `sh -c "$(curl …)"`, `bash <(curl …)`).' },
		equivalents: {},
	},
	create(context) {
		const { model } = context;
		return {
			RUN(instruction) {
				const script = model.runScript(instruction);
				const pipelines = new Map<string, Invocation[]>();
				for (const command of script.commands) {
					const inv = invocation(command);
					if (inv && command.pipeline !== undefined) {
						pipelines.set(command.pipeline, [...(pipelines.get(command.pipeline) ?? []), inv]);
					}
				}
				for (const invs of pipelines.values()) {
					const download = invs.findIndex((i) => (i.name === 'curl' || i.name === 'wget') && downloadsToStdout(i));
					const shell = invs.findIndex((i, n) => n > download && INTERPRETERS.test(i.name));
					if (download >= 0 && shell > download) {
						const last = invs[shell].args.at(-1) ?? invs[shell].nameWord;
						context.report({
							range: { start: invs[download].nameWord.range.start, end: last.range.end },
							messageId: 'pipeToShell',
							data: { downloader: invs[download].name, shell: invs[shell].name },
						});
					}
				}
				for (const inv of runInvocations(model, instruction)) {
					if (!INTERPRETERS.test(inv.name) && !EVALUATORS.has(inv.name)) {
						continue;
					}
					const fetched = inv.args.find((a) => FETCH_AS_CODE.test(a.text));
					if (fetched) {
						context.report({
							range: { start: inv.nameWord.range.start, end: fetched.range.end },
							messageId: 'pipeToShell',
							data: { downloader: /wget/.test(fetched.text) ? 'wget' : 'curl', shell: inv.name },
						});
					}
				}
			},
		};
	},
});
