import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, launchBrowser, waitUntil } from './browser';
import { createWorld, type World } from './fixtures';
import { JoinPage } from './pages/join-page';
import { SidePanel } from './pages/side-panel';
import { waitForLiveVideo } from './pages/video';

/** True while the page shows no video of anyone's screen. */
const noVideo = () => document.querySelector('video') === null;

describe('one session, several customers', () => {
  let world: World;
  let more: Browser[];
  let joinUrl: string;
  const customers: Record<string, JoinPage> = {};

  beforeAll(async () => {
    world = await createWorld({ rep: { maxCustomers: 3 } });
    more = await Promise.all([launchBrowser(), launchBrowser(), launchBrowser()]);
    ({ joinUrl } = await world.panel.startSession());
  });
  afterAll(async () => {
    await Promise.allSettled(more.map((b) => b.close()));
    await world?.close();
  });

  it('A shares: the rep and customer B see it, and C who joins mid-share sees it too', async () => {
    customers.A = await JoinPage.open(world.customerBrowser, joinUrl);
    await customers.A.join('Ann Customer');
    customers.B = await JoinPage.open(more[0]!, joinUrl);
    await customers.B.join('Bea Customer');
    await world.panel.waitForText('Bea Customer');

    await customers.A.shareScreen();
    await world.panel.waitForText("Ann Customer's screen");
    await waitForLiveVideo(world.panel.page, 5);
    await customers.B.waitForText("Ann Customer's screen");
    await waitForLiveVideo(customers.B.page, 5);

    customers.C = await JoinPage.open(more[1]!, joinUrl);
    await customers.C.join('Cy Customer');
    await customers.C.waitForText("Ann Customer's screen");
    await waitForLiveVideo(customers.C.page, 5);
    // The participant list says who shares.
    await waitUntil(world.panel.page, () =>
      [...document.querySelectorAll('.participants li')].some(
        (li) => li.textContent?.includes('Ann Customer') && li.textContent.includes('sharing screen'),
      ),
    );
  });

  it('choosing another customer stops the share on every side, and says why', async () => {
    await clickByRole(world.panel.page, 'button', 'Help this customer: Bea Customer');
    await world.panel.waitForText('Screen sharing stopped: Bea Customer is the customer being helped now.');
    await customers.A!.waitForText('Screen sharing stopped: the representative is now helping another customer.');
    await customers.A!.page.locator('::-p-aria([name="Share screen"][role="button"])').wait();
    for (const page of [world.panel.page, customers.B!.page, customers.C!.page]) await waitUntil(page, noVideo);
    // Bea is the one being helped now: her row says so, and the others are offered instead.
    await waitUntil(world.panel.page, () =>
      [...document.querySelectorAll('.participants li')].some(
        (li) => li.textContent?.includes('Bea Customer') && li.textContent.includes('helping now'),
      ),
    );
    expect(await world.panel.page.$('::-p-aria([name="Help this customer: Bea Customer"][role="button"])')).toBeNull();
    await world.panel.page.locator('::-p-aria([name="Help this customer: Ann Customer"][role="button"])').wait();
  });

  it('a customer over the rep’s limit is refused with a clear message; the rep is told', async () => {
    const late = await JoinPage.open(more[2]!, joinUrl);
    await late.page.locator('::-p-aria([name="Your name"])').fill('Dee Customer');
    await clickByRole(late.page, 'button', 'Join');
    await late.waitForText('already helping as many customers as they can');
    await world.panel.waitForText('Dee Customer could not join');
  });

  it('single mode: New session is not offered while the session is live', async () => {
    await world.panel.waitForText('Cy Customer');
    expect(await world.panel.page.$('::-p-aria([name="New session"][role="button"])')).toBeNull();
  });
});

describe('several sessions at once (multi mode)', () => {
  let world: World;
  let second: Browser;

  beforeAll(async () => {
    world = await createWorld({ rep: { mode: 'multi', maxCustomers: 2 } });
    second = await launchBrowser();
  });
  afterAll(async () => {
    await second?.close();
    await world?.close();
  });

  const tab = (panel: SidePanel, name: string) => clickByRole(panel.page, 'tab', name);
  /** The unread badge of the tab about `name` ('0' when there is none); its accessible name then says it too. */
  const unreadOf = (panel: SidePanel, name: string) =>
    panel.page.evaluate((label) => {
      const tab = [...document.querySelectorAll('[role="tab"]')].find(
        (t) => t.querySelector('.tab-label')?.firstChild?.textContent === label,
      );
      return tab?.querySelector('[data-testid="unread"]')?.textContent ?? '0';
    }, name);

  it('two sessions in tabs: chat lands in the right tab, unread counts and clears, media runs across switches and a reload', async () => {
    const { panel } = world;
    const first = await panel.startSession();
    const xavier = await JoinPage.open(world.customerBrowser, first.joinUrl);
    await xavier.join('Xavier');
    await xavier.shareScreen();
    await panel.waitForText("Xavier's screen");

    await clickByRole(panel.page, 'button', 'New session');
    await waitUntil(panel.page, () => document.querySelectorAll('[role="tab"]').length === 2);
    const secondSession = await panel.sessionInfo();
    expect(secondSession.number).not.toBe(first.number);
    const yara = await JoinPage.open(second, secondSession.joinUrl);
    await yara.join('Yara');
    await yara.shareScreen();
    await panel.page.locator('::-p-aria([name="Yara"][role="tab"])').wait();
    await panel.waitForText("Yara's screen");
    await waitForLiveVideo(panel.page, 5);

    // Xavier writes while Yara's tab is shown: his tab counts it, Yara's does not.
    await xavier.sendChat('Still there?');
    await waitUntil(panel.page, () =>
      [...document.querySelectorAll('[role="tab"]')].some(
        (t) => t.textContent?.startsWith('Xavier') && t.querySelector('[data-testid="unread"]')?.textContent === '1',
      ),
    );
    expect(await unreadOf(panel, 'Xavier')).toBe('1');
    expect(await panel.page.evaluate(() => document.body.textContent)).not.toContain('Still there?');

    await tab(panel, 'Xavier (1 unread)');
    await panel.waitForText('Still there?');
    expect(await unreadOf(panel, 'Xavier')).toBe('0');
    await waitForLiveVideo(panel.page, 5); // Xavier's screen kept flowing while his tab was hidden
    await panel.sendChat('Yes, right here', 'Xavier');
    await xavier.waitForText('Yes, right here');
    await tab(panel, 'Yara');
    await waitForLiveVideo(panel.page, 5);
    await yara.page.locator('::-p-aria([name="Stop sharing"][role="button"])').wait();
    await xavier.page.locator('::-p-aria([name="Stop sharing"][role="button"])').wait();

    // A reload brings both tabs back, with their screens.
    await panel.page.reload();
    await panel.page.locator('::-p-aria([name="Xavier"][role="tab"])').wait();
    await panel.page.locator('::-p-aria([name="Yara"][role="tab"])').wait();
    await waitForLiveVideo(panel.page, 5);
    await tab(panel, 'Xavier');
    await panel.waitForText("Xavier's screen");
    await waitForLiveVideo(panel.page, 5);
    await panel.waitForText('Still there?');
  });

  it('max customers 2: the third customer of a session is refused', async () => {
    const { panel } = world;
    await tab(world.panel, 'Xavier');
    const { joinUrl } = await panel.sessionInfo();
    const zed = await JoinPage.open(second, joinUrl);
    await zed.join('Zed');
    const third = await JoinPage.open(await world.customerBrowser.createBrowserContext(), joinUrl);
    await third.page.locator('::-p-aria([name="Your name"])').fill('Quinn');
    await clickByRole(third.page, 'button', 'Join');
    await third.waitForText('already helping as many customers as they can');
    await panel.waitForText('Quinn could not join');
  });
});
