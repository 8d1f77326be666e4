import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { validate } from '../harness/dockerfileUtils';
import { memoryContext } from '../../server/src/engine/context';
import { fixAll } from '../../server/src/engine/fixer';
import { lint } from '../../server/src/engine/lint';
import { loadShellParser } from '../../server/src/node/shellParser';
import rule from '../../server/src/rules/multi-stage-build';
import noRootUser from '../../server/src/rules/no-root-user';
import { RuleTester, type ExpectedError, type InvalidCase } from '../harness/ruleTester';

/** The note every split carries. */
const ONLY_INSTALL =
	'Only /install reaches the runtime stage from the builder (as /usr/local): check that the app needs nothing else the builder made, such as files a package writes outside its prefix.';

/** The finding on `apt-get install … gcc` at the end of `run` (the instruction's text) on `line`. */
function gccError(line: number, run = 'RUN apt-get update && apt-get install -y gcc'): ExpectedError {
	const start = run.indexOf('apt-get install');
	return {
		messageId: 'buildToolsShipped',
		data: { packages: 'gcc' },
		line,
		column: start + 1,
		endLine: line,
		endColumn: run.length + 1,
	};
}

/** A shape the split does not understand: the finding, and no fix. */
function noFix(name: string, code: string, line = 2, run?: string): InvalidCase {
	return { name: `no fix: ${name}`, code, errors: [gccError(line, run)], output: null };
}

new RuleTester().run(rule, {
	valid: [
		'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl',
		{
			name: 'multi-stage build',
			code: 'FROM python:3.11 AS builder\nRUN apt-get install -y gcc\nFROM python:3.11-slim\nCOPY --from=builder /install /usr/local',
		},
		{
			name: 'build deps removed in the same RUN',
			code: 'FROM alpine:3.20\nRUN apk add --virtual .build-deps gcc musl-dev && make && apk del .build-deps',
		},
		{
			name: 'tools installed for the users of a dev image, never used by the build',
			code: 'FROM ubuntu:24.04\nRUN apt-get install -y build-essential gdb\nUSER dev',
		},
		{
			name: 'named packages purged later',
			code: 'FROM debian:12\nRUN apt-get install -y gcc libc6-dev\nRUN make\nRUN apt-get purge -y gcc libc6-dev',
		},
		{
			name: "docker-library's apt-mark auto pattern",
			code: 'FROM debian:12\nRUN savedAptMark="$(apt-mark showmanual)" && apt-get install -y gcc make && make && apt-mark auto \'.*\' > /dev/null && apt-mark manual $savedAptMark && apt-get purge -y --auto-remove',
		},
		{ name: 'a word in a string is not a package install', code: 'FROM debian:12\nRUN echo "apt-get install gcc"' },
		{ name: 'runtime libraries are fine', code: 'FROM debian:12\nRUN apt-get install -y libpq5 libssl3' },
	],
	invalid: [
		{
			name: "the seed's insecure single-stage image: split, with libpq5 for libpq-dev in the runtime stage",
			code: 'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc libpq-dev\nCOPY . .\nRUN pip install -r requirements.txt',
			errors: [
				{
					messageId: 'buildToolsShipped',
					data: { packages: 'gcc, libpq-dev' },
					line: 2,
					column: 23,
					endLine: 2,
					endColumn: 55,
				},
			],
			output: [
				'FROM python:3.11-slim AS builder',
				'RUN apt-get update && apt-get install -y gcc libpq-dev',
				'COPY . .',
				'RUN pip install --prefix=/install -r requirements.txt',
				'',
				'FROM python:3.11-slim',
				'RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
				'COPY . .',
				'COPY --from=builder /install /usr/local',
			].join('\n'),
			details: [{ notes: [ONLY_INSTALL] }],
		},
		{
			name: 'alpine build-base, more than three packages (not a python image: no fix)',
			code: 'FROM alpine:3.20\nRUN apk add --no-cache build-base linux-headers openssl-dev zlib-dev && ./configure && make install',
			errors: [
				{
					messageId: 'buildToolsShipped',
					data: { packages: 'build-base, linux-headers, openssl-dev, +1 more' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 69,
				},
			],
			output: null,
		},
		{
			name: 'a removal before the install does not count',
			code: 'FROM debian:12\nRUN apt-get purge -y gcc\nRUN apt-get install -y gcc && make',
			errors: [
				{ messageId: 'buildToolsShipped', data: { packages: 'gcc' }, line: 3, column: 5, endLine: 3, endColumn: 27 },
			],
			output: null,
		},
		{
			name: 'packages are tracked one by one: a purge of one does not remove another installed later',
			code: 'FROM debian:12\nRUN apt-get install -y libpq-dev\nRUN apt-get purge -y gcc\nRUN apt-get install -y gcc && make',
			errors: [
				{
					messageId: 'buildToolsShipped',
					data: { packages: 'libpq-dev, gcc' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 33,
				},
			],
			output: null,
		},
		{
			name: 'an install after the apt-mark auto purge is kept',
			code: "FROM debian:12\nRUN apt-get install -y gcc && make && apt-mark auto '.*' && apt-get purge -y --auto-remove && apt-get install -y g++ && make",
			errors: [
				{ messageId: 'buildToolsShipped', data: { packages: 'g++' }, line: 2, column: 95, endLine: 2, endColumn: 117 },
			],
			output: null,
		},
		{
			name: 'a virtual package that is never deleted',
			code: 'FROM alpine:3.20\nRUN apk add --virtual .build-deps gcc\nRUN go build ./...',
			errors: [
				{ messageId: 'buildToolsShipped', data: { packages: 'gcc' }, line: 2, column: 5, endLine: 2, endColumn: 38 },
			],
			output: null,
		},
		{
			name: 'versioned and rpm packages',
			code: 'FROM fedora:40\nRUN dnf install -y gcc-c++ python3-devel-3.12.1\nRUN python3 -m pip install --no-cache-dir numpy',
			errors: [
				{
					messageId: 'buildToolsShipped',
					data: { packages: 'gcc-c++, python3-devel-3.12.1' },
					line: 2,
					column: 5,
					endLine: 2,
					endColumn: 48,
				},
			],
			output: null,
		},

		// The split, shape by shape.
		{
			name: "the seed's baseline shape: WORKDIR repeated, the requirements COPY and pip in the builder, the app and CMD in the runtime",
			code: [
				'FROM python:3.11-slim',
				'RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*',
				'WORKDIR /app',
				'COPY requirements.txt .',
				'RUN pip install --require-hashes --no-cache-dir -r requirements.txt',
				'COPY . .',
				'CMD ["python", "app.py"]',
				'',
			].join('\n'),
			errors: [gccError(2, 'RUN apt-get update && apt-get install -y --no-install-recommends gcc')],
			output: [
				'FROM python:3.11-slim AS builder',
				'RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*',
				'WORKDIR /app',
				'COPY requirements.txt .',
				'RUN pip install --require-hashes --no-cache-dir --prefix=/install -r requirements.txt',
				'',
				'FROM python:3.11-slim',
				'WORKDIR /app',
				'COPY --from=builder /install /usr/local',
				'COPY . .',
				'CMD ["python", "app.py"]',
				'',
			].join('\n'),
			details: [{ notes: [ONLY_INSTALL] }],
		},
		{
			name: 'build tools and pip install in one RUN with continuation lines',
			code: [
				'FROM python:3.12-slim',
				'WORKDIR /app',
				'COPY requirements.txt .',
				'RUN apt-get update \\',
				' && apt-get install -y --no-install-recommends build-essential libpq-dev \\',
				' && pip install --no-cache-dir -r requirements.txt \\',
				' && rm -rf /var/lib/apt/lists/*',
				'COPY . .',
				'EXPOSE 8000',
				'CMD ["gunicorn", "app:app"]',
			].join('\n'),
			errors: [
				{
					messageId: 'buildToolsShipped',
					data: { packages: 'build-essential, libpq-dev' },
					line: 5,
					column: 5,
					endLine: 5,
					endColumn: 73,
				},
			],
			output: [
				'FROM python:3.12-slim AS builder',
				'WORKDIR /app',
				'COPY requirements.txt .',
				'RUN apt-get update \\',
				' && apt-get install -y --no-install-recommends build-essential libpq-dev \\',
				' && pip install --no-cache-dir --prefix=/install -r requirements.txt \\',
				' && rm -rf /var/lib/apt/lists/*',
				'',
				'FROM python:3.12-slim',
				'WORKDIR /app',
				'RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*',
				'COPY --from=builder /install /usr/local',
				'COPY . .',
				'EXPOSE 8000',
				'CMD ["gunicorn", "app:app"]',
			].join('\n'),
		},
		{
			name: 'alpine: ENV repeated, ARGs only when the runtime reads them, LABEL moved with its comment, non-build packages installed again',
			code: [
				'FROM python:3.12-alpine',
				'ENV PYTHONUNBUFFERED=1',
				'ARG VERSION=1',
				'ARG PIP_VERSION=24.0',
				'RUN apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev libxml2-dev postgresql-dev curl',
				'WORKDIR /srv',
				'# the dependencies',
				'COPY requirements.txt ./',
				'# the version',
				'LABEL version=$VERSION',
				'RUN pip install --upgrade pip==$PIP_VERSION && pip install -r requirements.txt',
				'COPY src/ ./src/',
				'HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1',
				'ENTRYPOINT ["python", "-m", "src"]',
			].join('\n'),
			errors: [
				{
					messageId: 'buildToolsShipped',
					data: { packages: 'gcc, musl-dev, libffi-dev, +2 more' },
					line: 5,
					column: 5,
					endLine: 5,
					endColumn: 101,
				},
			],
			output: [
				'FROM python:3.12-alpine AS builder',
				'ENV PYTHONUNBUFFERED=1',
				'ARG VERSION=1',
				'ARG PIP_VERSION=24.0',
				'RUN apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev libxml2-dev postgresql-dev curl',
				'WORKDIR /srv',
				'# the dependencies',
				'COPY requirements.txt ./',
				'RUN pip install --upgrade pip==$PIP_VERSION && pip install --prefix=/install -r requirements.txt',
				'',
				'FROM python:3.12-alpine',
				'ENV PYTHONUNBUFFERED=1',
				'ARG VERSION=1',
				'RUN apk add --no-cache curl libpq',
				'WORKDIR /srv',
				'# the version',
				'LABEL version=$VERSION',
				'COPY --from=builder /install /usr/local',
				'COPY src/ ./src/',
				'HEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1',
				'ENTRYPOINT ["python", "-m", "src"]',
			].join('\n'),
			details: [
				{
					notes: [
						ONLY_INSTALL,
						'The runtime stage has no run-time library for libxml2-dev: if your packages link against one, install it there (the package without -dev, as libpq5 is for libpq-dev).',
						'The runtime stage installs curl again because the single stage had it: remove what the app does not use at run time.',
					],
				},
			],
		},
		{
			name: 'CRLF line endings and the backtick escape directive are kept',
			code: '# escape=`\r\nFROM python:3.11-slim\r\nRUN apt-get update && `\r\n    apt-get install -y build-essential\r\nCOPY requirements.txt .\r\nRUN pip install `\r\n    -r requirements.txt\r\nCOPY . .\r\nCMD ["python", "app.py"]\r\n',
			errors: [
				{
					messageId: 'buildToolsShipped',
					data: { packages: 'build-essential' },
					line: 4,
					column: 5,
					endLine: 4,
					endColumn: 39,
				},
			],
			output:
				'# escape=`\r\nFROM python:3.11-slim AS builder\r\nRUN apt-get update && `\r\n    apt-get install -y build-essential\r\nCOPY requirements.txt .\r\nRUN pip install `\r\n    --prefix=/install -r requirements.txt\r\n\r\nFROM python:3.11-slim\r\nCOPY --from=builder /install /usr/local\r\nCOPY . .\r\nCMD ["python", "app.py"]\r\n',
		},
		{
			name: 'pip install in a here-document; a RUN after it that does not build goes to the runtime stage',
			code: 'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nCOPY requirements.txt .\nRUN <<EOF\npip install -r requirements.txt\nEOF\nCOPY . .\nRUN <<EOF\npython -m compileall -q .\nEOF\n',
			errors: [gccError(2)],
			output:
				'FROM python:3.11-slim AS builder\nRUN apt-get update && apt-get install -y gcc\nCOPY requirements.txt .\nRUN <<EOF\npip install --prefix=/install -r requirements.txt\nEOF\n\nFROM python:3.11-slim\nCOPY --from=builder /install /usr/local\nCOPY . .\nRUN <<EOF\npython -m compileall -q .\nEOF\n',
		},
		{
			name: 'exec-form pip install',
			code: 'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nCOPY requirements.txt .\nRUN ["pip", "install", "-r", "requirements.txt"]\nCOPY . .\n',
			errors: [gccError(2)],
			output:
				'FROM python:3.11-slim AS builder\nRUN apt-get update && apt-get install -y gcc\nCOPY requirements.txt .\nRUN ["pip", "install", "--prefix=/install", "-r", "requirements.txt"]\n\nFROM python:3.11-slim\nCOPY --from=builder /install /usr/local\nCOPY . .\n',
		},
		{
			name: "after DH101's fix: the user creation moves to the runtime stage, so either order gives the seed's file",
			code: [
				'FROM python:3.11-slim',
				'RUN useradd --create-home --shell /bin/bash appuser',
				'RUN apt-get update && apt-get install -y gcc',
				'WORKDIR /app',
				'COPY requirements.txt .',
				'RUN pip install -r requirements.txt',
				'COPY --chown=appuser:appuser . .',
				'USER appuser',
				'CMD ["python", "app.py"]',
			].join('\n'),
			errors: [gccError(3)],
			output: [
				'FROM python:3.11-slim AS builder',
				'RUN apt-get update && apt-get install -y gcc',
				'WORKDIR /app',
				'COPY requirements.txt .',
				'RUN pip install --prefix=/install -r requirements.txt',
				'',
				'FROM python:3.11-slim',
				'RUN useradd --create-home --shell /bin/bash appuser',
				'WORKDIR /app',
				'COPY --from=builder /install /usr/local',
				'COPY --chown=appuser:appuser . .',
				'USER appuser',
				'CMD ["python", "app.py"]',
			].join('\n'),
		},
		{
			name: 'a builder COPY that gives files to a user: the user creation is repeated, not moved',
			code: 'FROM python:3.11-slim\nRUN useradd -m app\nRUN apt-get update && apt-get install -y gcc\nWORKDIR /home/app\nCOPY --chown=app:app . .\nRUN pip install -r requirements.txt\nUSER app\nCMD ["python", "app.py"]',
			errors: [gccError(3)],
			output:
				'FROM python:3.11-slim AS builder\nRUN useradd -m app\nRUN apt-get update && apt-get install -y gcc\nWORKDIR /home/app\nCOPY --chown=app:app . .\nRUN pip install --prefix=/install -r requirements.txt\n\nFROM python:3.11-slim\nRUN useradd -m app\nWORKDIR /home/app\nCOPY --chown=app:app . .\nCOPY --from=builder /install /usr/local\nUSER app\nCMD ["python", "app.py"]',
		},
		{
			name: 'a stage already named: its name is kept and used in COPY --from (python -m pip)',
			code: 'FROM python:3.11-slim AS base\nRUN apt-get update && apt-get install -y gcc\nCOPY requirements.txt .\nRUN python -m pip install -r requirements.txt\n',
			errors: [gccError(2)],
			output:
				'FROM python:3.11-slim AS base\nRUN apt-get update && apt-get install -y gcc\nCOPY requirements.txt .\nRUN python -m pip install --prefix=/install -r requirements.txt\n\nFROM python:3.11-slim\nCOPY --from=base /install /usr/local\n',
		},
		{
			name: 'keywords in lower case; a digest-pinned image through an ARG stays as written',
			code:
				'arg PY=3.11-slim@sha256:' +
				'a'.repeat(64) +
				'\nfrom python:${PY}\nrun apt-get update && apt-get install -y gcc\ncopy requirements.txt .\nrun pip install -r requirements.txt\ncmd ["python"]\n',
			errors: [gccError(3, 'run apt-get update && apt-get install -y gcc')],
			output:
				'arg PY=3.11-slim@sha256:' +
				'a'.repeat(64) +
				'\nfrom python:${PY} as builder\nrun apt-get update && apt-get install -y gcc\ncopy requirements.txt .\nrun pip install --prefix=/install -r requirements.txt\n\nfrom python:${PY}\ncopy --from=builder /install /usr/local\ncmd ["python"]\n',
		},

		// The shapes the split does not understand: reported, no fix.
		noFix(
			'not the official python image',
			'FROM debian:12\nRUN apt-get update && apt-get install -y gcc\nRUN pip install --break-system-packages -r requirements.txt',
		),
		noFix(
			'pip install --user',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nRUN pip install --user -r requirements.txt',
		),
		noFix(
			'pip already installs to a prefix',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nRUN pip install --prefix=/opt/deps -r requirements.txt',
		),
		noFix(
			'PIP_TARGET in the environment',
			'FROM python:3.11-slim\nENV PIP_TARGET=/deps\nRUN apt-get update && apt-get install -y gcc\nRUN pip install -r requirements.txt',
			3,
		),
		noFix(
			'an editable install after the split point',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nCOPY . .\nRUN pip install -r requirements.txt\nRUN pip install --no-deps -e .',
		),
		noFix(
			'make after pip install',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nRUN pip install -r requirements.txt\nRUN make -C native',
		),
		noFix(
			'a RUN before pip that is not a package install',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nRUN curl -fsSLo /tmp/x.tar.gz https://example.com/x.tar.gz\nRUN pip install -r requirements.txt',
		),
		noFix(
			'USER before pip install',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nUSER nobody\nRUN pip install -r requirements.txt',
		),
		noFix(
			'a package from another release (apt -t)',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y -t bookworm-backports gcc libgdal32\nRUN pip install -r requirements.txt',
			2,
			'RUN apt-get update && apt-get install -y -t bookworm-backports gcc libgdal32',
		),
		noFix(
			'uv pip install',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nRUN uv pip install --system -r requirements.txt',
		),
		noFix(
			'a virtualenv',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nRUN python -m venv /venv\nRUN /venv/bin/pip install -r requirements.txt',
		),
		noFix(
			'COPY --from=0 means the builder after a split',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nRUN pip install -r requirements.txt\nCOPY --from=0 /usr/local/bin/tool /tool',
		),
		noFix(
			'named packages, no requirements file',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nRUN pip install --no-cache-dir uwsgi==2.0.26',
		),
		noFix(
			'Windows python image',
			'FROM python:3.12-windowsservercore-ltsc2022\nRUN apt-get update && apt-get install -y gcc\nRUN pip install -r requirements.txt',
		),
		noFix(
			'the pip RUN is a here-document without its closing line',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nRUN <<EOF\npip install -r requirements.txt\n',
		),
		noFix(
			'the pip RUN ends in a continuation at the end of the file',
			'FROM python:3.11-slim\nRUN apt-get update && apt-get install -y gcc\nRUN pip install -r requirements.txt \\',
		),
	],
});

describe("the seed's insecure baseline through every rule's safe and review fixes", () => {
	before(() => loadShellParser());
	/** The seed's "baseline secure Dockerfile" (securing-dockerfile-python-builds), verbatim. */
	const SEED_BASELINE = [
		'# Stage 1: Build',
		'FROM python:3.11-slim AS builder',
		'WORKDIR /app',
		'COPY requirements.txt .',
		'RUN pip install --require-hashes --no-cache-dir --prefix=/install -r requirements.txt',
		'',
		'# Stage 2: Runtime',
		'FROM python:3.11-slim',
		'# Non-root user',
		'RUN useradd --create-home --shell /bin/bash appuser',
		'WORKDIR /home/appuser/app',
		'COPY --from=builder /install /usr/local',
		'COPY --chown=appuser:appuser . .',
		'USER appuser',
		'CMD ["python", "app.py"]',
		'',
	].join('\n');
	/**
	 * The same file without what the baseline adds (multi-stage build, --require-hashes, a non-root user), and with
	 * the compiler a single-stage build keeps (what DH501 looks for).
	 */
	const INSECURE = [
		'FROM python:3.11-slim',
		'RUN apt-get update && apt-get install -y gcc',
		'WORKDIR /app',
		'COPY requirements.txt .',
		'RUN pip install --no-cache-dir -r requirements.txt',
		'COPY . .',
		'CMD ["python", "app.py"]',
		'',
	].join('\n');
	const CONTEXT = {
		'requirements.txt': `flask==3.0.3 --hash=sha256:${'a'.repeat(64)}\n`,
		'.dockerignore': '.git\n.env*\n',
		'app.py': 'print("hello")\n',
	};
	const options = { buildContext: memoryContext(CONTEXT), safeties: ['safe', 'review'] as const };

	it("gives the seed's baseline file, but for three differences the fixes do not make", () => {
		const expected = SEED_BASELINE
			// 1. The seed's comments are prose for its reader; the fixes write none.
			.replace(/^# .*\n/gm, '')
			// 2. The builder keeps the build tools the input installs (the reason for the split), hardened by DH405/DH406.
			.replace(
				'AS builder\n',
				'AS builder\nRUN apt-get update && apt-get install --no-install-recommends -y gcc && rm -rf /var/lib/apt/lists/*\n',
			)
			// 3. The app stays where the input put it: moving it into the new user's home could break paths it uses.
			.replace('WORKDIR /home/appuser/app', 'WORKDIR /app');
		const result = fixAll(INSECURE, options);
		assert.equal(result.output, expected);
		assert.deepEqual([...new Set(result.applied.map((a) => a.ruleId))].sort(), [
			'DH101',
			'DH401',
			'DH405',
			'DH406',
			'DH501',
		]);
		// What is left needs the registry (digest pinning), not another edit.
		assert.deepEqual(
			result.remaining.filter((d) => d.data.fix?.safety === 'safe' || d.data.fix?.safety === 'review'),
			[],
		);
		assert.ok(!result.remaining.some((d) => d.code === 'DH101' || d.code === 'DH501'));
	});

	it('a second run changes nothing', () => {
		const once = fixAll(INSECURE, options).output;
		const twice = fixAll(once, options);
		assert.equal(twice.output, once);
		assert.equal(twice.applied.length, 0);
	});

	it("gives the same file when DH101's fix is applied first (as from the light bulb)", () => {
		const userFirst = fixAll(INSECURE, { ...options, rules: [noRootUser] }).output;
		assert.notEqual(userFirst, INSECURE);
		assert.equal(fixAll(userFirst, options).output, fixAll(INSECURE, options).output);
	});
});

/** Files the two review fixes of DH101 and DH501 must handle without harm. */
const CORPUS = process.env.DOCKERFILE_HARDEN_CORPUS ?? resolve(__dirname, '../../..', '../shared/corpus');

describe(
	'DH101 and DH501 fixes over the corpus',
	{ skip: existsSync(CORPUS) ? false : `no corpus at ${CORPUS}` },
	() => {
		before(() => loadShellParser());
		const files = existsSync(CORPUS)
			? readdirSync(CORPUS)
					.map((dir) => join(CORPUS, dir))
					.filter((dir) => statSync(dir).isDirectory())
					.flatMap((dir) => readdirSync(dir).map((file) => join(dir, file)))
					.sort()
			: [];
		const errors = (text: string): number => validate(text).filter((d) => d.severity === 1).length;

		it('never throw, are idempotent, add no syntax error, and leave no finding they claim to fix', () => {
			const problems: string[] = [];
			for (const file of files) {
				const text = readFileSync(file, 'utf8');
				const failures: string[] = [];
				const options = {
					rules: [noRootUser, rule],
					safeties: ['safe', 'review'] as const,
					logger: { error: (m: string) => failures.push(m) },
				};
				const fixable = lint(text, options)
					.diagnostics.filter((d) => d.data.fix)
					.map((d) => d.code);
				const fixed = fixAll(text, options);
				problems.push(...failures.map((f) => `${file}: ${f}`));
				if (fixAll(fixed.output, options).output !== fixed.output) {
					problems.push(`${file}: not idempotent`);
				}
				if (errors(fixed.output) > errors(text)) {
					problems.push(`${file}: more syntax errors after fixing`);
				}
				const left = new Set(fixed.remaining.map((d) => d.code));
				for (const code of fixable.filter((c) => left.has(c))) {
					problems.push(`${file}: ${code} is still reported after its fix`);
				}
			}
			assert.deepEqual(problems, []);
		});
	},
);
