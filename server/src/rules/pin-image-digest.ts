import type { From, Instruction } from 'dockerfile-ast';
import { flagOf, flagsOf } from '../engine/ast';
import type { Range } from 'vscode-languageserver-types';
import { isValidDigest, parseImageRef, type ImageRef } from '../engine/imageRef';
import { pinDataFor } from '../engine/imageSites';
import type { ImageSiteKind } from '../protocol';
import type { Stage } from '../engine/model';
import { defineRule, type RuleContext } from './types';

type MessageId = 'unpinned' | 'latest' | 'untagged' | 'malformedDigest' | 'argDefault';

/** Docker's own Dockerfile frontend: recommended by Docker as a floating `:1` tag, so not reported by default. */
const OFFICIAL_FRONTEND = /^(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?(?::|@|$)/;

/** Whether a reference names the image by a single variable (`$BASE`, `${BASE}`), and which. */
function singleVariable(text: string): string | undefined {
	const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(text.trim());
	return m ? (m[1] ?? m[2]) : undefined;
}

/** The message for an image that is not pinned (or pinned wrongly), or `undefined` when it is fine. */
function problem(ref: ImageRef): MessageId | undefined {
	if (ref.digest !== undefined) {
		return isValidDigest(ref.digest) ? undefined : 'malformedDigest';
	}
	if (ref.tag === undefined) {
		return 'untagged';
	}
	return ref.tag === 'latest' ? 'latest' : 'unpinned';
}

export default defineRule<MessageId>({
	meta: {
		id: 'DH201',
		name: 'pin-image-digest',
		layer: 'layer 1',
		defaultSeverity: 'warning',
		messages: {
			unpinned:
				'The image "{{image}}" is pinned by tag only, and a tag can be moved to other content. Pin it to the digest the tag points at (`{{image}}@sha256:…`) so every build starts from the same bytes.',
			latest:
				'The image "{{image}}" uses the `latest` tag, which moves with every release. Pin an explicit version and its digest (`name:version@sha256:…`).',
			untagged:
				'The image "{{image}}" has no tag, so it means `latest`, which moves with every release. Pin an explicit version and its digest (`name:version@sha256:…`).',
			malformedDigest:
				'The digest of "{{image}}" is not a full digest (sha256 and 64 hex digits), so the image cannot be pulled by it. Write the complete digest the tag points at.',
			argDefault:
				'The default of ARG {{name}} ("{{image}}") is used as an image on line {{line}} and is not pinned to a digest. Pin the default (`{{image}}@sha256:…`) so builds without --build-arg are reproducible.',
		},
		// A network fix: the engine only names the reference (`pin` data); the server or CLI resolves it on request.
		fix: { safety: 'network', title: 'Pin to digest' },
		docs: {
			summary:
				'An external image (FROM, COPY --from, RUN --mount=from, # syntax=, or an ARG default used as one) without a digest.',
		},
		equivalents: { hadolint: ['DL3006', 'DL3007'], trivy: ['DS-0001'], checkov: ['CKV_DOCKER_7'] },
	},
	create(context: RuleContext<MessageId>) {
		const { model, dockerfile } = context;
		/** Global ARGs used as a whole image reference, and the FROM lines that use them. */
		const argUses = new Map<string, { usedAt: Instruction[]; report?: () => void }>();

		// `pin` names the reference for the network fix "Pin to digest"; the engine itself never resolves it.
		const check = (ref: ImageRef | undefined, range: Range | null, kind: ImageSiteKind): void => {
			if (!ref || !range) {
				return;
			}
			const messageId = problem(ref);
			if (messageId) {
				context.report({
					range,
					messageId,
					data: { image: ref.raw },
					pin: pinDataFor(context.document, range, ref, kind),
				});
			}
		};

		/** An image taken from a global ARG default: report at the default, where the pin belongs. */
		const checkArgDefault = (name: string, usedAt: Instruction): boolean => {
			const arg = dockerfile
				.getInitialARGs()
				.filter((a) => a.getProperty()?.getName() === name)
				.at(-1);
			const property = arg?.getProperty();
			const valueRange = property?.getValueRange();
			const value = property?.getValue();
			if (!property || !valueRange || value === null || value === undefined) {
				return false;
			}
			const ref = parseImageRef(model.globalArgs.get(name) ?? value);
			if (!ref || model.findStage(ref.raw) || ref.raw.toLowerCase() === 'scratch') {
				return true;
			}
			const messageId = problem(ref);
			const entry = argUses.get(name) ?? { usedAt: [] };
			entry.usedAt.push(usedAt);
			if (messageId && !entry.report) {
				entry.report = () =>
					context.report({
						range: valueRange,
						messageId: messageId === 'malformedDigest' ? 'malformedDigest' : 'argDefault',
						data: { image: ref.raw, name, line: entry.usedAt[0].getRange().start.line + 1 },
						relatedLines: entry.usedAt.map((i) => i.getRange().start.line),
						pin: pinDataFor(context.document, valueRange, ref, 'argDefault'),
					});
			}
			argUses.set(name, entry);
			return true;
		};

		/** `COPY --from=x` / `RUN --mount=from=x`: an image unless it names a stage. */
		const checkFromValue = (
			value: string | null,
			range: Range | null,
			stage: Stage,
			at: Instruction,
			kind: ImageSiteKind,
		): void => {
			if (!value || !range) {
				return;
			}
			const expansion = model.expand(value, model.variablesAt(stage, at));
			if (expansion.unresolved || model.findStage(expansion.value)) {
				return;
			}
			check(parseImageRef(expansion.value), range, kind);
		};

		return {
			FROM(instruction, stage) {
				if (stage.parent || stage.isScratch) {
					return;
				}
				const from = instruction as From;
				const variable = singleVariable(from.getImage() ?? '');
				if (variable && checkArgDefault(variable, instruction)) {
					return;
				}
				if (stage.baseUnresolved) {
					return;
				}
				check(stage.baseImage, from.getImageRange(), 'from');
			},
			COPY(instruction, stage) {
				const flag = flagOf(instruction, 'from');
				if (flag) {
					checkFromValue(flag.getValue(), flag.getValueRange(), stage, instruction, 'copyFrom');
				}
			},
			RUN(instruction, stage) {
				for (const flag of flagsOf(instruction)) {
					if (flag.getName().toLowerCase() !== 'mount') {
						continue;
					}
					const from = flag.getOption('from');
					if (from) {
						checkFromValue(from.getValue(), from.getValueRange(), stage, instruction, 'mountFrom');
					}
				}
			},
			'file:exit'() {
				for (const entry of argUses.values()) {
					entry.report?.();
				}
				const syntax = dockerfile.getDirectives().find((d) => d.getName().toLowerCase() === 'syntax');
				if (!syntax) {
					return;
				}
				const value = syntax.getValue();
				if (OFFICIAL_FRONTEND.test(value) && !value.includes('@')) {
					return;
				}
				check(parseImageRef(value), syntax.getValueRange(), 'syntax');
			},
		};
	},
});
