/**
 * OS package managers in RUN commands (apt-get, apt, apk, yum, dnf, microdnf, zypper): which sub-command runs and
 * which packages it names.
 */
import type { Invocation } from './commands';
import type { RunWord } from './runScript';

/** A package manager's install and remove sub-commands. */
export interface PackageManager {
	readonly install: readonly string[];
	readonly remove: readonly string[];
}

/** The package managers the rules understand. */
export const PACKAGE_MANAGERS: Readonly<Record<string, PackageManager>> = {
	'apt-get': { install: ['install'], remove: ['remove', 'purge', 'autoremove'] },
	apt: { install: ['install'], remove: ['remove', 'purge', 'autoremove'] },
	apk: { install: ['add'], remove: ['del'] },
	yum: { install: ['install'], remove: ['remove', 'erase', 'autoremove'] },
	dnf: { install: ['install'], remove: ['remove', 'erase', 'autoremove'] },
	microdnf: { install: ['install'], remove: ['remove'] },
	zypper: { install: ['install', 'in'], remove: ['remove', 'rm'] },
};

/** Options of the package managers that take a value (so the value is not a package). */
const VALUE_OPTIONS = new Set([
	'-t',
	'--target-release',
	'-o',
	'--option',
	'--repository',
	'-X',
	'--setopt',
	'--enablerepo',
	'--disablerepo',
	'--installroot',
	'--releasever',
	'--root',
	'--cache-dir',
	'-c',
]);

/** What a package-manager command does. */
export interface PackageCommand {
	readonly manager: string;
	/** The sub-command word (`install`, `add`, `del`…). */
	readonly subWord: RunWord;
	readonly kind: 'install' | 'remove' | 'other';
	/** Package names without version (`gcc` for `gcc=4:12.2`, `python3-dev:amd64`). */
	readonly names: readonly string[];
	/** The words naming packages, in order. */
	readonly packageWords: readonly RunWord[];
	/** apk's `--virtual NAME`. */
	readonly virtual: string | undefined;
	readonly invocation: Invocation;
}

/** Recognises an OS package-manager command; `undefined` for anything else. */
export function packageCommand(inv: Invocation): PackageCommand | undefined {
	const manager = PACKAGE_MANAGERS[inv.name];
	if (!manager) {
		return undefined;
	}
	const packageWords: RunWord[] = [];
	let virtual: string | undefined;
	let subWord: RunWord | undefined;
	for (let i = 0; i < inv.args.length; i++) {
		const word = inv.args[i];
		const v = word.value;
		if (v.startsWith('-')) {
			if ((v === '--virtual' || v === '-t') && inv.name === 'apk') {
				virtual = inv.args[i + 1]?.value;
				i++;
			} else if (v.startsWith('--virtual=')) {
				virtual = v.slice('--virtual='.length);
			} else if (VALUE_OPTIONS.has(v)) {
				i++;
			}
			continue;
		}
		if (!subWord) {
			subWord = word;
			continue;
		}
		packageWords.push(word);
	}
	if (!subWord) {
		return undefined;
	}
	const sub = subWord.value;
	return {
		manager: inv.name,
		subWord,
		kind: manager.install.includes(sub) ? 'install' : manager.remove.includes(sub) ? 'remove' : 'other',
		names: packageWords.map((w) => packageName(w.value)),
		packageWords,
		virtual,
		invocation: inv,
	};
}

/** `gcc=4:12.2.0-3` → `gcc`; `python3-dev:amd64` → `python3-dev`; `musl-dev>1.2` → `musl-dev`. */
export function packageName(spec: string): string {
	return spec.replace(/[=<>~].*$/, '').replace(/:[a-z0-9]+$/, '');
}
