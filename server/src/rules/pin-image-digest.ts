import { isValidDigest, type ImageRef } from '../engine/imageRef';
import { imageSites } from '../engine/imageSites';
import { defineRule, type RuleContext } from './types';

type MessageId = 'unpinned' | 'latest' | 'untagged' | 'malformedDigest' | 'argDefault';

/** Docker's own Dockerfile frontend: recommended by Docker as a floating `:1` tag, so not reported by default. */
const OFFICIAL_FRONTEND = /^(?:docker\.io\/)?docker\/dockerfile(?:-upstream)?(?::|@|$)/;

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
		return {
			'file:exit'() {
				for (const site of imageSites(context.model)) {
					const { ref, pin } = site;
					if (site.kind === 'syntax' && OFFICIAL_FRONTEND.test(ref.raw) && ref.digest === undefined) {
						continue;
					}
					const messageId = problem(ref);
					if (!messageId) {
						continue;
					}
					if (site.kind === 'argDefault' && site.argName && site.usedAt) {
						// Reported at the default, where the pin belongs; a suppression on a FROM that uses it counts too.
						context.report({
							range: pin.range,
							messageId: messageId === 'malformedDigest' ? 'malformedDigest' : 'argDefault',
							data: { image: ref.raw, name: site.argName, line: site.usedAt[0] + 1 },
							relatedLines: site.usedAt,
							pin,
						});
						continue;
					}
					// `pin` names the reference for the network fix "Pin to digest"; the engine itself never resolves it.
					context.report({ range: pin.range, messageId, data: { image: ref.raw }, pin });
				}
			},
		};
	},
});
