/**
 * The rule catalogue, sorted by id. Adding a rule: one file here, `test/rules/<name>.test.ts`,
 * `docs/rules/<id>-<name>.md`, and a line in CHANGELOG.md (the meta test checks the first three).
 */
import apkNoCache from './apk-no-cache';
import aptCleanLists from './apt-clean-lists';
import aptNoInstallRecommends from './apt-no-install-recommends';
import preferCopyToAdd from './prefer-copy-to-add';
import multiStageBuild from './multi-stage-build';
import noHardcodedSecret from './no-hardcoded-secret';
import noRootUser from './no-root-user';
import noSecretBuildVar from './no-secret-build-var';
import noUrlCredentials from './no-url-credentials';
import pinImageDigest from './pin-image-digest';
import pipNoCacheDir from './pip-no-cache-dir';
import pipRequireHashes from './pip-require-hashes';
import syntaxDirective from './syntax-directive';
import noSetuidBit from './no-setuid-bit';
import noSshServer from './no-ssh-server';
import noSudo from './no-sudo';
import noWorldWritable from './no-world-writable';
import addRemoteChecksum from './add-remote-checksum';
import noPipeToShell from './no-pipe-to-shell';
import noTlsBypass from './no-tls-bypass';
import noPlainHttpIndex from './no-plain-http-index';
import noSecretFileCopy from './no-secret-file-copy';
import dockerignoreContext from './dockerignore-context';
import pipPinVersions from './pip-pin-versions';
import pipNoExtraIndexUrl from './pip-no-extra-index-url';
import npmCi from './npm-ci';
import trustedRegistries from './trusted-registries';
import type { Rule } from './types';

/** Every rule, sorted by id. */
export const allRules: readonly Rule[] = [
	noRootUser,
	noSudo,
	noWorldWritable,
	noSetuidBit,
	noSshServer,
	pinImageDigest,
	addRemoteChecksum,
	preferCopyToAdd,
	noPipeToShell,
	noTlsBypass,
	noPlainHttpIndex,
	trustedRegistries,
	noSecretBuildVar,
	noUrlCredentials,
	noHardcodedSecret,
	noSecretFileCopy,
	dockerignoreContext,
	pipPinVersions,
	pipNoExtraIndexUrl,
	npmCi,
	pipRequireHashes,
	pipNoCacheDir,
	aptNoInstallRecommends,
	aptCleanLists,
	apkNoCache,
	multiStageBuild,
	syntaxDirective,
]
	.slice()
	.sort((a, b) => a.meta.id.localeCompare(b.meta.id)) as Rule[];

const byId = new Map(allRules.map((r) => [r.meta.id, r]));
const byName = new Map(allRules.map((r) => [r.meta.name, r]));

/** A rule by id (`DH101`, case-insensitive) or name (`no-root-user`). */
export function findRule(idOrName: string): Rule | undefined {
	return byId.get(idOrName.toUpperCase() as Rule['meta']['id']) ?? byName.get(idOrName.toLowerCase());
}

const byHadolint = new Map<string, string[]>();
for (const rule of allRules) {
	for (const code of rule.meta.equivalents?.hadolint ?? []) {
		byHadolint.set(code, [...(byHadolint.get(code) ?? []), rule.meta.id]);
	}
}

/** The DH rule ids a code in a suppression comment stands for. */
export function resolveSuppressionCode(tool: 'dockerfile-harden' | 'hadolint', code: string): readonly string[] {
	if (tool === 'hadolint') {
		return byHadolint.get(code.toUpperCase()) ?? [];
	}
	const rule = findRule(code);
	return rule ? [rule.meta.id] : [];
}
