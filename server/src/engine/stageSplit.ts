/**
 * Build tools, build steps, and the split of the seed's single-stage pip image into a `builder` and a runtime stage
 * (DH501): `pip install --prefix=/install` in the builder, `COPY --from=builder /install /usr/local` in the runtime.
 *
 * The split is offered only for the shape it understands (see docs/rules/DH501-multi-stage-build.md, "Fix"): one stage
 * from the official python image; before the `pip install -r`, only OS package installs, `pip install --upgrade
 * pip setuptools wheel`, user creation, COPY/ADD from the build context, WORKDIR, ENV, ARG, SHELL and metadata; after
 * it, nothing that builds. Anything else gets no fix.
 */
import type { Instruction } from 'dockerfile-ast';
import type { FixEdit } from '../protocol';
import { flagOf, heredocsOf, propertiesOf } from './ast';
import { officialName } from './baseImages';
import { optionValues, pipInstall, runInvocations, type Invocation, type PipInstall } from './commands';
import { instructionRemovalRange } from './edits';
import { looksLikeDigest, type ImageRef } from './imageRef';
import type { FileModel, Stage } from './model';
import { packageCommand } from './packages';
import {
	attachedStartLine,
	endsInOpenHeredoc,
	lineAfterStandsAlone,
	endsWithContinuation,
	instructionBlockText,
	instructionText,
	keywordLike,
} from './placement';
import type { RunWord } from './runScript';
import { USER_TOOLS } from './users';
import { wordsOf } from './words';

/** Compilers, build tools and development headers. */
export const BUILD_PACKAGE =
	/^(?:gcc|g\+\+|gcc-c\+\+|cpp|clang|llvm|build-essential|build-base|alpine-sdk|make|cmake|autoconf|automake|libtool|pkg-config|pkgconf|rustc|cargo|gfortran|musl-dev|libc-dev|libc6-dev|linux-headers|[a-z0-9][a-z0-9.+-]*-(?:dev|devel))(?:-\d+(?:\.\d+)*)?$/;

/** The first argument of a command that is not an option. */
export function subcommand(inv: Invocation): string | undefined {
	return inv.args.find((a) => !a.value.startsWith('-'))?.value;
}

/** Whether a command compiles or installs something that may need the build tools (pip, npm, make, go, cargo…). */
export function isBuildStep(inv: Invocation): boolean {
	const sub = subcommand(inv);
	switch (inv.name) {
		case 'make':
		case 'cmake':
		case 'ninja':
		case 'meson':
		case 'configure':
		case 'autoreconf':
		case 'gcc':
		case 'g++':
		case 'cc':
		case 'clang':
		case 'rustc':
		case 'node-gyp':
			return true;
		case 'go':
			return sub === 'build' || sub === 'install';
		case 'cargo':
			return sub === 'build' || sub === 'install';
		case 'npm':
		case 'yarn':
		case 'pnpm':
			return sub === undefined || ['install', 'i', 'ci', 'add', 'rebuild', 'build'].includes(sub);
		case 'gem':
		case 'bundle':
		case 'poetry':
		case 'pipenv':
			return sub === 'install';
		default:
			return pipInstall(inv) !== undefined || (/^python[\d.]*$/.test(inv.name) && sub === 'setup.py');
	}
}

/** Where pip installs in the builder, and where the runtime stage receives it (the seed's paths). */
const PREFIX = '/install';
const TARGET = '/usr/local';

/**
 * Run-time libraries of -dev packages, by package manager, where the name is the same in every release the python
 * images are built on (Debian 11 to 13, Alpine 3.x).
 */
const RUNTIME_LIBRARY: Readonly<Record<'apt' | 'apk', Readonly<Record<string, string>>>> = {
	apt: { 'libpq-dev': 'libpq5' },
	apk: { 'libpq-dev': 'libpq', 'postgresql-dev': 'libpq' },
};

/**
 * Headers whose library the python image already has: the C library and kernel headers, Python's own headers, and
 * the libraries Python's standard extension modules link against (ssl, ctypes, zlib, bz2, lzma, sqlite3).
 */
const PROVIDED_BY_IMAGE =
	/^(?:libc6?-dev|musl-dev|linux-headers|linux-libc-dev|(?:lib)?python[\d.]*-dev|libssl-dev|openssl-dev|libffi-dev|zlib1g-dev|zlib-dev|libbz2-dev|bzip2-dev|liblzma-dev|xz-dev|libsqlite3-dev|sqlite-dev)$/;

/** Options of an install that only change how it runs, not what it installs (the runtime install drops them). */
const PLAIN_INSTALL_OPTIONS: Readonly<Record<'apt' | 'apk', ReadonlySet<string>>> = {
	apt: new Set([
		'-y',
		'--yes',
		'--assume-yes',
		'-q',
		'-qq',
		'--quiet',
		'--no-install-recommends',
		'--no-install-suggests',
	]),
	// apk's -t is --virtual (a group name follows), not apt's target release.
	apk: new Set(['--no-cache', '--update', '-U', '-q', '--quiet', '--no-progress', '--virtual', '-t']),
};

/** pip options that already choose where packages go, or install from source trees the split cannot follow. */
const PIP_LOCATION_OPTIONS = ['--prefix', '--target', '-t', '--user', '--root', '--editable', '-e', '--src'];

/** Variables that move pip's installs elsewhere. */
const PIP_LOCATION_VARIABLES = [
	'PIP_PREFIX',
	'PIP_TARGET',
	'PIP_USER',
	'PIP_ROOT',
	'PIP_EDITABLE',
	'VIRTUAL_ENV',
	'PYTHONUSERBASE',
];

/** Cache and temporary paths a RUN may clean up. */
const CLEANUP_PATH =
	/^(?:\/var\/lib\/apt\/lists|\/var\/cache\/apt|\/var\/cache\/apk|\/tmp|\/var\/tmp|\/root\/\.cache)(?:\/.*)?$/;

/** What a pre-pip instruction becomes in the split. */
type Role =
	/** Stays in the builder only (package installs, the requirements COPY). */
	| 'builder'
	/** Stays in the builder and is repeated in the runtime stage (WORKDIR, ENV, SHELL, the app's COPY). */
	| 'both'
	/** Repeated in the runtime stage only when a runtime instruction reads the variable. */
	| 'arg'
	/** Leaves the builder for the runtime stage, with its comments (CMD, EXPOSE, LABEL…, user creation). */
	| 'move'
	/** The first package install: the runtime stage's install of run-time packages goes here. */
	| 'packages';

/** The split of a single-stage pip image. */
export interface SplitPlan {
	/** The edits, for the document's line ending. */
	edits(eol: string): FixEdit[];
	/** What a person must still check (one sentence each). */
	readonly notes: readonly string[];
}

interface RunShape {
	readonly kind: 'packages' | 'user' | 'pip';
	readonly pip?: PipInstall;
}

/** Classifies a RUN before the split point; `undefined` when it does something the split cannot place. */
function runShape(model: FileModel, instruction: Instruction): RunShape | undefined {
	const script = model.runScript(instruction);
	const invocations = runInvocations(model, instruction);
	if (
		script.form === 'none' ||
		script.hasError ||
		invocations.length === 0 ||
		invocations.length !== script.commands.length
	) {
		return undefined;
	}
	let pip: PipInstall | undefined;
	let packages = false;
	let user = false;
	for (const inv of invocations) {
		const p = pipInstall(inv);
		if (p) {
			if (p.tool !== 'pip') {
				return undefined;
			}
			if (optionValues(p.args, ['-r'], ['--requirement', '--requirements']).length > 0) {
				if (pip) {
					return undefined;
				}
				pip = p;
				continue;
			}
			// `pip install --upgrade pip setuptools wheel`: the builder's tooling, not the app's packages.
			const names = p.args.filter((a) => !a.value.startsWith('-'));
			if (names.length > 0 && names.every((n) => /^(?:pip|setuptools|wheel)(?:[<>=!~].*)?$/i.test(n.value))) {
				packages = true;
				continue;
			}
			return undefined;
		}
		const pkg = packageCommand(inv);
		if (pkg && ['apt-get', 'apt', 'apk'].includes(pkg.manager)) {
			packages = true;
			continue;
		}
		if (inv.name === 'rm' && inv.args.every((a) => a.value.startsWith('-') || CLEANUP_PATH.test(a.value))) {
			continue;
		}
		if (inv.name === 'set' || inv.name === 'true' || inv.name === ':') {
			continue;
		}
		if (USER_TOOLS.has(inv.name)) {
			user = true;
			continue;
		}
		return undefined;
	}
	if (pip) {
		return user ? undefined : { kind: 'pip', pip };
	}
	if (user) {
		return packages ? undefined : { kind: 'user' };
	}
	return packages ? { kind: 'packages' } : undefined;
}

/** Whether a pip install already chooses where packages go (option, variable or assignment). */
function pipHasLocation(model: FileModel, stage: Stage, run: Instruction, pip: PipInstall): boolean {
	const words = [...pip.generalOptions, ...pip.args].map((w) => w.value);
	if (
		words.some((w) =>
			PIP_LOCATION_OPTIONS.some((o) => w === o || w.startsWith(`${o}=`) || (o === '-e' && w.startsWith('-e'))),
		)
	) {
		return true;
	}
	const variables = model.variablesAt(stage, run);
	if (PIP_LOCATION_VARIABLES.some((name) => variables.has(name))) {
		return true;
	}
	return pip.invocation.command.assignments.some((a) =>
		PIP_LOCATION_VARIABLES.some((name) => a.value.startsWith(`${name}=`)),
	);
}

/** The packages installed before the split that the runtime stage must install again, and the notes about them. */
interface RuntimePackages {
	/** Packages to install in the runtime stage, as written (version pins kept). */
	readonly install: readonly string[];
	/** Other packages the single stage had that are not build tools (installed again in the runtime stage). */
	readonly kept: readonly string[];
	/** -dev packages whose run-time library is not known. */
	readonly unmapped: readonly string[];
}

function runtimePackages(
	model: FileModel,
	runs: readonly Instruction[],
	manager: 'apt' | 'apk',
): RuntimePackages | undefined {
	const installed = new Map<string, { text: string; build: boolean }>();
	const virtuals = new Map<string, string[]>();
	for (const run of runs) {
		for (const inv of runInvocations(model, run)) {
			const pkg = packageCommand(inv);
			if (!pkg) {
				continue;
			}
			if (pkg.kind === 'install') {
				if (pkg.packageWords.some((w: RunWord) => w.dynamic)) {
					return undefined;
				}
				const plainOptions = PLAIN_INSTALL_OPTIONS[pkg.manager === 'apk' ? 'apk' : 'apt'];
				const plain = inv.args.every(
					(a) => !a.value.startsWith('-') || plainOptions.has(a.value) || a.value.startsWith('--virtual='),
				);
				if (!plain && pkg.names.some((n) => !BUILD_PACKAGE.test(n))) {
					// Perhaps a package from another repository or release: the runtime install could not repeat it.
					return undefined;
				}
				pkg.packageWords.forEach((word, n) => {
					const name = pkg.names[n];
					installed.set(name, { text: word.value, build: BUILD_PACKAGE.test(name) });
				});
				if (pkg.virtual) {
					virtuals.set(pkg.virtual, [...(virtuals.get(pkg.virtual) ?? []), ...pkg.names]);
				}
			} else if (pkg.kind === 'remove') {
				for (const name of pkg.names) {
					(virtuals.get(name) ?? [name]).forEach((n) => installed.delete(n));
				}
			}
		}
	}
	const kept = [...installed.values()].filter((p) => !p.build).map((p) => p.text);
	const mapped: string[] = [];
	const unmapped: string[] = [];
	for (const [name, p] of installed) {
		if (!p.build || !/-(?:dev|devel)$/.test(name) || PROVIDED_BY_IMAGE.test(name)) {
			continue;
		}
		const library = RUNTIME_LIBRARY[manager][name];
		if (library) {
			mapped.push(library);
		} else {
			unmapped.push(name);
		}
	}
	return { install: [...new Set([...kept, ...mapped])], kept, unmapped };
}

/** Whether `text` reads the variable `name` (`$NAME`, `${NAME}`, `${NAME:-…}`). */
function readsVariable(text: string, name: string): boolean {
	return new RegExp(`\\$\\{?${name.replace(/[^\w]/g, '')}\\b`).test(text);
}

/**
 * Whether a FROM is one the builder accepts: an image, optionally `AS name`, and a digest (if any) that is one. The
 * split copies the image into the runtime stage, so a broken FROM would be broken twice (found by the fuzzer:
 * `FROM python:m@} } a p` became a second `FROM python:m@}`).
 */
function wellFormedFrom(from: Instruction, image: ImageRef): boolean {
	const args = from.getArguments();
	const shape = args.length === 1 || (args.length === 3 && args[1].getValue().toUpperCase() === 'AS');
	return shape && (image.digest === undefined || looksLikeDigest(image.digest));
}

/**
 * The split of the file's single stage, or `undefined` when the file is not the shape the split understands.
 *
 * @param stage the file's only stage (the caller has checked that the file has one)
 */
export function pipSplitPlan(model: FileModel, stage: Stage): SplitPlan | undefined {
	const image = stage.baseImage;
	if (model.stages.length !== 1 || !image || officialName(image) !== 'python') {
		return undefined;
	}
	const tag = (image.tag ?? '').toLowerCase();
	if (/windows|nanoserver|servercore/.test(tag)) {
		return undefined;
	}
	const manager: 'apt' | 'apk' = /(?:^|[-.])alpine/.test(tag) ? 'apk' : 'apt';
	const from = stage.from;
	const fromRange = from.getRange();
	const imageRange = from.getImageRange();
	if (!imageRange || fromRange.start.line !== fromRange.end.line || !wellFormedFrom(from, image)) {
		return undefined;
	}

	const pre: { instruction: Instruction; role: Role }[] = [];
	const packageRuns: Instruction[] = [];
	const post: Instruction[] = [];
	let pipRun: Instruction | undefined;
	let pip: PipInstall | undefined;
	for (const instruction of stage.instructions) {
		const keyword = instruction.getKeyword();
		if (pipRun) {
			post.push(instruction);
			if (keyword === 'RUN') {
				for (const inv of runInvocations(model, instruction)) {
					const pkg = packageCommand(inv);
					if (isBuildStep(inv) || (pkg?.kind === 'install' && pkg.names.some((n) => BUILD_PACKAGE.test(n)))) {
						return undefined;
					}
				}
			}
			// `COPY --from=0` means this stage today and the builder after the split.
			if (/^\d+$/.test(flagOf(instruction, 'from')?.getValue() ?? '')) {
				return undefined;
			}
			continue;
		}
		switch (keyword) {
			case 'RUN': {
				const shape = runShape(model, instruction);
				if (!shape) {
					return undefined;
				}
				if (shape.kind === 'pip') {
					pipRun = instruction;
					pip = shape.pip;
					packageRuns.push(instruction);
				} else if (shape.kind === 'user') {
					pre.push({ instruction, role: 'move' });
				} else {
					pre.push({ instruction, role: packageRuns.length === 0 ? 'packages' : 'builder' });
					packageRuns.push(instruction);
				}
				break;
			}
			case 'COPY':
			case 'ADD':
				if (
					flagOf(instruction, 'from') ||
					(keyword === 'ADD' && wordsOf(instruction).some((w) => /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(w.value)))
				) {
					return undefined;
				}
				pre.push({ instruction, role: 'both' });
				break;
			case 'WORKDIR':
			case 'ENV':
			case 'SHELL':
				pre.push({ instruction, role: 'both' });
				break;
			case 'ARG':
				pre.push({ instruction, role: 'arg' });
				break;
			case 'LABEL':
			case 'MAINTAINER':
			case 'EXPOSE':
			case 'CMD':
			case 'ENTRYPOINT':
			case 'HEALTHCHECK':
			case 'STOPSIGNAL':
			case 'VOLUME':
			case 'ONBUILD':
				pre.push({ instruction, role: 'move' });
				break;
			default:
				// USER before pip install: pip would run as that user; anything else is not the shape.
				return undefined;
		}
	}
	// A RUN that ends in a continuation or an open here-document would swallow the runtime stage's FROM.
	if (
		!pipRun ||
		!pip ||
		pipHasLocation(model, stage, pipRun, pip) ||
		endsWithContinuation(model, pipRun) ||
		endsInOpenHeredoc(pipRun) ||
		!lineAfterStandsAlone(model, pipRun)
	) {
		return undefined;
	}
	const requirement = optionValues(pip.args, ['-r'], ['--requirement', '--requirements'])[0];
	const packages = runtimePackages(model, packageRuns, manager);
	if (!packages) {
		return undefined;
	}

	// The COPY of the requirements files stays in the builder; the runtime stage needs only the app.
	const pipFiles = new Set(
		[
			...optionValues(pip.args, ['-r'], ['--requirement', '--requirements']),
			...optionValues(pip.args, ['-c'], ['--constraint']),
		].map((f) => f.value.slice(f.value.lastIndexOf('/') + 1)),
	);
	// User creation moves to the runtime stage, unless a builder COPY gives files to a user (then both need it).
	const chownInBuilder = pre.some((p) => flagOf(p.instruction, 'chown'));
	for (const p of pre) {
		const keyword = p.instruction.getKeyword();
		if ((keyword === 'COPY' || keyword === 'ADD') && heredocsOf(p.instruction).length === 0) {
			const sources = wordsOf(p.instruction).slice(0, -1);
			if (sources.length > 0 && sources.every((s) => pipFiles.has(s.value.slice(s.value.lastIndexOf('/') + 1)))) {
				p.role = 'builder';
			}
		}
		if (keyword === 'RUN' && p.role === 'move' && chownInBuilder) {
			p.role = 'both';
		}
	}

	const builderName = from.getBuildStage() ?? 'builder';
	const document = model.document;
	const kw = (keyword: string): string => keywordLike(model, keyword);
	const runtimeFrom = document.getText({ start: fromRange.start, end: imageRange.end });
	const builderFrom = from.getBuildStage()
		? document.getText(fromRange)
		: `${document.getText(fromRange)} ${kw('AS')} builder`;
	const pkgs = packages.install.join(' ');
	const runtimeInstall =
		packages.install.length === 0
			? undefined
			: manager === 'apt'
				? `${kw('RUN')} apt-get update && apt-get install -y --no-install-recommends ${pkgs} && rm -rf /var/lib/apt/lists/*`
				: `${kw('RUN')} apk add --no-cache ${pkgs}`;

	// An ARG goes to the runtime stage only when a runtime instruction reads it; the others stay in the builder.
	const runtimeText = [
		...pre.filter((p) => p.role === 'both' || p.role === 'move').map((p) => instructionText(model, p.instruction)),
		...post.map((i) => instructionText(model, i)),
	].join('\n');

	const header: string[] = [runtimeFrom];
	let installPlaced = false;
	for (const p of pre) {
		switch (p.role) {
			case 'packages':
				if (runtimeInstall) {
					header.push(runtimeInstall);
					installPlaced = true;
				}
				break;
			case 'both':
				header.push(instructionText(model, p.instruction));
				break;
			case 'move':
				header.push(instructionBlockText(model, p.instruction));
				break;
			case 'arg': {
				const name = propertiesOf(p.instruction)[0]?.getName();
				if (name && readsVariable(runtimeText, name)) {
					header.push(instructionText(model, p.instruction));
				}
				break;
			}
			default:
				break;
		}
	}
	if (runtimeInstall && !installPlaced) {
		header.push(runtimeInstall);
	}
	header.push(`${kw('COPY')} --from=${builderName} ${PREFIX} ${TARGET}`);

	const notes = [
		`Only ${PREFIX} reaches the runtime stage from the builder (as ${TARGET}): check that the app needs nothing else the builder made, such as files a package writes outside its prefix.`,
	];
	if (packages.unmapped.length > 0) {
		notes.push(
			`The runtime stage has no run-time library for ${packages.unmapped.join(', ')}: if your packages link against one, install it there (the package without -dev, as libpq5 is for libpq-dev).`,
		);
	}
	if (packages.kept.length > 0) {
		notes.push(
			`The runtime stage installs ${packages.kept.join(', ')} again because the single stage had ${packages.kept.length === 1 ? 'it' : 'them'}: remove what the app does not use at run time.`,
		);
	}

	const last = stage.instructions.at(-1) ?? pipRun;
	const edits = (eol: string): FixEdit[] => {
		const text = document.getText();
		const out: FixEdit[] = [{ range: fromRange, newText: builderFrom }];
		for (const p of pre) {
			if (p.role === 'move') {
				const range = instructionRemovalRange(document, p.instruction.getRange());
				out.push({
					range: { start: { line: attachedStartLine(model, p.instruction), character: 0 }, end: range.end },
					newText: '',
				});
			}
		}
		// One edit from the pip RUN to the end of the stage (--prefix in the pip install, the runtime stage after it),
		// and one on the FROM from its first character: every edit DH101's fix makes to this stage overlaps or touches
		// one of them, and these start before any of DH101's, so fix-all never applies both fixes, computed on the
		// single stage, in one pass: DH101 then acts on the runtime stage. (Applied the other way round, the split
		// moves the user DH101 created into the runtime stage, with the same result.)
		const tailStart = document.offsetAt(pipRun.getRange().start);
		const tailEnd = document.offsetAt(last.getRange().end);
		const prefixAt = requirement.optionWord.start;
		const prefix = requirement.optionWord.json ? `"--prefix=${PREFIX}", ` : `--prefix=${PREFIX} `;
		const headerAt = document.offsetAt(pipRun.getRange().end);
		const newText =
			text.slice(tailStart, prefixAt) +
			prefix +
			text.slice(prefixAt, headerAt) +
			eol +
			eol +
			header.join(eol) +
			text.slice(headerAt, tailEnd);
		out.push({ range: { start: pipRun.getRange().start, end: last.getRange().end }, newText });
		return out;
	};
	return { edits, notes };
}
