import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { clickByRole, fillByLabel, observe, waitForText } from '../browser';

/** The customer's join page in their own browser. */
export class JoinPage {
  constructor(readonly page: Page) {}

  /** `browser` may be a fresh context (a first-time visitor); `init` runs in the page before its own scripts. */
  static async open(browser: Browser | BrowserContext, url: string, options: { init?: string } = {}): Promise<JoinPage> {
    const page = observe(await browser.newPage(), 'customer');
    if (options.init) await page.evaluateOnNewDocument(options.init);
    await page.goto(url);
    return new JoinPage(page);
  }

  async join(name: string): Promise<void> {
    await fillByLabel(this.page, 'Your name', name);
    await clickByRole(this.page, 'button', 'Join');
    await this.page.locator('::-p-aria([name="Share screen"][role="button"])').wait();
  }

  /** On the support site: asks to join the session with this number, as `name`. */
  async knock(sessionNumber: string, name: string): Promise<void> {
    await fillByLabel(this.page, 'Session number', sessionNumber);
    await fillByLabel(this.page, 'Your name', name);
    await clickByRole(this.page, 'button', 'Join');
  }

  async sendChat(text: string): Promise<void> {
    await fillByLabel(this.page, 'Message', text);
    await clickByRole(this.page, 'button', 'Send');
  }

  shareScreen(): Promise<void> {
    return clickByRole(this.page, 'button', 'Share screen');
  }

  stopSharing(): Promise<void> {
    return clickByRole(this.page, 'button', 'Stop sharing');
  }

  waitForText(text: string): Promise<void> {
    return waitForText(this.page, text);
  }
}
