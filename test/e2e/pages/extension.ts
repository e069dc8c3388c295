import type { Browser, Page } from 'puppeteer-core';
import { clickByRole, fillByLabel, observe, type RepBrowser } from '../browser';
import { SidePanel } from './side-panel';

/** The toolbar popup, opened as an extension page. */
export function openPopup(rep: RepBrowser): Promise<Page> {
  return rep.openPage('popup.html');
}

/** Signs in from the options page, so no panel is open until the test opens the real one. */
export async function signInFromOptions(rep: RepBrowser, broker: string, email: string, password: string) {
  const page = await rep.openPage('options.html');
  await fillByLabel(page, 'Server address', broker);
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

/** The popup's Assist in a session, by number: returns the real side panel it opens. */
export async function assistByNumber(rep: RepBrowser, number: string): Promise<SidePanel> {
  const popup = await openPopup(rep);
  await fillByLabel(popup, 'Session number', number);
  const panel = await realSidePanelOpenedBy(rep.browser, () => clickByRole(popup, 'button', 'Assist'));
  await popup.close().catch(() => undefined); // the popup closes itself on Assist
  return panel;
}
