import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/chrome-mv3');

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
];

function assertChromium(): void {
  if (!existsSync(CHROME_PATH)) {
    throw new Error(`Chromium not found at ${CHROME_PATH}: install it with "apt-get install -y chromium" or set CHROME_PATH.`);
  }
}

/** A customer's browser: no extension, fake screen and camera. */
export async function launchBrowser(): Promise<Browser> {
  assertChromium();
  return puppeteer.launch({ executablePath: CHROME_PATH, headless: true, pipe: true, args: ARGS });
}

/**
 * A browser with the built extension in it, whichever browser it is: tests open the extension's pages
 * (the side panel's document, the popup, options) as tabs through it.
 */
export interface RepBrowser {
  browser: Browser;
  /** Where the extension's pages live: chrome-extension://<id> or moz-extension://<uuid>. */
  origin: string;
  /** Opens one of the extension's pages (e.g. "sidepanel.html") in a new tab; `init` runs before its scripts. */
  openPage(file: string, options?: { init?: string }): Promise<Page>;
  /** Reloads an extension page and waits until it has loaded. */
  reload(page: Page): Promise<void>;
}

/** A rep's Chromium with the built extension loaded; returns the extension id too. */
export async function launchRepBrowser(): Promise<RepBrowser & { extensionId: string }> {
  assertChromium();
  if (!existsSync(resolve(EXTENSION_DIR, 'manifest.json')))
    throw new Error(`Extension not built at ${EXTENSION_DIR}: run npm run build`);
  const browser = await puppeteer.launch({
    executablePath: CHROME_PATH,
    headless: true,
    pipe: true,
    enableExtensions: [EXTENSION_DIR],
    args: ARGS,
  });
  const worker = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'));
  const extensionId = new URL(worker.url()).host;
  const origin = `chrome-extension://${extensionId}`;
  return {
    browser,
    extensionId,
    origin,
    async openPage(file, options = {}) {
      const page = observe(await browser.newPage(), file.replace(/\.html.*$/, ''));
      if (options.init) await page.evaluateOnNewDocument(options.init);
      await page.goto(`${origin}/${file}`);
      return page;
    },
    async reload(page) {
      await page.reload();
    },
  };
}

/** Clicks the control a person would: by role and accessible name. */
export async function clickByRole(page: Page, role: string, name: string): Promise<void> {
  await page.bringToFront(); // locators poll on animation frames, which background tabs do not get
  await page.locator(`::-p-aria([name="${name}"][role="${role}"])`).click();
}

/**
 * Fills the field a person finds by its label. Firefox's accessibility query also matches the <label>
 * that names a field (and returns it first), so a label stands for the control it labels.
 */
export async function fillByLabel(page: Page, label: string, value: string): Promise<void> {
  await page.bringToFront();
  const field = page
    .locator(`::-p-aria([name="${label}"])`)
    .map((el) => (el instanceof HTMLLabelElement && el.control ? el.control : el) as HTMLElement);
  await field.fill(value);
}

/** Waits until `text` is visible somewhere on the page. */
export async function waitForText(page: Page, text: string): Promise<void> {
  await page.waitForFunction((t) => document.body.textContent?.includes(t) ?? false, { polling: 50 }, text);
}

/** Waits until a condition in the page holds (polling, since rAF stalls in background tabs). */
export async function waitUntil<T>(page: Page, fn: (arg: T) => boolean, arg?: T): Promise<void> {
  await page.waitForFunction(fn as never, { polling: 50 }, arg);
}

/** With E2E_DEBUG=file, a page's console and errors are appended to that file, labelled, to find why a test failed. */
export function observe(page: Page, label: string): Page {
  const file = process.env.E2E_DEBUG;
  if (file) {
    page.on('console', (m) => appendFileSync(file, `[${label}] ${m.type()}: ${m.text()}\n`));
    page.on('pageerror', (e) => appendFileSync(file, `[${label}] pageerror: ${(e as Error).message}\n`));
  }
  return page;
}

/** Where tests save screenshots of the main screens for people to review (not committed). */
export const SCREENS_DIR = resolve(import.meta.dirname, 'screens');

/**
 * Saves a screenshot at a person's screen size: the side panel (400×900) or a phone (390×844), so what
 * a rep or a customer sees can be judged without running anything.
 */
export async function saveScreen(page: Page, name: string, size: 'panel' | 'phone' = 'panel'): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await page.bringToFront();
  await page.setViewport(
    size === 'panel' ? { width: 400, height: 900 } : { width: 390, height: 844, isMobile: true, hasTouch: true },
  );
  await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`) as `${string}.png` });
}
