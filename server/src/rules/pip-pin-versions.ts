import { pipInstall, runInvocations } from '../engine/commands';
import { defineRule } from './types';

/** pip install options that take a value (the value is not a package). */
const VALUE_OPTIONS = new Set([
	'-r',
	'--requirement',
	'-c',
	'--constraint',
	'-e',
	'--editable',
	'-i',
	'--index-url',
	'--extra-index-url',
	'-f',
	'--find-links',
	'-t',
	'--target',
	'--prefix',
	'--root',
	'--src',
	'--upgrade-strategy',
	'--platform',
	'--python-version',
	'--implementation',
	'--abi',
	'--progress-bar',
	'--cache-dir',
	'--log',
	'--log-file',
	'--proxy',
	'--retries',
	'--timeout',
	'--trusted-host',
	'--cert',
	'--client-cert',
	'-C',
	'--config-settings',
	'--global-option',
	'--install-option',
	'--only-binary',
	'--no-binary',
	'--report',
	'--use-feature',
	'--exists-action',
	'--python',
	'--keyring-provider',
	'--root-user-action',
	'--group',
	'--index',
	'--default-index',
	// uv pip install
	'-p',
	'--python-platform',
	'--index-strategy',
	'--resolution',
	'--prerelease',
	'--link-mode',
	'--exclude-newer',
	'--torch-backend',
	'--overrides',
	'--build-constraints',
	'-b',
	'--refresh-package',
	'--reinstall-package',
	'--upgrade-package',
	'-P',
	'--no-binary-package',
	'--only-binary-package',
	'--config-file',
	'--directory',
	'--project',
	'--cache-dir',
	'--color',
]);

/** A requirement that pins one version (`==`/`===`, extras and markers allowed). */
const PINNED = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?\s*===?\s*[^\s,;*]+(?:\s*;.*)?$/;
/** Not a name from an index: paths, URLs, archives, VCS, `name @ url`. */
const NOT_FROM_INDEX =
	/^(?:\.|\/|~|[a-z+]+:\/\/|git\+|hg\+|svn\+|bzr\+)|\.(?:whl|tar\.gz|tgz|zip|tar\.bz2)$|\s@\s|^[^=<>!~]*@/i;

export default defineRule({
	meta: {
		id: 'DH403',
		name: 'pip-pin-versions',
		layer: 'baseline',
		defaultSeverity: 'warning',
		messages: {
			unpinned:
				'`{{requirement}}` is not pinned, so each build may install a different version (or a hijacked release). Pin it (`{{name}}==<version>`), or better, install from a hashed requirements file.',
		},
		docs: { summary: 'Named packages in `pip install` without `==version`.' },
		equivalents: { hadolint: ['DL3013'] },
	},
	create(context) {
		const { model } = context;
		return {
			RUN(instruction) {
				for (const inv of runInvocations(model, instruction)) {
					const pip = pipInstall(inv);
					if (!pip) {
						continue;
					}
					// With a constraints file the versions are pinned there.
					if (pip.args.some((a) => a.value === '-c' || a.value.startsWith('--constraint') || /^-c./.test(a.value))) {
						continue;
					}
					for (let i = 0; i < pip.args.length; i++) {
						const word = pip.args[i];
						const v = word.value;
						if (v.startsWith('-')) {
							if (VALUE_OPTIONS.has(v)) {
								i++;
							}
							continue;
						}
						if (word.dynamic || PINNED.test(v) || NOT_FROM_INDEX.test(v)) {
							continue;
						}
						const name = v.replace(/[\s[<>=!~;].*$/, '');
						context.report({ range: word.range, messageId: 'unpinned', data: { requirement: v, name } });
					}
				}
			},
		};
	},
});
