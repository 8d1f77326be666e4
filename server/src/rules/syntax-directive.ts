import type { Instruction } from 'dockerfile-ast';
import { flagsOf, heredocsOf } from '../engine/ast';
import type { Range } from 'vscode-languageserver-types';
import { defineRule } from './types';

/** A frontend feature and the first `docker/dockerfile` version that has it outside `labs`. */
interface Feature {
	readonly name: string;
	readonly version: readonly [number, number];
	readonly range: Range;
}

const OFFICIAL = /^((?:docker\.io\/)?docker\/dockerfile(?:-upstream)?):([^@\s]+)(@\S+)?$/;

/** `1`, `1.10`, `1.10.0`, `1-labs`, `1.7-labs` → [major, minor] (a bare major floats to its newest minor). */
function parseVersion(tag: string): [number, number] | undefined {
	const m = /^(\d+)(?:\.(\d+))?(?:\.\d+)?(?:-labs)?$/.exec(tag);
	if (!m) {
		return tag === 'latest' || tag === 'labs' || tag === 'master' ? [Infinity, Infinity] : undefined;
	}
	return m[2] === undefined ? [Number(m[1]), Infinity] : [Number(m[1]), Number(m[2])];
}

function older(a: readonly [number, number], b: readonly [number, number]): boolean {
	return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

export default defineRule({
	meta: {
		id: 'DH502',
		name: 'syntax-directive',
		layer: 'layer 3',
		defaultSeverity: 'warning',
		messages: {
			missing:
				'This file uses {{feature}}, which needs Dockerfile frontend {{version}} or newer, but has no `# syntax=` line, so the build depends on whichever frontend the builder bundles. Add `# syntax=docker/dockerfile:1` as the first line.',
			outdated:
				'`# syntax={{directive}}` is older than {{version}}, which {{feature}} needs, so the build fails or ignores it. Use `docker/dockerfile:1`, which always has the newest stable features.',
		},
		fix: { safety: 'safe', title: 'Use the docker/dockerfile:1 frontend' },
		docs: {
			summary:
				'Features of a recent Dockerfile frontend (`--mount=…,env=`, heredocs, `ADD --checksum`, `COPY --exclude`) without a `# syntax=docker/dockerfile:1` line.',
		},
		equivalents: {},
	},
	create(context) {
		const features: Feature[] = [];
		const add = (name: string, version: [number, number], range: Range): void => {
			features.push({ name, version, range });
		};
		const copyLike = (instruction: Instruction): void => {
			for (const flag of flagsOf(instruction)) {
				const name = flag.getName().toLowerCase();
				if (name === 'exclude') {
					add(`${instruction.getKeyword()} --exclude`, [1, 19], flag.getRange());
				} else if (name === 'checksum' && instruction.getKeyword() === 'ADD') {
					add('ADD --checksum', [1, 6], flag.getRange());
				}
			}
			for (const heredoc of heredocsOf(instruction)) {
				add('a here-document', [1, 4], heredoc.getStartRange());
			}
		};
		return {
			RUN(instruction) {
				for (const flag of flagsOf(instruction)) {
					if (flag.getName().toLowerCase() === 'mount' && flag.getOption('env')) {
						add('`RUN --mount=…,env=`', [1, 10], flag.getRange());
					}
				}
				for (const heredoc of heredocsOf(instruction)) {
					add('a here-document', [1, 4], heredoc.getStartRange());
				}
			},
			COPY: copyLike,
			ADD: copyLike,
			'file:exit'() {
				if (features.length === 0) {
					return;
				}
				const needed = features.reduce((a, b) => (older(a.version, b.version) ? b : a));
				const versionText = `${needed.version[0]}.${needed.version[1]}`;
				const directive = context.dockerfile.getDirectives().find((d) => d.getName().toLowerCase() === 'syntax');
				if (!directive) {
					// The most demanding feature says which frontend the file needs.
					context.report({
						range: needed.range,
						messageId: 'missing',
						data: { feature: needed.name, version: versionText },
						fix: (fixer) => {
							const bom = context.text.startsWith('\uFEFF') ? 1 : 0;
							return fixer.insertAt({ line: 0, character: bom }, `# syntax=docker/dockerfile:1${fixer.eol}`);
						},
					});
					return;
				}
				const value = directive.getValue();
				const m = OFFICIAL.exec(value);
				const version = m ? parseVersion(m[2]) : undefined;
				if (!m || !version || !older(version, needed.version)) {
					return;
				}
				const labs = m[2].endsWith('-labs') ? '-labs' : '';
				context.report({
					range: directive.getValueRange(),
					messageId: 'outdated',
					data: { directive: value, version: versionText, feature: needed.name },
					// A pinned digest belongs to the old version: replacing the tag alone would mismatch it.
					fix: m[3] ? undefined : (fixer) => fixer.replace(directive.getValueRange(), `${m[1]}:1${labs}`),
				});
			},
		};
	},
});
