import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, fillByLabel, launchBrowser, launchRepBrowser, waitUntil, type RepBrowser } from './browser';
import { createWorld, REP, type World } from './fixtures';
import { openPopup, realSidePanelOpenedBy, signInFromOptions } from './pages/extension';
import { JoinPage } from './pages/join-page';
import type { SidePanel } from './pages/side-panel';
import { waitForLiveVideo } from './pages/video';

const COLLEAGUE = { email: 'bob@example.com', name: 'Bob Colleague', password: 'bob has a long password' };
const noVideo = () => document.querySelector('video') === null;
const hasButton = async (page: Page, name: string) => (await page.$(`::-p-aria([name="${name}"][role="button"])`)) !== null;

describe('passing control to an assisting rep and back', () => {
  let world: World;
  let colleague: Browser;
  let colleagueRep: RepBrowser;
  let second: Browser;
  let bob: SidePanel;
  let ann: JoinPage;
  let bea: JoinPage;
  let session: { number: string; joinUrl: string };
  let sessionId: string;
  /** POSTs as Rita (a token of her own, as another tab of hers would have) and answers the status. */
  let asRita: (path: string, body?: unknown) => Promise<number>;

  beforeAll(async () => {
    world = await createWorld({ rep: { maxCustomers: 4 } });
    // Bob works in multi-session mode: his panel has session tabs, each shown one with its own menu.
    await world.broker.addRep({ ...COLLEAGUE, mode: 'multi', maxCustomers: 4 });
    [colleagueRep, second] = await Promise.all([launchRepBrowser(), launchBrowser()]);
    colleague = colleagueRep.browser;
    await signInFromOptions(colleagueRep, world.broker.url, COLLEAGUE.email, COLLEAGUE.password);
    session = await world.panel.startSession();

    const token = await world.broker.login(REP.email, REP.password);
    asRita = (path, body = {}) =>
      fetch(world.broker.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    const listed = (await (
      await fetch(`${world.broker.url}/api/sessions`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      sessions: { id: string }[];
    };
    sessionId = listed.sessions[0]!.id;
  });
  afterAll(async () => {
    await Promise.allSettled([colleague?.close(), second?.close()]);
    await world?.close();
  });

  it('with nobody assisting, Pass control says how to get a colleague in (by keyboard alone)', async () => {
    const { page } = world.panel;
    await page.focus('::-p-aria([name="Transfer session"][role="button"])');
    await page.keyboard.press('Enter'); // opens the menu on its first item
    await waitUntil(page, () => document.activeElement?.getAttribute('role') === 'menuitem');
    await page.keyboard.press('Escape'); // closes it and gives focus back
    await waitUntil(page, () => document.activeElement?.getAttribute('aria-haspopup') === 'menu');
    await page.keyboard.press('ArrowDown');
    await waitUntil(page, () => document.activeElement?.textContent === 'Pass control');
    await page.keyboard.press('Enter');
    await world.panel.waitForText('No colleague is assisting in this session yet.');
    await waitUntil(page, () => document.querySelector('dialog')?.open === true);
    await page.keyboard.press('Escape'); // the dialog closes
    await waitUntil(page, () => document.querySelector('dialog') === null);
  });

  it('Rita passes control while a customer shares: the share stops everywhere with the reason', async () => {
    ann = await JoinPage.open(world.customerBrowser, session.joinUrl);
    await ann.join('Ann Customer');
    bea = await JoinPage.open(second, session.joinUrl);
    await bea.join('Bea Customer');
    const popup = await openPopup(colleagueRep);
    await fillByLabel(popup, 'Session number', session.number);
    bob = await realSidePanelOpenedBy(colleague, () => clickByRole(popup, 'button', 'Assist'));
    await bob.waitForText('Rita Rep controls this session.');
    await popup.close().catch(() => undefined); // the popup closes itself on Assist

    await ann.shareScreen();
    for (const page of [world.panel.page, bob.page, bea.page]) await waitForLiveVideo(page, 3);

    await world.panel.passControl(COLLEAGUE.name);
    const why = 'Screen sharing stopped because control passed to Bob Colleague.';
    for (const page of [world.panel, bob, ann, bea]) {
      await page.waitForText(why);
      await page.waitForText('Rita Rep passed control to Bob Colleague');
      await waitUntil(page.page, noVideo);
    }
    // The customers' page names the rep now in control.
    await ann.waitForText('You are connected with Bob Colleague');
    // The conversation is kept: the former controller goes on chatting.
    await world.panel.sendChat('I am still here to watch', 'Ann Customer');
    await ann.waitForText('I am still here to watch');
  });

  it('the panels swap: Bob gains the controller’s actions, Rita keeps Leave and her calls are refused', async () => {
    await world.panel.waitForText('Bob Colleague controls this session.');
    await world.panel.page.locator('::-p-aria([name="Leave session"][role="button"])').wait();
    for (const name of ['End session', 'Transfer session', 'Revoke invitations', 'Remove Ann Customer']) {
      expect(await hasButton(world.panel.page, name)).toBe(false);
    }
    await bob.page.locator('::-p-aria([name="End session"][role="button"])').wait();
    await bob.page.locator('::-p-aria([name="Transfer session"][role="button"])').wait();
    await bob.page.locator('[data-testid="join-url"]').wait();
    expect(await hasButton(bob.page, 'Leave session')).toBe(false);

    await bob.page.locator('::-p-aria([name="Help this customer: Bea Customer"][role="button"])').wait(); // choosing a customer
    for (const [path, body] of [
      [`/api/sessions/${sessionId}/end`, {}],
      [`/api/sessions/${sessionId}/control`, { participantId: 'pAAAAAAAAAAAAAAAAAAAAAA' }],
      [`/api/sessions/${sessionId}/invites/revoke`, {}],
      [`/api/sessions/${sessionId}/invites`, { role: 'customer', send: 'none' }],
    ] as const) {
      expect(await asRita(path, body), path).toBe(403);
    }
  });

  it('nothing is lost over panel reloads and a broker restart', async () => {
    await Promise.all([world.panel.page.reload(), bob.page.reload()]);
    await world.broker.stop();
    await world.broker.start();
    await world.panel.waitForText('Bob Colleague controls this session.');
    await world.panel.waitForText('Rita Rep passed control to Bob Colleague');
    await bob.page.locator('::-p-aria([name="End session"][role="button"])').wait();
    await bob.waitForText('Rita Rep passed control to Bob Colleague');
    await waitUntil(bob.page, () => !document.body.textContent?.includes('Reconnecting…'));
  });

  it('Bob chooses the active customer and admits a knock', async () => {
    await clickByRole(bob.page, 'button', 'Help this customer: Bea Customer');
    await bea.page.locator('::-p-aria([name="Share screen"][role="button"])').wait();
    await waitUntil(bea.page, () => !document.querySelector<HTMLButtonElement>('button.primary')?.disabled);
    await bea.shareScreen();
    await waitForLiveVideo(bob.page, 3);
    await waitForLiveVideo(world.panel.page, 3); // the former controller still watches

    const dana = await JoinPage.open(world.customerBrowser, `${world.broker.url}/`);
    await fillByLabel(dana.page, 'Session number', session.number);
    await fillByLabel(dana.page, 'Your name', 'Dana Customer');
    await clickByRole(dana.page, 'button', 'Join');
    await bob.waitForText('Dana Customer wants to join');
    expect(await hasButton(world.panel.page, 'Admit')).toBe(false);
    await clickByRole(bob.page, 'button', 'Admit');
    await dana.waitForText('You are connected with Bob Colleague');
  });

  it('Bob passes control back; Rita ends the session for everyone', async () => {
    // From the session tab's menu this time (multi-session mode), the same actions as the Session place.
    await clickByRole(bob.page, 'button', 'Session actions: Bea Customer');
    await clickByRole(bob.page, 'menuitem', 'Pass control');
    await clickByRole(bob.page, 'button', `Pass control to ${REP.name}`);
    await world.panel.waitForText('Bob Colleague passed control to Rita Rep');
    await bob.waitForText('Rita Rep controls this session.');
    await world.panel.waitForText('Screen sharing stopped because control passed to Rita Rep.');
    await world.panel.endSession();
    await ann.waitForText('The session has ended');
    await bea.waitForText('The session has ended');
    await bob.waitForText('The session has ended');
  });
});
