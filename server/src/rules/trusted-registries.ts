import { normaliseRegistry, registryOf } from '../engine/imageRef';
import { imageSites } from '../engine/imageSites';
import { defineRule } from './types';

/** Whether `registry` matches a trusted entry: a host, `*.suffix` or `prefix*` (hadolint's DL3026 forms). */
export function isTrusted(registry: string, trusted: readonly string[]): boolean {
	return trusted.some((entry) => {
		const pattern = entry.trim().toLowerCase();
		if (pattern.startsWith('*.')) {
			return registry.endsWith(pattern.slice(1));
		}
		if (pattern.endsWith('*')) {
			return registry.startsWith(pattern.slice(0, -1));
		}
		// hadolint users write Docker Hub as hub.docker.com too.
		return (pattern === 'hub.docker.com' ? 'docker.io' : normaliseRegistry(pattern)) === registry;
	});
}

export default defineRule({
	meta: {
		id: 'DH207',
		name: 'trusted-registries',
		layer: 'layer 1',
		defaultSeverity: 'error',
		messages: {
			untrusted:
				'The image "{{image}}" comes from {{registry}}, which is not one of the trusted registries ({{trusted}}). Use an image from a trusted registry, or mirror this one there.',
		},
		docs: {
			summary:
				'An image from a registry outside `trustedRegistries` (FROM, COPY --from, RUN --mount=from, # syntax=). Off until a list is configured.',
		},
		equivalents: { hadolint: ['DL3026'] },
	},
	create(context) {
		const trusted = context.settings.trustedRegistries;
		if (trusted.length === 0) {
			return {};
		}
		return {
			'file:exit'() {
				for (const site of imageSites(context.model)) {
					const registry = registryOf(site.ref);
					if (!isTrusted(registry, trusted)) {
						context.report({
							range: site.pin.range,
							messageId: 'untrusted',
							data: { image: site.ref.raw, registry, trusted: trusted.join(', ') },
							relatedLines: site.usedAt,
						});
					}
				}
			},
		};
	},
});
