/**
 * What a base image offers for running as a non-root user, read from its name and tag only (the engine never pulls
 * an image): the family it belongs to, how a user is created in it, and the user it ships, if any.
 */
import { registryOf, repositoryOf, type ImageRef } from './imageRef';

/**
 * How an image family creates users.
 *
 * - `debian`: Debian and Ubuntu, and images built on them: `useradd` (the `passwd` package is always installed).
 * - `alpine`: BusyBox `adduser`.
 * - `numeric`: no user tool can be relied on (distroless, scratch, Chainguard, the RHEL family whose minimal and
 *   micro images lack shadow-utils): a numeric `USER` needs no user database.
 * - `none`: a `USER` line alone would break the image ({@link BaseFamily.noFix} says why).
 */
export type UserTool = 'debian' | 'alpine' | 'numeric' | 'none';

/** A base image's family, as far as DH101's fix needs it. */
export interface BaseFamily {
	readonly tool: UserTool;
	/** A non-root user the image ships (`node` in the node images), with its primary group. */
	readonly shippedUser?: { readonly name: string; readonly group: string };
	/** Whether the image's `/etc/passwd` has an entry for the numeric user {@link NUMERIC_USER} (distroless's `nonroot`). */
	readonly numericUserHasEntry?: boolean;
	/** Whether this is the official `python` image (where the seed's exact `useradd` form applies). */
	readonly python?: boolean;
	/** For `none`: why no user can simply be switched to (completes "there is no automatic fix because …"). */
	readonly noFix?: string;
}

/** The user a fix creates, as in the seed. */
export const NEW_USER = 'appuser';

/** The numeric user for images without user tools: distroless's and Chainguard's `nonroot`. */
export const NUMERIC_USER = '65532:65532';

/**
 * The name of a Docker official image (`python`), through Docker Hub (`python`, `library/python`,
 * `docker.io/library/python`) or the mirrors of the official images on ECR Public and MCR.
 */
export function officialName(image: ImageRef): string | undefined {
	const registry = registryOf(image);
	const repository = repositoryOf(image).toLowerCase();
	const prefix =
		registry === 'docker.io'
			? 'library/'
			: registry === 'public.ecr.aws'
				? 'docker/library/'
				: registry === 'mcr.microsoft.com'
					? 'mirror/docker/library/'
					: undefined;
	if (prefix === undefined || !repository.startsWith(prefix)) {
		return undefined;
	}
	const name = repository.slice(prefix.length);
	return name.includes('/') ? undefined : name;
}

/**
 * Official images built on Debian or Ubuntu by default (their `-alpine` tags are Alpine). `openjdk` is not here: its
 * default tags for Java 17 and later are Oracle Linux, so only its Debian-named tags count (see {@link DEBIAN_TAG}).
 */
const DEBIAN_OFFICIAL = new Set([
	'python',
	'golang',
	'ruby',
	'eclipse-temurin',
	'php',
	'perl',
	'rust',
	'debian',
	'ubuntu',
	'buildpack-deps',
	'gcc',
	'pypy',
	'elixir',
	'erlang',
	'haskell',
	'julia',
	'clojure',
	'maven',
	'gradle',
	'swift',
	'r-base',
]);

/**
 * Official server images that start as root, switch to their own user for the workers, and keep pid, cache and log
 * files in directories only root can write: with a plain `USER` they fail to start.
 */
const ROOT_SERVERS = new Set(['nginx', 'httpd', 'tomcat']);

/** Official images of the RHEL family (and Amazon Linux): `useradd` is missing from their minimal variants. */
const RHEL_OFFICIAL = new Set([
	'fedora',
	'centos',
	'rockylinux',
	'almalinux',
	'oraclelinux',
	'amazonlinux',
	'amazoncorretto',
]);

/** Tags that name a Debian or Ubuntu release or variant. */
const DEBIAN_TAG = /(?:^|[-.])(?:slim|trixie|bookworm|bullseye|buster|stretch|noble|jammy|focal|bionic)(?:$|[-.])/;

/** Tags that name another distribution than the image's default. */
const ALPINE_TAG = /(?:^|[-.])alpine/;
const RHEL_TAG =
	/(?:^|[-.])(?:ubi\d*|centos|rocky|rockylinux|alma|almalinux|oracle|oraclelinux|ol\d+|amazonlinux|al2\d*|corretto|fedora)(?:$|[-.\d])/;
const WINDOWS_TAG = /windowsservercore|nanoserver|ltsc20\d\d|(?:^|-)windows/;

/** Images outside Docker's official ones whose family is known. */
function knownVendorImage(image: ImageRef): BaseFamily | undefined {
	const registry = registryOf(image);
	const repository = repositoryOf(image).toLowerCase();
	if (registry === 'gcr.io' && repository.startsWith('distroless/')) {
		return { tool: 'numeric', numericUserHasEntry: true };
	}
	if (registry === 'cgr.dev') {
		return { tool: 'numeric', numericUserHasEntry: true };
	}
	// The UBI base images only: the language images built on them (ubi9/python-311) already run as UID 1001.
	const ubi = /^(?:ubi\d+\/)?ubi\d*(?:-minimal|-micro|-init)?$/.test(repository);
	if (
		((registry === 'registry.access.redhat.com' || registry === 'registry.redhat.io') && ubi) ||
		(registry === 'docker.io' && /^redhat\/ubi\d+(?:-minimal|-micro|-init)?$/.test(repository)) ||
		(registry === 'quay.io' && /^(?:centos\/centos|fedora\/fedora)/.test(repository)) ||
		(registry === 'registry.fedoraproject.org' && repository === 'fedora')
	) {
		return { tool: 'numeric', numericUserHasEntry: false };
	}
	// Jenkins's image ships the `jenkins` user (UID 1000) and switches to it.
	if (registry === 'docker.io' && repository === 'jenkins/jenkins') {
		return { tool: 'debian', shippedUser: { name: 'jenkins', group: 'jenkins' } };
	}
	return undefined;
}

/**
 * The family of a base image, or `undefined` when it is not known (then no fix can say how to create a user).
 * `scratch` is passed as `'scratch'`.
 */
export function baseFamily(image: ImageRef | 'scratch'): BaseFamily | undefined {
	if (image === 'scratch') {
		return { tool: 'numeric', numericUserHasEntry: false };
	}
	const tag = (image.tag ?? '').toLowerCase();
	if (WINDOWS_TAG.test(tag)) {
		return undefined;
	}
	const official = officialName(image);
	if (official === undefined) {
		return knownVendorImage(image);
	}
	if (official === 'node') {
		// Every node image, Debian or Alpine, ships the `node` user (UID 1000).
		return { tool: ALPINE_TAG.test(tag) ? 'alpine' : 'debian', shippedUser: { name: 'node', group: 'node' } };
	}
	if (ROOT_SERVERS.has(official)) {
		return {
			tool: 'none',
			noFix: `the ${official} server starts as root and writes its run-time files where only root can, so a USER line alone stops it from starting (use an unprivileged variant of the image, or give the user those directories)`,
		};
	}
	if (official === 'alpine') {
		return { tool: 'alpine' };
	}
	if (RHEL_OFFICIAL.has(official)) {
		return ALPINE_TAG.test(tag) ? { tool: 'alpine' } : { tool: 'numeric', numericUserHasEntry: false };
	}
	const debian = DEBIAN_OFFICIAL.has(official) || (official === 'openjdk' && DEBIAN_TAG.test(tag));
	if (!debian) {
		return undefined;
	}
	if (ALPINE_TAG.test(tag)) {
		return { tool: 'alpine' };
	}
	if (RHEL_TAG.test(tag)) {
		return { tool: 'numeric', numericUserHasEntry: false };
	}
	return { tool: 'debian', ...(official === 'python' ? { python: true } : {}) };
}

/** The command that creates {@link NEW_USER} in a family that has a user tool. */
export function createUserCommand(family: BaseFamily): string | undefined {
	switch (family.tool) {
		case 'debian':
			// The seed's exact line for python images, so a hardened file equals the seed's; a login shell elsewhere
			// is not needed to run a service.
			return family.python
				? `useradd --create-home --shell /bin/bash ${NEW_USER}`
				: `useradd --create-home --shell /usr/sbin/nologin ${NEW_USER}`;
		case 'alpine':
			// BusyBox adduser: -D no password; without -G it creates the group of the same name and /home/appuser.
			return `adduser -D ${NEW_USER}`;
		default:
			return undefined;
	}
}
