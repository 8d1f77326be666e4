/**
 * The VS Code workbench in Chromium, driven the way a user drives it: keyboard shortcuts, the command palette, the
 * mouse on a squiggle. Every wait is on what the screen shows (DOM state), with generous timeouts for a loaded CI
 * machine; nothing sleeps for a fixed time.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** How long to wait for the workbench to load: the first load compiles a lot of JavaScript. */
export const LOAD_TIMEOUT = 120_000;

/** How long to wait for one UI reaction (diagnostics, a widget, a notification). */
export const UI_TIMEOUT = 60_000;

/** Chromium's flags: no sandbox (root in CI), and none of its own network traffic on a closed network. */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
] as const;

/**
 * The little of the DOM that the functions evaluated in the page use. The project compiles without the DOM library
 * (nothing else runs in a browser), so these are declared here rather than pulled in for every file.
 */
interface PageElement {
	readonly style: { readonly top: string };
	readonly textContent: string | null;
	closest(selector: string): PageElement | null;
	querySelector(selector: string): PageElement | null;
	querySelectorAll(selector: string): ArrayLike<PageElement>;
	getBoundingClientRect(): { x: number; y: number; width: number; height: number };
}

/** The page's document, inside functions passed to `page.evaluate` and `waitForFunction`. */
declare const document: {
	readonly activeElement: PageElement | null;
	querySelector(selector: string): PageElement | null;
};

/** One row of the Problems panel. */
export interface ProblemRow {
	readonly code: string;
	readonly message: string;
	readonly line: number;
	readonly column: number;
	/** The code's link: the rule's documentation page. */
	readonly href: string;
	readonly severity: string;
}

/**
 * Polls `read` until `done` accepts its value or `timeout` passes; throws with the last value seen. For state that
 * Playwright's locators cannot express (a parsed list, a file on disk).
 */
export async function until<T>(
	what: string,
	read: () => Promise<T> | T,
	done: (value: T) => boolean,
	timeout = UI_TIMEOUT,
): Promise<T> {
	const deadline = Date.now() + timeout;
	let value = await read();
	while (!done(value)) {
		if (Date.now() > deadline) {
			throw new Error(
				`Timed out after ${timeout} ms waiting for ${what}; last seen:\n${JSON.stringify(value, null, 2)}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
		value = await read();
	}
	return value;
}

/**
 * Runs `attempt` up to `times` times. Only for UI flakiness the caller names in `why`; every other failure must fail
 * the test the first time.
 */
export async function retry<T>(why: string, times: number, attempt: (n: number) => Promise<T>): Promise<T> {
	for (let n = 1; ; n++) {
		try {
			return await attempt(n);
		} catch (error) {
			if (n >= times) {
				throw error;
			}
			console.log(`# retrying (${why}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
		}
	}
}

/** A workbench page showing one folder. */
export class Workbench {
	private constructor(
		private readonly context: BrowserContext,
		/** The Playwright page, for what the helpers do not cover. */
		readonly page: Page,
	) {}

	/** Opens `url` (a code-server folder URL) in a fresh browser context and waits until the folder is listed. */
	static async open(browser: Browser, url: string): Promise<Workbench> {
		// A fresh context per scenario: VS Code keeps UI state in the browser's storage.
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		const page = await context.newPage();
		page.setDefaultTimeout(UI_TIMEOUT);
		await page.goto(url, { timeout: LOAD_TIMEOUT });
		await page.locator('.monaco-workbench').waitFor({ timeout: LOAD_TIMEOUT });
		await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: LOAD_TIMEOUT });
		return new Workbench(context, page);
	}

	/** Closes the browser context (code-server keeps running). */
	async close(): Promise<void> {
		await this.context.close();
	}

	/** The quick input (palette, quick open, go to line) once it is open and focused. */
	private async quickInput(): Promise<Locator> {
		const input = this.page.locator('.quick-input-widget .quick-input-box input');
		await input.waitFor({ state: 'visible' });
		await this.page.waitForFunction(() => (document.activeElement?.closest('.quick-input-widget') ?? null) !== null);
		return input;
	}

	/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor. */
	async openFile(name: string): Promise<void> {
		await this.page.keyboard.press('Control+P');
		const input = await this.quickInput();
		await input.fill(name);
		await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
		await this.page.keyboard.press('Enter');
		await this.page.locator('.tab.active', { hasText: name }).waitFor();
		await this.editorLines().first().waitFor();
	}

	/** Runs a command from the command palette (F1) by its full title, `Category: Title`. */
	async runCommand(title: string): Promise<void> {
		await this.page.keyboard.press('F1');
		const input = await this.quickInput();
		await input.fill(`>${title}`);
		// A command with a keybinding has it in its row's label: `Notifications: Show Notifications, Ctrl+K Ctrl+Shift+N`.
		const row = (state: string): string =>
			`.quick-input-list .monaco-list-row${state}[aria-label="${title}"], ` +
			`.quick-input-list .monaco-list-row${state}[aria-label^="${title}, "]`;
		await this.page.locator(row('')).first().waitFor();
		// The list is filtered as we type; wait until the command is the focused (first) entry before Enter.
		await this.page.locator(row('.focused')).first().waitFor();
		await this.page.keyboard.press('Enter');
		await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
	}

	/** Moves the cursor with Go to Line (Ctrl+G) and waits for the status bar to show it. */
	async goTo(line: number, column: number): Promise<void> {
		await this.page.keyboard.press('Control+G');
		const input = await this.quickInput();
		// Go to Line's input starts with its `:` prefix; without it the text is a file search.
		await input.fill(`:${line}:${column}`);
		await this.page.keyboard.press('Enter');
		await this.page.locator('.statusbar-item', { hasText: `Ln ${line}, Col ${column}` }).waitFor();
	}

	/**
	 * Types `text` at the end of the active editor, after giving it the keyboard focus (a notification or the Problems
	 * panel, which {@link showProblems} maximises over the editor, may hold it).
	 */
	async typeAtEnd(text: string): Promise<void> {
		// Focus First Editor Group brings the editor back from under a maximised panel; a click then gives it the keys.
		await this.page.keyboard.press('Control+1');
		const lines = this.page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines');
		await lines.waitFor();
		await lines.click();
		await this.page.keyboard.press('Control+End');
		await this.page.keyboard.type(text);
	}

	/** Saves the active editor (Ctrl+S). */
	async save(): Promise<void> {
		await this.page.keyboard.press('Control+S');
	}

	/** The active editor's rendered lines (VS Code reuses line elements, so their DOM order is not line order). */
	private editorLines(): Locator {
		return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor .view-lines .view-line');
	}

	/** The text of the active editor, as rendered (the whole file, for files that fit the viewport). */
	async editorText(): Promise<string> {
		const lines = await this.editorLines().evaluateAll((elements) =>
			elements
				.map((e) => ({ top: parseFloat((e as unknown as PageElement).style.top), text: e.textContent ?? '' }))
				.sort((a, b) => a.top - b.top)
				.map((l) => l.text),
		);
		// Monaco renders spaces as no-break spaces.
		return lines.join('\n').replace(/\u00a0/g, ' ');
	}

	/** Waits until the active editor shows `expected` (ignoring a final newline, which renders as an empty line). */
	async waitForEditorText(expected: string, timeout = UI_TIMEOUT): Promise<string> {
		const normal = (s: string): string => s.replace(/\n$/, '');
		return until(
			'the editor text',
			() => this.editorText(),
			(text) => normal(text) === normal(expected),
			timeout,
		);
	}

	/** Waits until the active tab shows (`true`) or stops showing (`false`) unsaved changes. */
	async waitForDirty(dirty: boolean): Promise<void> {
		await this.page.locator(dirty ? '.tab.active.dirty' : '.tab.active:not(.dirty)').waitFor();
	}

	/** Opens the Problems panel (Ctrl+Shift+M). */
	async showProblems(): Promise<void> {
		await this.page.keyboard.press('Control+Shift+M');
		await this.page.locator('.markers-panel').waitFor();
	}

	/** The Problems panel's total, from its accessible label ("Showing 10 problems"). */
	async problemCount(): Promise<number> {
		const label = (await this.page.locator('.markers-panel .monaco-list').first().getAttribute('aria-label')) ?? '';
		const match = /Showing (\d+)/.exec(label);
		return match ? Number(match[1]) : 0;
	}

	/** The rendered rows of the Problems panel, in panel order. */
	async problems(): Promise<ProblemRow[]> {
		return this.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) =>
			rows
				.filter((row) => row.querySelector('.marker-message') !== null)
				.map((row) => {
					const position = /Ln (\d+), Col (\d+)/.exec(row.querySelector('.marker-line')?.textContent ?? '');
					const icon = row.querySelector('.marker-icon');
					return {
						code: row.querySelector('.marker-code')?.textContent ?? '',
						message: row.querySelector('.marker-message')?.textContent ?? '',
						line: Number(position?.[1] ?? 0),
						column: Number(position?.[2] ?? 0),
						href: row.querySelector('a.monaco-link')?.getAttribute('href') ?? '',
						severity: ['error', 'warning', 'info'].find((s) => icon?.classList.contains(s)) ?? 'unknown',
					};
				}),
		);
	}

	/**
	 * All rows of the Problems panel. The panel is a virtual list that renders only the rows that fit, so when it
	 * holds more than it shows, maximize it (once: the same button restores it when pressed again).
	 */
	async allProblems(): Promise<ProblemRow[]> {
		const rows = await this.problems();
		if (rows.length >= (await this.problemCount())) {
			return rows;
		}
		const maximize = this.page.locator('.part.panel .action-label[aria-label^="Maximize Panel Size"]');
		if ((await maximize.count()) > 0) {
			await maximize.first().click();
			await this.page.locator('.part.panel .action-label[aria-label^="Restore Panel Size"]').waitFor();
		}
		return this.problems();
	}

	/**
	 * Moves the mouse onto the squiggle on `line` (1-based) and returns the hover that opens. Retried: the editor shows
	 * a hover only for a mouse move that lands while it is idle, and a move during a re-render is dropped.
	 */
	async hoverSquiggle(line: number, severity: 'error' | 'warning' | 'info'): Promise<Locator> {
		const squiggle = (): Promise<{ x: number; y: number; width: number; height: number } | undefined> =>
			this.page.evaluate(
				({ line, severity }) => {
					const editor = document.querySelector('.editor-group-container.active .editor-instance .monaco-editor');
					const rendered = Array.from(editor?.querySelectorAll('.view-lines .view-line') ?? []);
					const tops = [...new Set(rendered.map((e) => parseFloat(e.style.top)))].sort((a, b) => a - b);
					const top = tops[line - 1];
					// The overlay layer draws squiggles in one element per line, at the same offset as the line's text.
					const overlays = Array.from(editor?.querySelectorAll('.view-overlays > div') ?? []);
					const overlay = overlays.find((o) => parseFloat(o.style.top) === top);
					const rect = overlay?.querySelector(`.squiggly-${severity}`)?.getBoundingClientRect();
					return rect ? { x: rect.x, y: rect.y, width: rect.width, height: rect.height } : undefined;
				},
				{ line, severity },
			);
		await until(`a ${severity} squiggle on line ${line}`, squiggle, (box) => box !== undefined);
		return retry('a hover needs a mouse move the editor sees', 3, async () => {
			const box = await squiggle();
			if (!box) {
				throw new Error(`the ${severity} squiggle on line ${line} went away`);
			}
			// Away first, so the move onto the squiggle is a new hover even when the mouse was already there.
			await this.page.mouse.move(1, 1);
			await this.page.mouse.move(box.x + Math.min(box.width / 2, 20), box.y + box.height / 2, { steps: 5 });
			const hover = this.page.locator('.monaco-hover:not(.hidden)').filter({ has: this.page.locator('.code-link') });
			await hover.first().waitFor({ state: 'visible', timeout: 10_000 });
			return hover.first();
		});
	}

	/**
	 * Opens the code action menu of `line` (1-based, where the cursor is) by clicking the light bulb in the gutter;
	 * returns its titles. Waits for the bulb to sit on that line: after the cursor moves, the previous line's bulb stays
	 * until the code actions of the new position arrive.
	 */
	async openLightBulb(line: number): Promise<string[]> {
		const bulbOnLine = (): Promise<{ x: number; y: number } | undefined> =>
			this.page.evaluate((line) => {
				const editor = document.querySelector('.editor-group-container.active .editor-instance .monaco-editor');
				const rendered = Array.from(editor?.querySelectorAll('.view-lines .view-line') ?? []);
				const target = rendered.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))[line - 1];
				const lineBox = target?.getBoundingClientRect();
				const bulb = editor?.querySelector('[class*="codicon-gutter-lightbulb"]')?.getBoundingClientRect();
				if (!lineBox || !bulb || bulb.height === 0) {
					return undefined;
				}
				const middle = bulb.y + bulb.height / 2;
				return middle >= lineBox.y && middle <= lineBox.y + lineBox.height
					? { x: bulb.x + bulb.width / 2, y: middle }
					: undefined;
			}, line);
		const at = await until(`the light bulb on line ${line}`, bulbOnLine, (point) => point !== undefined);
		await this.page.mouse.click(at!.x, at!.y);
		return this.actionTitles();
	}

	/** Opens the code action menu at the cursor with Ctrl+. and returns its titles. */
	async openQuickFixMenu(): Promise<string[]> {
		await this.page.keyboard.press('Control+.');
		return this.actionTitles();
	}

	/**
	 * Picks `title` in the open code action menu with the keyboard, as its items take keyboard focus (a click would need
	 * the mouse to leave the menu's pointer block first).
	 */
	async pickAction(title: string): Promise<void> {
		const menu = this.page.locator('.action-widget');
		await menu.locator('.monaco-list-row.action').first().waitFor();
		const items = await menu
			.locator('.monaco-list-row.action')
			.evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
		if (!items.includes(title)) {
			throw new Error(`"${title}" is not in the quick fix menu: ${JSON.stringify(items)}`);
		}
		for (let i = 0; i < items.length; i++) {
			if ((await menu.locator('.monaco-list-row.action.focused').getAttribute('aria-label')) === title) {
				await this.page.keyboard.press('Enter');
				await menu.waitFor({ state: 'hidden' });
				return;
			}
			await this.page.keyboard.press('ArrowDown');
		}
		throw new Error(`could not focus "${title}" in the quick fix menu`);
	}

	/** The titles in the open code action menu. */
	async actionTitles(): Promise<string[]> {
		const menu = this.page.locator('.action-widget');
		await menu.locator('.monaco-list-row.action').first().waitFor();
		return menu
			.locator('.monaco-list-row.action')
			.evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
	}

	/** Waits for a notification toast whose text matches `text`; returns its text. */
	async notification(text: RegExp | string, timeout = UI_TIMEOUT): Promise<string> {
		const toast = this.page.locator('.notification-toast', { hasText: text }).first();
		await toast.waitFor({ state: 'visible', timeout });
		// Toasts slide in; wait until one stops moving so a screenshot shows it whole.
		let last = '';
		await until(
			'the notification to settle',
			async () => JSON.stringify(await toast.boundingBox()),
			(box) => {
				const settled = box === last;
				last = box;
				return settled;
			},
			timeout,
		);
		return toast.innerText();
	}

	/**
	 * Waits for VS Code's refactor preview (the Refactor Preview panel that a workspace edit needing confirmation
	 * opens), then presses its Apply button and waits for it to close. The selectors were checked against VS Code
	 * 1.100's rename preview. `beforeApply` can screenshot the preview.
	 */
	async applyRefactorPreview(beforeApply?: () => Promise<unknown>): Promise<void> {
		const pane = this.page.locator('.bulk-edit-panel');
		await pane.waitFor({ state: 'visible' });
		await pane.locator('.monaco-list-row').first().waitFor();
		await beforeApply?.();
		await pane.getByRole('button', { name: 'Apply' }).click();
		await pane.waitFor({ state: 'hidden' });
	}

	/** The refactor preview's top-level rows (one per file): their text and whether their checkbox is ticked. */
	async refactorPreviewFiles(): Promise<{ text: string; checked: boolean }[]> {
		const rows = this.page.locator('.bulk-edit-panel .monaco-list-row[aria-level="1"]');
		await rows.first().waitFor();
		return rows.evaluateAll((elements) =>
			elements.map((e) => ({
				text: e.textContent ?? '',
				checked:
					(e.querySelector('input[type="checkbox"]') as unknown as { checked: boolean } | null)?.checked ?? false,
			})),
		);
	}

	/**
	 * Ticks every change in the refactor preview. A file's checkbox shows ticked when any of its changes is, and
	 * clicking it sets all of them: an unticked file takes one click, a ticked one two (all off, then all on).
	 */
	async tickAllInRefactorPreview(): Promise<void> {
		const files = await this.refactorPreviewFiles();
		for (const [index, file] of files.entries()) {
			const box = this.page
				.locator('.bulk-edit-panel .monaco-list-row[aria-level="1"]')
				.nth(index)
				.locator('input[type="checkbox"]');
			for (let clicks = file.checked ? 2 : 1; clicks > 0; clicks--) {
				await box.click();
			}
			await until(
				'the file to be ticked',
				() => box.isChecked(),
				(checked) => checked,
			);
		}
	}

	/** Whether the refactor preview is showing. */
	async refactorPreviewVisible(): Promise<boolean> {
		return this.page.locator('.bulk-edit-panel').isVisible();
	}

	/** The status bar item that shows Restricted Mode (an untrusted workspace). */
	restrictedModeIndicator(): Locator {
		return this.page.locator('.statusbar-item', { hasText: 'Restricted Mode' });
	}

	/** Saves a PNG of the whole window. */
	async screenshot(file: string): Promise<void> {
		await this.page.screenshot({ path: file });
	}
}
