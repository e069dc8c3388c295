import type { Page } from 'puppeteer-core';
import { clickByRole, fillByLabel, waitForText, type RepBrowser } from '../browser';
import { sessionHostPage } from './session-host';

/** The rep's side panel, opened as an extension page (how tests reach the panel's document). */
export class SidePanel {
  constructor(
    readonly page: Page,
    /** Chrome: the session host (offscreen document) where the rep's calls live; absent in Firefox. */
    readonly host?: Page,
  ) {}

  /**
   * `init` runs in the page before its own scripts, on every (re)load, and (Chrome) once in the session
   * host, made first so it runs there before any session does.
   */
  static async open(rep: RepBrowser, options: { init?: string } = {}): Promise<SidePanel> {
    const host = rep.origin.startsWith('chrome-extension:') ? await sessionHostPage(rep, options.init) : undefined;
    return new SidePanel(await rep.openPage('sidepanel.html', options), host);
  }

  async signIn(brokerUrl: string, email: string, password: string): Promise<void> {
    await fillByLabel(this.page, 'Server address', brokerUrl);
    await fillByLabel(this.page, 'Email', email);
    await fillByLabel(this.page, 'Password', password);
    await clickByRole(this.page, 'button', 'Sign in');
    // Signed in: the start screen, or the live sessions it resumes.
    await this.page.locator('::-p-aria([name="Sign out"][role="button"])').wait();
  }

  /** Starts a session; returns the number as shown (grouped) and the customer link. */
  async startSession(): Promise<{ number: string; joinUrl: string }> {
    await clickByRole(this.page, 'button', 'Start session');
    return this.sessionInfo();
  }

  async sessionInfo(): Promise<{ number: string; joinUrl: string }> {
    const number = await this.page
      .locator('[data-testid="session-number"]')
      .map((el) => el.textContent ?? '')
      .wait();
    const joinUrl = await this.page
      .locator('[data-testid="join-url"]')
      .map((el) => el.textContent ?? '')
      .wait();
    return { number, joinUrl };
  }

  /** Writes in the conversation with `to` (a customer's name, or 'everyone'). */
  async sendChat(text: string, to: string): Promise<void> {
    await fillByLabel(this.page, to === 'everyone' ? 'Message to everyone' : `Message to ${to}`, text);
    await this.page.keyboard.press('Enter');
  }

  /** Transfer session ▾ → Pass control → the colleague, as a rep would click it. */
  async passControl(to: string): Promise<void> {
    await clickByRole(this.page, 'button', 'Transfer session');
    await clickByRole(this.page, 'menuitem', 'Pass control');
    await clickByRole(this.page, 'button', `Pass control to ${to}`);
  }

  /** The messages the conversation shows now (newest window), oldest first: author, text, and any note after the time. */
  chatLines(): Promise<{ author: string; text: string; meta: string }[]> {
    return this.page.$$eval('.chat-log li:not(.system)', (items) =>
      items.map((li) => {
        const meta = li.querySelector('.chat-meta')?.textContent ?? '';
        return { author: meta.split(' · ')[0] ?? '', text: li.querySelector('[dir="auto"]')?.textContent ?? '', meta };
      }),
    );
  }

  waitForText(text: string): Promise<void> {
    return waitForText(this.page, text);
  }

  async endSession(): Promise<void> {
    await clickByRole(this.page, 'button', 'End session');
    // The confirmation dialog has its own "End session" button.
    await this.page.locator('dialog ::-p-aria([name="End session"][role="button"])').click();
  }

  /** From an ended session back to the start screen. */
  async back(): Promise<void> {
    await clickByRole(this.page, 'button', 'Back');
    await this.page.locator('::-p-aria([name="Start session"][role="button"])').wait();
  }
}
