import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateRep } from '../../broker/reps';
import { clickByRole, launchBrowser, waitForText, waitUntil } from './browser';
import { openPopup } from './pages/extension';
import { createWorld, REP, type World } from './fixtures';
import { JoinPage } from './pages/join-page';
import { waitForLiveVideo } from './pages/video';
import { checkScreen, PHONE, SIDE_PANEL } from './screens';

/** Where the parts of the console are on the page, in CSS pixels. */
function layout(page: Page) {
  return page.evaluate(() => {
    const box = (el: Element | null) => (el ? el.getBoundingClientRect().toJSON() : null) as DOMRect | null;
    const lines = (selector: string) =>
      [...document.querySelectorAll(selector)].map((el) => ({
        text: el.textContent,
        rects: el.getClientRects().length,
        height: el.getBoundingClientRect().height,
      }));
    return {
      viewport: window.innerHeight,
      pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1,
      header: box(document.querySelector('.session-header')),
      video: box(document.querySelector('video')),
      places: box(document.querySelector('[data-testid="places"]')),
      composer: box(document.querySelector('.chat-form textarea')),
      send: box(document.querySelector('.chat-form button')),
      badges: lines('.participants .badge'),
      names: lines('.participants .name'),
      rows: [...document.querySelectorAll('.participants li')].map((li) => li.getBoundingClientRect().height),
    };
  });
}

describe('the rep console at side-panel size, the customer on a phone', () => {
  let world: World;
  let more: Browser;
  let casey: JoinPage;
  let casey2: JoinPage;

  beforeAll(async () => {
    world = await createWorld({ rep: { maxCustomers: 3 } });
    more = await launchBrowser();
    await world.panel.page.setViewport(SIDE_PANEL);
  });
  afterAll(async () => {
    await more?.close();
    await world?.close();
  });

  it('the start screen and a live session with nobody yet: header, number, timer; no New session in single mode', async () => {
    const { panel } = world;
    await checkScreen(panel.page, 'panel-start');
    await panel.startSession();
    await panel.waitForText('Waiting for the customer to join');
    await panel.waitForText('No customer yet');
    await panel.page.locator('::-p-aria([role="timer"])').wait();
    // Single mode: a second session cannot work while this one is live, so it is not offered.
    expect(await panel.page.$('::-p-aria([name="New session"][role="button"])')).toBeNull();
    await checkScreen(panel.page, 'panel-waiting');
  });

  it('two customers with one name are told apart; choosing whom to help is an explicit, explained control', async () => {
    const { panel } = world;
    const { joinUrl } = await panel.sessionInfo();
    casey = await JoinPage.open(world.customerBrowser, joinUrl);
    await casey.page.setViewport(PHONE);
    await casey.join('Casey Customer');
    casey2 = await JoinPage.open(more, joinUrl);
    await casey2.join('Casey Customer');
    await panel.waitForText('Casey Customer (2)');
    await panel.waitForText('turns to them: screen sharing stops for everyone');
    // The first to join is being helped: only the other is offered.
    expect(await panel.page.$('::-p-aria([name="Help this customer: Casey Customer"][role="button"])')).toBeNull();
    await panel.page.locator('::-p-aria([name="Help this customer: Casey Customer (2)"][role="button"])').wait();
    // The header names whom the session is about.
    expect(await panel.page.$eval('.session-header h1', (h) => h.textContent)).toBe('Casey Customer');
    await checkScreen(casey.page, 'customer-session-phone');
  });

  it('with a screen shown the message box is on screen, below the screen, with no page scroll and no wrapped badges', async () => {
    const { panel } = world;
    await casey.shareScreen();
    await waitForLiveVideo(panel.page, 5);
    await waitUntil(panel.page, () => document.querySelectorAll('.participants .dot.connected').length === 3);
    const at = await layout(panel.page);
    expect(at.pageScrolls).toBe(false);
    expect(at.video!.top).toBeGreaterThanOrEqual(at.header!.bottom - 1);
    expect(at.places!.top).toBeGreaterThanOrEqual(at.video!.bottom - 1);
    expect(at.composer!.top).toBeGreaterThanOrEqual(at.places!.bottom - 1);
    expect(at.composer!.bottom).toBeLessThanOrEqual(at.viewport);
    expect(at.send!.bottom).toBeLessThanOrEqual(at.viewport);
    // Every badge and every name is on one line.
    for (const item of [...at.badges, ...at.names]) expect(item.rects, item.text ?? '').toBe(1);
    for (const badge of at.badges) expect(badge.height, badge.text ?? '').toBeLessThan(26);
    // The rep types while watching: the box takes the text without scrolling anything.
    await panel.sendChat('I can see your screen now', 'Casey Customer');
    await casey.waitForText('I can see your screen now');
    expect((await layout(panel.page)).pageScrolls).toBe(false);
    await checkScreen(panel.page, 'panel-screen-shared');
  });

  it('the end confirmation speaks of the people there; Help this customer turns to the other Casey', async () => {
    const { panel } = world;
    await clickByRole(panel.page, 'button', 'End session');
    await panel.waitForText('All 2 customers are disconnected and the customer link stops working.');
    await checkScreen(panel.page, 'panel-end-confirm');
    await clickByRole(panel.page, 'button', 'Cancel');

    await clickByRole(panel.page, 'button', 'Help this customer: Casey Customer (2)');
    await waitUntil(panel.page, () => document.querySelector('.session-header h1')?.textContent === 'Casey Customer (2)');
    await waitUntil(panel.page, () => document.querySelector('video') === null);
    await panel.page.locator('::-p-aria([name="Help this customer: Casey Customer"][role="button"])').wait();
    await panel.page.locator('::-p-aria([name="Message to Casey Customer (2)"])').wait();
  });
});

describe('session tabs at side-panel size (multi mode)', () => {
  let world: World;
  const browsers: Browser[] = [];

  beforeAll(async () => {
    world = await createWorld({ rep: { mode: 'single', maxCustomers: 2 } });
    await world.panel.page.setViewport(SIDE_PANEL);
  });
  afterAll(async () => {
    await Promise.allSettled(browsers.map((b) => b.close()));
    await world?.close();
  });

  it('multi mode set by an admin takes effect without signing in again', async () => {
    const { panel } = world;
    await panel.startSession();
    expect(await panel.page.$('::-p-aria([name="New session"][role="button"])')).toBeNull();
    updateRep(world.broker.store, REP.email, { mode: 'multi' });
    // The panel reads the account again when it comes back into view (and every half minute).
    await panel.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await panel.page.locator('::-p-aria([name="New session"][role="button"])').wait();
  });

  it('four sessions: the tabs stay on one line and scroll; a tab with news says how much in its name', async () => {
    const { panel } = world;
    const names = ['Alexandra Longname', 'Bartholomew Customer', 'Cassandra Example', 'Dmitri Tester'];
    for (const [index, name] of names.entries()) {
      if (index > 0) {
        await clickByRole(panel.page, 'button', 'New session');
        await waitUntil(panel.page, (n) => document.querySelectorAll('[role="tab"]').length === n, index + 1);
      }
      const { joinUrl } = await panel.sessionInfo();
      const browser = await launchBrowser();
      browsers.push(browser);
      const customer = await JoinPage.open(browser, joinUrl);
      await customer.join(name);
      await panel.page.locator(`::-p-aria([name="${name}"][role="tab"])`).wait();
      if (index === 0) (world as unknown as { first: JoinPage }).first = customer;
    }
    const tabs = await panel.page.$$eval('[role="tab"]', (all) => all.map((t) => t.getBoundingClientRect().top));
    expect(new Set(tabs).size).toBe(1);
    expect(await panel.page.$eval('[role="tablist"]', (l) => l.scrollWidth > l.clientWidth)).toBe(true);
    expect(await panel.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    const first = (world as unknown as { first: JoinPage }).first;
    await first.sendChat('Are you still there?');
    await panel.page.locator('::-p-aria([name="Alexandra Longname (1 unread)"][role="tab"])').wait();
    await checkScreen(panel.page, 'panel-tabs');
    await clickByRole(panel.page, 'tab', 'Alexandra Longname (1 unread)');
    await panel.waitForText('Are you still there?');
    await panel.page.locator('::-p-aria([name="Alexandra Longname"][role="tab"])').wait();
  });

  it('the popup, the options page and the sign-in form pass the scan; the server address is explained', async () => {
    const popup = await openPopup(world.rep);
    await popup.locator('::-p-aria([name="Copy colleague link"][role="button"])').wait();
    await checkScreen(popup, 'popup');
    await popup.close();

    const options = await world.rep.openPage('options.html');
    await waitForText(options, `Signed in as ${REP.name}`);
    await checkScreen(options, 'options-signed-in');
    await clickByRole(options, 'button', 'Sign out');
    const field = options.locator('::-p-aria([name="Server address"][role="textbox"])');
    await field.wait();
    // The hint is part of the field for a screen reader, and names an example and where to find the address.
    const hint = await options.$eval(
      '#broker-url',
      (el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent,
    );
    expect(hint).toContain('https://support.example.com');
    expect(hint).toContain('In the extension, sign in to');
    await checkScreen(options, 'options-sign-in');
    await world.panel.page.bringToFront();
    await world.panel.page.locator('::-p-aria([name="Sign in"][role="button"])').wait();
    await checkScreen(world.panel.page, 'panel-sign-in');
  });
});
