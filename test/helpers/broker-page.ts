import type { Browser, BrowserContext, Page } from 'puppeteer-core';

/**
 * A blank page of the broker's own origin (Chromium blocks other origins from reaching 127.0.0.1), with its
 * CSP lifted so a test can inject scripts: PeerJS's build, or a bundle of our own peer layer.
 */
export async function openBrokerPage(browser: Browser | BrowserContext, brokerUrl: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setBypassCSP(true);
  await page.goto(`${brokerUrl}/api/capabilities`);
  return page;
}
