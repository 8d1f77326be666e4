/**
 * The language server's registry features, all on explicit user action: "Pin to digest" and "Update digest"
 * (`pinImage`), "Pin All Images to Digests" (`pinAllImages`), DH202's "Add --checksum" (`addChecksum`), and the
 * stale-pin hover. Diagnostics never resolve anything, code actions only read the cache, and nothing is contacted in
 * an untrusted workspace (the client says whether it is trusted).
 */
import {
	Command,
	MarkupKind,
	MessageType,
	ShowMessageNotification,
	type CancellationToken,
	type Connection,
	type Hover,
	type HoverParams,
	type Range,
	type TextDocuments,
	type TextEdit,
	type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DockerfileParser } from 'dockerfile-ast';
import { imageSitesOf, isPinned, rangeContains, type ImageSite } from '../engine/imageSites';
import { eolOf } from '../engine/lint';
import { syntaxForSecretEnv } from '../engine/secretMounts';
import {
	ServerCommands,
	normalizeClientEnvironment,
	pinSummary,
	type AddChecksumParams,
	type ClientEnvironment,
	type PinAllImagesParams,
	type ChecksumData,
	type PinData,
	type PinImageParams,
	type PinReferenceReport,
	type PinResult,
} from '../protocol';
import { cacheKey, DigestCache, RegistryClient, type Resolution } from '../registry/client';
import { checksumOf, displayUrl } from '../registry/download';
import { RegistryError } from '../registry/errors';
import { checkableSites, outcomeOf, relocate, unpinnedSites, type PinOutcome } from '../registry/pin';
import type { DocumentSettings } from '../settings';
import { workspaceEdit, type ClientSupport } from './codeActions';
import { errorText, type ServerLog } from './diagnostics';

/** Said when a registry command runs in an untrusted workspace. */
export const UNTRUSTED_MESSAGE =
	'Dockerfile Harden contacts no registry and downloads nothing in an untrusted workspace; trust this folder (Manage Workspace Trust) to pin images to digests.';

/** Title of the quick fix on DH201 findings. */
export const PIN_TITLE = 'Pin to digest';
/** Title of the quick fix on a pin whose tag moved (known from a hover). */
export const UPDATE_TITLE = 'Update digest';
/** Title of DH202's quick fix. */
export const CHECKSUM_TITLE = 'Add --checksum (downloads the file once)';

/** What the pin features work with. */
export interface PinDeps {
	readonly connection: Connection;
	readonly documents: TextDocuments<TextDocument>;
	readonly settings: DocumentSettings;
	readonly support: () => ClientSupport;
	readonly log: ServerLog;
	/** The process environment (Docker config, proxies). Default: `process.env`. */
	readonly env?: Readonly<Record<string, string | undefined>>;
}

/** An `AbortSignal` that aborts when any of the tokens is cancelled. */
function signalOf(...tokens: (CancellationToken | undefined)[]): AbortSignal {
	const controller = new AbortController();
	for (const token of tokens) {
		if (token?.isCancellationRequested) {
			controller.abort();
		}
		token?.onCancellationRequested(() => controller.abort());
	}
	return controller.signal;
}

/** `sha256:0123456789ab…` for messages. */
function shortDigest(digest: string): string {
	return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

function ago(at: number, now: number = Date.now()): string {
	const minutes = Math.floor((now - at) / 60_000);
	return minutes < 1 ? 'just now' : `${minutes} min ago`;
}

/** The registry features of one server. */
export class PinService {
	private environment: ClientEnvironment = {};
	private readonly cache = new DigestCache();
	private readonly clients = new Map<string, RegistryClient>();

	constructor(private readonly deps: PinDeps) {}

	/**
	 * Takes what the client said at `initialize` or in a later notification. Each message carries the whole
	 * environment (a proxy setting that was cleared is simply absent); only trust is kept when a message omits it.
	 */
	updateEnvironment(raw: unknown): void {
		const next = normalizeClientEnvironment(raw);
		const trusted = next.workspaceTrusted ?? this.environment.workspaceTrusted;
		this.environment = { ...next, ...(trusted !== undefined ? { workspaceTrusted: trusted } : {}) };
	}

	/** Whether registries may be contacted: the client said the workspace is trusted, or said nothing. */
	get trusted(): boolean {
		return this.environment.workspaceTrusted !== false;
	}

	/** Closes every client's connections (shutdown). */
	async dispose(): Promise<void> {
		const clients = [...this.clients.values()];
		this.clients.clear();
		await Promise.all(clients.map((c) => c.close()));
	}

	private async clientFor(uri: string): Promise<RegistryClient> {
		const settings = await this.deps.settings.get(uri);
		const { insecureRegistries, timeoutMs } = settings.registry;
		const { httpProxy, noProxy } = this.environment;
		const key = JSON.stringify([insecureRegistries, timeoutMs, httpProxy ?? null, noProxy ?? null]);
		let client = this.clients.get(key);
		if (!client) {
			client = new RegistryClient({
				insecureRegistries,
				timeoutMs,
				env: this.deps.env ?? process.env,
				proxy: { url: httpProxy, noProxy },
				cache: this.cache,
				log: (message) => this.deps.log.info(`Registry: ${message}`),
			});
			this.clients.set(key, client);
		}
		return client;
	}

	private notify(type: MessageType, message: string): void {
		this.deps.connection.sendNotification(ShowMessageNotification.type, { type, message }).catch(() => undefined);
	}

	private async apply(document: TextDocument, edits: readonly TextEdit[]): Promise<boolean> {
		const edit = workspaceEdit(document.uri, document.version, edits, this.deps.support());
		try {
			const response = await this.deps.connection.workspace.applyEdit({
				label: 'Dockerfile Harden: pin to digest',
				edit,
			});
			return response.applied;
		} catch (error) {
			this.deps.log.error(`Applying the pin edit failed: ${errorText(error)}`);
			return false;
		}
	}

	/** Server-created progress when the client takes it and did not ask to show its own. */
	private async progress(
		title: string,
		attached: WorkDoneProgressReporter | undefined,
		clientShowsProgress: boolean,
	): Promise<{ reporter: WorkDoneProgressReporter; token: CancellationToken | undefined } | undefined> {
		if (attached) {
			attached.begin(title, 0, undefined, true);
			return { reporter: attached, token: undefined };
		}
		if (clientShowsProgress || !this.deps.support().workDoneProgress) {
			return undefined;
		}
		try {
			const reporter = await this.deps.connection.window.createWorkDoneProgress();
			reporter.begin(title, 0, undefined, true);
			return { reporter, token: reporter.token };
		} catch {
			return undefined;
		}
	}

	/**
	 * Resolves every unpinned reference of `text` (a text that is not in the editor yet: Harden's fixed output) and
	 * returns the edits that write their digests, without applying them. `undefined` in an untrusted workspace.
	 */
	async pinText(uri: string, text: string, token: CancellationToken): Promise<PinOutcome | undefined> {
		if (!this.trusted) {
			return undefined;
		}
		const sites = unpinnedSites(imageSitesOf(text));
		if (sites.length === 0) {
			return { edits: [], reports: [] };
		}
		const results = await this.resolveWithProgress(uri, sites, token, undefined, false);
		return results === undefined ? undefined : outcomeOf(sites, results, false);
	}

	/**
	 * Resolves `sites` concurrently under one progress notification ("Pinning images to digests", n/total);
	 * `undefined` when the user or the client cancelled.
	 */
	private async resolveWithProgress(
		uri: string,
		sites: readonly ImageSite[],
		token: CancellationToken,
		attached: WorkDoneProgressReporter | undefined,
		quiet: boolean,
	): Promise<ReadonlyMap<string, Resolution | RegistryError> | undefined> {
		const progress = await this.progress('Pinning images to digests', attached, quiet);
		try {
			const client = await this.clientFor(uri);
			const signal = signalOf(token, progress?.token);
			const results = await client.resolveAll(
				sites.map((s) => s.ref),
				{
					signal,
					onSettled: (ref, done, total) =>
						progress?.reporter.report(Math.round((done / total) * 100), `${done}/${total}: ${ref.raw}`),
				},
			);
			return signal.aborted ? undefined : results;
		} finally {
			progress?.reporter.done();
		}
	}

	// Pin to digest / Update digest --------------------------------------------------------------------------------

	/** `pinImage`: one reference. Failures are also shown to the user (the client drops a command's result). */
	async pinImage(
		params: Partial<PinImageParams>,
		token: CancellationToken,
		attached?: WorkDoneProgressReporter,
	): Promise<PinResult> {
		const pin = params.pin;
		const uri = typeof params.uri === 'string' ? params.uri : undefined;
		if (!uri || !isPinData(pin)) {
			return { outcome: 'unknownDocument', references: [] };
		}
		if (!this.trusted) {
			this.notify(MessageType.Warning, UNTRUSTED_MESSAGE);
			return { outcome: 'untrusted', references: [], message: UNTRUSTED_MESSAGE };
		}
		const document = this.deps.documents.get(uri);
		if (!document) {
			return { outcome: 'unknownDocument', references: [] };
		}
		const site = relocate(pin, document.getText());
		if (!site) {
			const message = `${pin.image} is no longer in the Dockerfile as it was; nothing was changed.`;
			this.notify(MessageType.Warning, message);
			return { outcome: 'stale', references: [], message };
		}
		if (isPinned(site.ref) && params.update !== true) {
			return { outcome: 'nothing', references: [], message: `${pin.image} is already pinned.` };
		}
		const progress = await this.progress(`Resolving ${site.ref.raw}`, attached, false);
		try {
			const client = await this.clientFor(uri);
			const signal = signalOf(token, progress?.token);
			const results = await client.resolveAll([site.ref], { signal });
			if (signal.aborted) {
				return { outcome: 'cancelled', references: [] };
			}
			return await this.finish(uri, [site], results, params.update === true, 'problems');
		} finally {
			progress?.reporter.done();
		}
	}

	/** `pinAllImages`: every unpinned reference of the document, resolved concurrently, written as one edit. */
	async pinAll(
		params: Partial<PinAllImagesParams>,
		token: CancellationToken,
		attached?: WorkDoneProgressReporter,
	): Promise<PinResult> {
		const uri = typeof params.uri === 'string' ? params.uri : undefined;
		const quiet = params.quiet === true;
		if (!this.trusted) {
			if (!quiet) {
				this.notify(MessageType.Warning, UNTRUSTED_MESSAGE);
			}
			return { outcome: 'untrusted', references: [], message: UNTRUSTED_MESSAGE };
		}
		const document = uri === undefined ? undefined : this.deps.documents.get(uri);
		if (!uri || !document) {
			return { outcome: 'unknownDocument', references: [] };
		}
		const all = imageSitesOf(document.getText());
		const sites = unpinnedSites(all);
		if (sites.length === 0) {
			const message =
				all.length === 0
					? 'There is no image reference to pin in this Dockerfile.'
					: 'Every image reference in this Dockerfile is already pinned to a digest.';
			if (!quiet) {
				this.notify(MessageType.Info, message);
			}
			return { outcome: 'nothing', references: [], message };
		}
		const results = await this.resolveWithProgress(uri, sites, token, attached, quiet);
		if (results === undefined) {
			return {
				outcome: 'cancelled',
				references: [],
				message: 'Pin All Images to Digests was cancelled; nothing was changed.',
			};
		}
		return this.finish(uri, sites, results, false, quiet ? 'none' : 'all');
	}

	/**
	 * Writes the resolved digests into the document as it is now: each reference is found again (the user may have
	 * typed while the registry answered), and one that changed is reported instead of edited.
	 */
	private async finish(
		uri: string,
		sites: readonly ImageSite[],
		results: ReadonlyMap<string, Resolution | RegistryError>,
		update: boolean,
		/** What to show with `window/showMessage`: nothing (the client reports), problems only (a quick fix), or all. */
		notify: 'none' | 'problems' | 'all',
	): Promise<PinResult> {
		const document = this.deps.documents.get(uri);
		if (!document) {
			return { outcome: 'unknownDocument', references: [] };
		}
		const text = document.getText();
		const current: ImageSite[] = [];
		const gone: PinReferenceReport[] = [];
		for (const site of sites) {
			const found = relocate(site.pin, text);
			if (found) {
				current.push(found);
			} else {
				gone.push({
					image: site.ref.raw,
					site: site.kind,
					line: site.pin.range.start.line,
					status: 'failed',
					reason: 'The line changed while the registry answered, so it was left alone.',
				});
			}
		}
		const outcome = outcomeOf(current, results, update);
		const references = [...outcome.reports, ...gone].sort((a, b) => a.line - b.line);
		let applied = false;
		if (outcome.edits.length > 0) {
			applied = await this.apply(document, outcome.edits);
		}
		const result: PinResult = {
			outcome:
				outcome.edits.length === 0
					? gone.length > 0 && current.length === 0
						? 'stale'
						: 'nothing'
					: applied
						? 'applied'
						: 'rejected',
			references,
		};
		const failed = references.some((r) => r.status === 'failed');
		const message =
			result.outcome === 'rejected'
				? 'The editor did not apply the digests (the file may have changed); nothing was changed.'
				: pinSummary(result);
		if (notify === 'all' || (notify === 'problems' && (failed || result.outcome !== 'applied'))) {
			this.notify(failed || result.outcome === 'rejected' ? MessageType.Warning : MessageType.Info, message);
		}
		return { ...result, message };
	}

	// DH202: Add --checksum ------------------------------------------------------------------------------------------

	/** `addChecksum`: downloads the URL once and writes `--checksum=sha256:…` after `ADD`. */
	async addChecksum(params: Partial<AddChecksumParams>, token: CancellationToken): Promise<PinResult> {
		const uri = typeof params.uri === 'string' ? params.uri : undefined;
		const data = params.checksum;
		if (!uri || !data || typeof data.url !== 'string' || !data.insertAt || !data.range) {
			return { outcome: 'unknownDocument', references: [] };
		}
		if (!this.trusted) {
			this.notify(MessageType.Warning, UNTRUSTED_MESSAGE);
			return { outcome: 'untrusted', references: [], message: UNTRUSTED_MESSAGE };
		}
		const before = this.deps.documents.get(uri);
		if (!before) {
			return { outcome: 'unknownDocument', references: [] };
		}
		const instruction = before.getText(data.range);
		const progress = await this.progress(`Downloading ${safeUrl(data.url)}`, undefined, false);
		const line = data.range.start.line;
		try {
			const digest = await this.download(uri, data.url, signalOf(token, progress?.token));
			const document = this.deps.documents.get(uri);
			if (!document || document.getText(data.range) !== instruction) {
				const message = 'The ADD instruction changed during the download, so no checksum was written.';
				this.notify(MessageType.Warning, message);
				return { outcome: 'stale', references: [], message };
			}
			const edit: TextEdit = { range: { start: data.insertAt, end: data.insertAt }, newText: `--checksum=${digest} ` };
			// ADD --checksum needs a recent frontend: the syntax directive comes with it, as Harden adds it (DH502).
			const current = document.getText();
			const syntax = syntaxForSecretEnv(document, DockerfileParser.parse(current), eolOf(current)).edit;
			const applied = await this.apply(document, syntax ? [syntax, edit] : [edit]);
			return {
				outcome: applied ? 'applied' : 'rejected',
				references: [{ image: safeUrl(data.url), site: 'add', line, status: 'pinned', digest }],
			};
		} catch (error) {
			const reason = error instanceof RegistryError ? error.message : 'The download failed.';
			if (error instanceof RegistryError && error.kind === 'cancelled') {
				return { outcome: 'cancelled', references: [] };
			}
			this.notify(MessageType.Warning, `No checksum was written: ${reason}`);
			return {
				outcome: 'nothing',
				references: [{ image: safeUrl(data.url), site: 'add', line, status: 'failed', reason }],
				message: reason,
			};
		} finally {
			progress?.reporter.done();
		}
	}

	/** Downloads `url` once (proxy and timeout as for the registry, at least a minute) and returns its sha256. */
	private async download(uri: string, url: string, signal: AbortSignal): Promise<string> {
		const settings = await this.deps.settings.get(uri);
		const { digest } = await checksumOf(url, {
			env: this.deps.env ?? process.env,
			proxy: { url: this.environment.httpProxy, noProxy: this.environment.noProxy },
			signal,
			timeoutMs: Math.max(settings.registry.timeoutMs, 60_000),
		});
		return digest;
	}

	/**
	 * The `--checksum` edits for the DH202 findings of a text that is not in the editor yet (Harden's fixed output),
	 * one download each, in order, under one progress notification. `undefined` when untrusted or cancelled.
	 */
	async checksumEdits(
		uri: string,
		findings: readonly { readonly data: { readonly checksum?: ChecksumData } }[],
		token: CancellationToken,
	): Promise<{ edits: TextEdit[]; reports: PinReferenceReport[] } | undefined> {
		const wanted = findings.flatMap((d) => (d.data.checksum ? [d.data.checksum] : []));
		if (!this.trusted) {
			return undefined;
		}
		const edits: TextEdit[] = [];
		const reports: PinReferenceReport[] = [];
		if (wanted.length === 0) {
			return { edits, reports };
		}
		const progress = await this.progress('Downloading ADD sources for --checksum', undefined, false);
		try {
			const signal = signalOf(token, progress?.token);
			for (const [index, data] of wanted.entries()) {
				const image = safeUrl(data.url);
				const line = data.range.start.line;
				progress?.reporter.report(Math.round((index / wanted.length) * 100), `${index + 1}/${wanted.length}: ${image}`);
				try {
					const digest = await this.download(uri, data.url, signal);
					edits.push({ range: { start: data.insertAt, end: data.insertAt }, newText: `--checksum=${digest} ` });
					reports.push({ image, site: 'add', line, status: 'pinned', digest });
				} catch (error) {
					if (signal.aborted) {
						return undefined;
					}
					const reason = error instanceof RegistryError ? error.message : 'The download failed.';
					reports.push({ image, site: 'add', line, status: 'failed', reason });
				}
			}
			return { edits, reports };
		} finally {
			progress?.reporter.done();
		}
	}

	// Stale pins -------------------------------------------------------------------------------------------------------

	/** The stale-pin part of a hover: resolves the tag of a pinned reference under the cursor (cached). */
	async hover(params: HoverParams, token: CancellationToken): Promise<Hover | null> {
		const document = this.deps.documents.get(params.textDocument.uri);
		if (!document) {
			return null;
		}
		const site = checkableSites(imageSitesOf(document.getText())).find((s) =>
			rangeContains(s.pin.range, params.position),
		);
		if (!site) {
			return null;
		}
		const name = `${site.ref.raw.slice(0, site.ref.raw.lastIndexOf('@'))}`;
		const reply = (text: string): Hover => ({
			contents: { kind: MarkupKind.Markdown, value: `**Dockerfile Harden** · ${text}` },
			range: site.pin.range,
		});
		if (!this.trusted) {
			return reply(`not checked whether \`${name}\` moved: ${UNTRUSTED_MESSAGE}`);
		}
		let resolution: Resolution;
		try {
			const client = await this.clientFor(document.uri);
			resolution = await client.resolve(site.ref, { signal: signalOf(token), useCache: true });
		} catch (error) {
			if (error instanceof RegistryError && error.kind === 'cancelled') {
				return null;
			}
			const reason = error instanceof RegistryError ? error.message : 'The registry lookup failed.';
			return reply(`could not check whether \`${name}\` moved: ${reason}`);
		}
		const when = ago(resolution.checkedAt);
		if (resolution.digest === site.ref.digest) {
			return reply(`the tag \`${name}\` still points at this digest (checked ${when}).`);
		}
		return reply(
			`the tag \`${name}\` has moved: it now points at \`${shortDigest(resolution.digest)}\`, not at the pinned \`${shortDigest(site.ref.digest ?? '')}\` (checked ${when}). Review what changed, then use the quick fix **${UPDATE_TITLE}**.`,
		);
	}

	/**
	 * "Update digest" for pins in `range` whose tag is known (from a hover) to point elsewhere. Reads the cache only:
	 * code actions are requested as the cursor moves and must never reach a registry.
	 */
	updateCommands(document: TextDocument, range: Range): { command: Command; range: Range }[] {
		const commands: { command: Command; range: Range }[] = [];
		for (const site of checkableSites(imageSitesOf(document.getText()))) {
			if (!rangeContains(site.pin.range, range.start) && !rangeContains(range, site.pin.range.start)) {
				continue;
			}
			const known = this.cache.peek(cacheKey(site.ref));
			if (!known || known instanceof RegistryError || known.digest === site.ref.digest) {
				continue;
			}
			const args: PinImageParams = { uri: document.uri, pin: site.pin, update: true };
			commands.push({ command: Command.create(UPDATE_TITLE, ServerCommands.pinImage, args), range: site.pin.range });
		}
		return commands;
	}
}

/** A URL for messages: no user info, no query. */
function safeUrl(url: string): string {
	try {
		return displayUrl(new URL(url));
	} catch {
		return 'the ADD source';
	}
}

function isRange(value: unknown): value is Range {
	const r = value as Partial<Range> | undefined;
	return (
		typeof r === 'object' &&
		r !== null &&
		typeof r.start?.line === 'number' &&
		typeof r.start.character === 'number' &&
		typeof r.end?.line === 'number' &&
		typeof r.end.character === 'number'
	);
}

/** Whether a command argument is {@link PinData} (it comes from the client, so it is checked). */
export function isPinData(value: unknown): value is PinData {
	const p = value as Partial<PinData> | undefined;
	return (
		typeof p === 'object' &&
		p !== null &&
		typeof p.image === 'string' &&
		typeof p.site === 'string' &&
		typeof p.written === 'string' &&
		isRange(p.range) &&
		isRange(p.digestRange)
	);
}
