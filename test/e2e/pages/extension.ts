import type { Browser, Page } from 'puppeteer-core';
import { clickByRole, fillByLabel, observe } from '../browser';
import { SidePanel } from './side-panel';

/** The toolbar popup, opened as an extension page. */
export async function openPopup(browser: Browser, extensionId: string): Promise<Page> {
  const popup = observe(await browser.newPage(), 'popup');
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  return popup;
}

/** Signs in from the options page, so no panel is open until the test opens the real one. */
export async function signInFromOptions(browser: Browser, extensionId: string, broker: string, email: string, password: string) {
  const page = observe(await browser.newPage(), 'options');
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  await fillByLabel(page, 'Broker URL', broker);
  await fillByLabel(page, 'Email', email);
  await fillByLabel(page, 'Password', password);
  await clickByRole(page, 'button', 'Sign in');
  await page.locator('::-p-aria([name="Sign out"][role="button"])').wait();
  await page.close();
}

/** Runs `action` (a click that opens Chrome's real side panel) and returns that panel as a page. */
export async function realSidePanelOpenedBy(browser: Browser, action: () => Promise<void>): Promise<SidePanel> {
  const before = new Set(browser.targets());
  const opened = browser.waitForTarget((t) => t.url().endsWith('/sidepanel.html') && !before.has(t));
  await action();
  return new SidePanel(observe((await (await opened).asPage())!, 'real-panel'));
}
