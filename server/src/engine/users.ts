/**
 * Users that RUN commands create (`useradd`, Debian's `adduser`, BusyBox's `adduser`), with the primary group they
 * get, so a fix can switch to a user that already exists instead of creating another.
 */
import type { Instruction } from 'dockerfile-ast';
import { runInvocations, type Invocation } from './commands';
import type { FileModel, Stage } from './model';

/** A user created by a RUN. */
export interface CreatedUser {
	readonly name: string;
	/** The primary group, when the command says or implies it; `undefined` when it depends on the system's defaults. */
	readonly group: string | undefined;
	readonly instruction: Instruction;
}

/** Options that take a value, by program: short letters and long names. */
const VALUE_OPTIONS: Record<string, { short: string; long: ReadonlySet<string> }> = {
	useradd: {
		short: 'bcdefgGkKpPRsuZ',
		long: new Set([
			'--base-dir',
			'--comment',
			'--home-dir',
			'--expiredate',
			'--inactive',
			'--gid',
			'--groups',
			'--skel',
			'--key',
			'--password',
			'--root',
			'--prefix',
			'--shell',
			'--uid',
			'--selinux-user',
			'--selinux-range',
		]),
	},
	// BusyBox (-h -g -s -G -u -k) and Debian (long options) adduser.
	adduser: {
		short: 'hgsGuk',
		long: new Set([
			'--home',
			'--shell',
			'--uid',
			'--gid',
			'--ingroup',
			'--gecos',
			'--comment',
			'--firstuid',
			'--lastuid',
			'--firstgid',
			'--lastgid',
			'--conf',
			'--add-extra-groups',
		]),
	},
};

interface ParsedOptions {
	/** Option → value (`''` for a flag); short options under `-x`, long under `--name`. */
	readonly options: Map<string, string>;
	readonly positionals: string[];
	/** Whether a word was not static (`$NAME`). */
	readonly dynamic: boolean;
}

/** getopt-style parsing: clusters (`-ms /bin/bash`), `--opt=value`, `--opt value`, `--`. */
function parseOptions(inv: Invocation, spec: { short: string; long: ReadonlySet<string> }): ParsedOptions {
	const options = new Map<string, string>();
	const positionals: string[] = [];
	let dynamic = false;
	const args = inv.args;
	for (let i = 0; i < args.length; i++) {
		const word = args[i];
		dynamic ||= word.dynamic;
		const v = word.value;
		if (v === '--') {
			positionals.push(...args.slice(i + 1).map((a) => a.value));
			dynamic ||= args.slice(i + 1).some((a) => a.dynamic);
			break;
		}
		if (v.startsWith('--')) {
			const eq = v.indexOf('=');
			const written = eq < 0 ? v : v.slice(0, eq);
			// getopt_long takes an unambiguous prefix: `useradd --home /x` is --home-dir.
			const candidates = [...spec.long].filter((l) => l.startsWith(written));
			const name = spec.long.has(written) || candidates.length !== 1 ? written : candidates[0];
			if (eq >= 0) {
				options.set(name, v.slice(eq + 1));
			} else if (spec.long.has(name)) {
				options.set(name, args[i + 1]?.value ?? '');
				i++;
			} else {
				options.set(name, '');
			}
			continue;
		}
		if (v.startsWith('-') && v.length > 1) {
			for (let c = 1; c < v.length; c++) {
				const letter = v[c];
				if (spec.short.includes(letter)) {
					const rest = v.slice(c + 1);
					options.set(`-${letter}`, rest !== '' ? rest : (args[i + 1]?.value ?? ''));
					if (rest === '') {
						i++;
					}
					break;
				}
				options.set(`-${letter}`, '');
			}
			continue;
		}
		positionals.push(v);
	}
	return { options, positionals, dynamic };
}

/** The user a `useradd` or `adduser` command creates, with its group; `undefined` for anything else. */
export function userCreatedBy(inv: Invocation): { name: string; group: string | undefined } | undefined {
	const spec = VALUE_OPTIONS[inv.name];
	if (!spec) {
		return undefined;
	}
	const { options, positionals, dynamic } = parseOptions(inv, spec);
	const name = positionals[0];
	if (dynamic || name === undefined || name === 'root' || !/^[a-z_][a-z0-9_.-]*\$?$/i.test(name)) {
		return undefined;
	}
	if (inv.name === 'useradd') {
		// `useradd -D` shows or changes the defaults; it creates nobody.
		if (options.has('-D') || options.has('--defaults')) {
			return undefined;
		}
		const group = options.get('-g') ?? options.get('--gid');
		if (group !== undefined) {
			return { name, group };
		}
		// USERGROUPS_ENAB (Debian, RHEL, Alpine's shadow) creates a group of the same name unless -N says not to.
		return { name, group: options.has('-N') || options.has('--no-user-group') ? undefined : name };
	}
	// adduser: BusyBox -G / Debian --ingroup or --gid name the group; a system user without one gets nogroup.
	const group = options.get('-G') ?? options.get('--ingroup') ?? options.get('--gid');
	if (group !== undefined) {
		return { name, group };
	}
	const system = options.has('-S') || options.has('--system');
	if (system && !options.has('--group')) {
		return { name, group: 'nogroup' };
	}
	if (positionals.length > 1 && options.size === 0) {
		// `adduser USER GROUP` adds an existing user to a group: the user exists, its primary group is not said.
		return { name, group: undefined };
	}
	return { name, group: name };
}

/** Users created by the RUN instructions that affect `stage` (its ancestors' then its own), in order. */
export function createdUsers(model: FileModel, stage: Stage): CreatedUser[] {
	const out: CreatedUser[] = [];
	for (const instruction of model.effectiveInstructions(stage)) {
		if (instruction.getKeyword() !== 'RUN') {
			continue;
		}
		for (const inv of runInvocations(model, instruction)) {
			const user = userCreatedBy(inv);
			if (user) {
				out.push({ ...user, instruction });
			}
		}
	}
	return out;
}

/** Programs that only create users and groups. */
export const USER_TOOLS: ReadonlySet<string> = new Set(['useradd', 'adduser', 'groupadd', 'addgroup']);
