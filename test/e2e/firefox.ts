import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import puppeteer, { type Page } from 'puppeteer-core';
import type { RepBrowser } from './browser';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const FIREFOX_EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/firefox-mv2');

/** The add-on id the Firefox build carries (wxt.config.ts), read from the built manifest. */
function addonId(): string {
  const manifest = resolve(FIREFOX_EXTENSION_DIR, 'manifest.json');
  if (!existsSync(manifest)) throw new Error(`Extension not built at ${FIREFOX_EXTENSION_DIR}: run npm run build`);
  const id = JSON.parse(readFileSync(manifest, 'utf8'))?.browser_specific_settings?.gecko?.id;
  if (typeof id !== 'string') throw new Error(`${manifest} has no browser_specific_settings.gecko.id`);
  return id;
}

/**
 * Firefox's WebDriver BiDi sends no load events for extension documents (its remote agent skips them), so
 * page.goto and page.reload never resolve there; the browsing context's own navigate/reload commands
 * answer once the page has loaded. (Puppeteer's internal API, present in 24.x.)
 */
interface BidiContext {
  navigate(url: string, wait: 'complete'): Promise<void>;
  reload(options: { wait: 'complete' }): Promise<void>;
}
const bidiContext = (page: Page) => (page.mainFrame() as unknown as { browsingContext: BidiContext }).browsingContext;

/**
 * Firefox ESR with the built extension installed as a temporary add-on, its pages at a moz-extension://
 * UUID chosen here. Headless unless given an X `display` (sharing a screen needs one). Usable as a
 * customer's browser too: web pages behave as anywhere else.
 */
export async function launchFirefox(options: { display?: string } = {}): Promise<RepBrowser> {
  if (!existsSync(FIREFOX_PATH))
    throw new Error(
      `Firefox not found at ${FIREFOX_PATH}: install it with "apt-get install -y firefox-esr" or set FIREFOX_PATH.`,
    );
  const id = addonId();
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: !options.display,
    env: { ...process.env, ...(options.display ? { DISPLAY: options.display } : {}) },
    // Without it Firefox refuses to navigate a tab to moz-extension:// over BiDi.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [id]: uuid }),
      'media.navigator.streams.fake': true, // a synthetic camera and microphone
      'media.navigator.permission.disabled': true, // no prompts; getDisplayMedia takes the whole (virtual) screen
      // Firefox's own notification popups: the desktop's (D-Bus) service is absent here and closes them at once.
      'alerts.useSystemBackend': false,
    },
  });
  try {
    await browser.installExtension(FIREFOX_EXTENSION_DIR);
  } catch (error) {
    await browser.close();
    throw error;
  }
  const origin = `moz-extension://${uuid}`;
  return {
    browser,
    origin,
    async openPage(file, pageOptions = {}) {
      // Firefox runs no preload scripts in extension documents either.
      if (pageOptions.init) throw new Error('Firefox cannot run an init script in an extension page');
      const page = await browser.newPage();
      await bidiContext(page).navigate(`${origin}/${file}`, 'complete');
      return page;
    },
    reload: (page) => bidiContext(page).reload({ wait: 'complete' }),
  };
}
