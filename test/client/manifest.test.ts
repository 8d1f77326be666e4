import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ClientCommands, DEFAULT_SETTINGS } from '../../server/src/protocol';
import { REPO_ROOT } from '../harness/lsp';

interface SettingSchema {
	readonly type?: string;
	readonly scope?: string;
	readonly markdownDescription?: string;
	readonly default?: unknown;
	readonly enum?: readonly string[];
	readonly enumDescriptions?: readonly string[];
	readonly additionalProperties?: { readonly enum?: readonly string[] };
}

interface Manifest {
	readonly activationEvents: readonly string[];
	readonly bin: Readonly<Record<string, string>>;
	readonly contributes: {
		readonly languages: readonly { id: string; filenames?: string[]; filenamePatterns?: string[] }[];
		readonly commands: readonly { command: string; title: string; category: string }[];
		readonly menus: Readonly<Record<string, readonly { command: string; when?: string }[]>>;
		readonly configuration: { readonly properties: Readonly<Record<string, SettingSchema>> };
	};
	readonly capabilities: {
		readonly untrustedWorkspaces: { supported: unknown; description?: string; restrictedConfigurations?: string[] };
		readonly virtualWorkspaces: { supported: unknown; description?: string };
	};
}

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;

/** Every leaf key of the settings object, dotted (`registry.timeoutMs`). */
function settingKeys(value: object, prefix = ''): string[] {
	return Object.entries(value).flatMap(([key, v]) =>
		typeof v === 'object' && v !== null && !Array.isArray(v) && key !== 'rules'
			? settingKeys(v as object, `${prefix}${key}.`)
			: [`${prefix}${key}`],
	);
}

void describe('package.json', () => {
	it('activates on Dockerfiles and associates the Dockerfile names', () => {
		assert.deepEqual(manifest.activationEvents, ['onLanguage:dockerfile']);
		const language = manifest.contributes.languages.find((l) => l.id === 'dockerfile');
		assert.deepEqual(language?.filenames, ['Dockerfile', 'Containerfile']);
		assert.deepEqual(language?.filenamePatterns, ['*.Dockerfile', '*.dockerfile', 'Dockerfile.*', 'Containerfile.*']);
	});

	it('contributes every user command with its category, and Harden in the editor menus', () => {
		assert.deepEqual(
			manifest.contributes.commands.map((c) => [c.command, c.title, c.category]),
			[
				[ClientCommands.hardenDockerfile, 'Harden Dockerfile', 'Dockerfile Harden'],
				[ClientCommands.pinImageDigests, 'Pin All Images to Digests', 'Dockerfile Harden'],
				[ClientCommands.showRuleDocs, 'Show Rule Documentation', 'Dockerfile Harden'],
				[ClientCommands.showOutput, 'Show Output', 'Dockerfile Harden'],
			],
		);
		const { menus } = manifest.contributes;
		assert.deepEqual(
			menus['editor/context'].map((m) => m.command),
			[ClientCommands.hardenDockerfile],
		);
		assert.deepEqual(
			menus['editor/title'].map((m) => m.command),
			[ClientCommands.hardenDockerfile],
		);
		for (const m of menus.commandPalette) {
			assert.equal(m.when, 'editorLangId == dockerfile');
		}
	});

	it('contributes every setting of the Settings type, each with a scope and a description', () => {
		const expected = [...settingKeys(DEFAULT_SETTINGS), 'trace.server'].map((k) => `dockerfileHarden.${k}`).sort();
		assert.deepEqual(Object.keys(properties).sort(), expected);
		for (const [key, schema] of Object.entries(properties)) {
			assert.ok(schema.scope, `${key} has a scope`);
			assert.ok((schema.markdownDescription ?? '').length > 20, `${key} has a description`);
			if (schema.enum) {
				assert.equal(schema.enumDescriptions?.length, schema.enum.length, `${key} describes each value`);
			}
		}
	});

	it('setting defaults and values match what the server normalises to', () => {
		assert.equal(properties['dockerfileHarden.enable'].default, DEFAULT_SETTINGS.enable);
		assert.equal(properties['dockerfileHarden.registry.timeoutMs'].default, DEFAULT_SETTINGS.registry.timeoutMs);
		assert.equal(properties['dockerfileHarden.languageFeatures'].default, DEFAULT_SETTINGS.languageFeatures);
		assert.deepEqual(properties['dockerfileHarden.languageFeatures'].enum, ['auto', 'on', 'off']);
		assert.deepEqual(properties['dockerfileHarden.rules'].additionalProperties?.enum, [
			'off',
			'error',
			'warning',
			'info',
			'hint',
		]);
		assert.deepEqual(properties['dockerfileHarden.trace.server'].enum, ['off', 'messages', 'verbose']);
	});

	it('declares limited support for untrusted workspaces, restricting patterns and registry settings', () => {
		const { untrustedWorkspaces, virtualWorkspaces } = manifest.capabilities;
		assert.equal(untrustedWorkspaces.supported, 'limited');
		assert.ok(untrustedWorkspaces.description);
		for (const key of [
			'dockerfileHarden.secrets.allowPatterns',
			'dockerfileHarden.secrets.denyPatterns',
			'dockerfileHarden.registry.insecureRegistries',
		]) {
			assert.ok(untrustedWorkspaces.restrictedConfigurations?.includes(key), key);
		}
		for (const key of untrustedWorkspaces.restrictedConfigurations ?? []) {
			assert.ok(key in properties, `${key} is a contributed setting`);
		}
		assert.equal(virtualWorkspaces.supported, false);
		assert.ok(virtualWorkspaces.description);
	});

	it('ships the stdio server as a bin', () => {
		assert.equal(manifest.bin['dockerfile-harden-server'], './bin/dockerfile-harden-server.js');
	});
});
