import type { Browser } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, launchBrowser, waitUntil } from './browser';
import { createWorld, type World } from './fixtures';
import { JoinPage } from './pages/join-page';

/** True in the page when the participant list's row for `name` says `state`. */
const rowSays = ([name, state]: [string, string]) =>
  [...document.querySelectorAll('.participants li')].some(
    (li) => li.textContent?.includes(name) && li.textContent.includes(state),
  );

describe('presence, removal and signing out', () => {
  let world: World;
  let customerBrowsers: Browser[] = [];
  const customerBrowser = async () => {
    const browser = await launchBrowser();
    customerBrowsers.push(browser);
    return browser;
  };

  beforeAll(async () => {
    // The shortest grace the broker allows, so "left" comes within the test.
    world = await createWorld({ rep: { mode: 'multi', maxCustomers: 3 }, env: { PRESENCE_GRACE_SECONDS: '10' } });
  });
  afterEach(async () => {
    await Promise.allSettled(customerBrowsers.map((b) => b.close()));
    customerBrowsers = [];
  });
  afterAll(async () => {
    await world?.close();
  });

  it('a customer whose browser closes shows offline at once, then left once the grace period is over', async () => {
    const { panel } = world;
    const { joinUrl } = await panel.startSession();
    const browser = await customerBrowser();
    const ola = await JoinPage.open(browser, joinUrl);
    await ola.join('Ola Offline');
    await waitUntil(panel.page, rowSays, ['Ola Offline', 'connected']);

    const closedAt = Date.now();
    browser.process()?.kill('SIGKILL');
    await waitUntil(panel.page, rowSays, ['Ola Offline', 'offline']);
    console.log(`presence: killed browser shown offline after ${Date.now() - closedAt} ms`);
    await panel.waitForText('left (offline too long)');
    await panel.waitForText('Ola Offline was offline too long and left');
  });

  it('the controller removes a customer: asked first, gone from the session, and their page says so, also after a reload', async () => {
    const { panel } = world;
    const { joinUrl } = await panel.sessionInfo();
    const rex = await JoinPage.open(await customerBrowser(), joinUrl);
    await rex.join('Rex Removed');
    await panel.waitForText('Rex Removed');

    await clickByRole(panel.page, 'button', 'Remove Rex Removed');
    await panel.waitForText('Remove Rex Removed from the session?');
    await panel.page.locator('dialog ::-p-aria([name="Remove"][role="button"])').click();
    await rex.waitForText('You were removed from the session');
    await panel.waitForText('Rex Removed was removed');
    await waitUntil(
      panel.page,
      () => ![...document.querySelectorAll('button')].some((b) => b.getAttribute('aria-label') === 'Remove Rex Removed'),
    );
    await rex.page.reload();
    await rex.waitForText('You were removed from the session');
    expect(await rex.page.$('::-p-aria([name="Your name"])')).toBeNull();
  });

  it('signing out with a live session asks first; ending it ends it for the customer, and every credential of the rep stops working', async () => {
    const { panel, broker } = world;
    const { joinUrl } = await panel.sessionInfo();
    const sue = await JoinPage.open(await customerBrowser(), joinUrl);
    await sue.join('Sue Signout');
    await panel.waitForText('Sue Signout');
    const repToken = await panel.page.evaluate(
      () =>
        new Promise<string>((resolve) => chrome.storage.local.get('auth', (v) => resolve((v.auth as { token: string }).token))),
    );

    await clickByRole(panel.page, 'button', 'Sign out');
    await panel.waitForText('Sign out during a live session?');
    await clickByRole(panel.page, 'button', 'Cancel');
    expect(await panel.page.$('::-p-aria([name="Start session"][role="button"])')).toBeNull(); // still in the sessions

    await clickByRole(panel.page, 'button', 'Sign out');
    await panel.page.locator('dialog ::-p-aria([name="End sessions and sign out"][role="button"])').click();
    await panel.page.locator('::-p-aria([name="Sign in"][role="button"])').wait();
    await sue.waitForText('The session has ended');
    const me = await fetch(`${broker.url}/api/me`, { headers: { authorization: `Bearer ${repToken}` } });
    expect(me.status).toBe(401);
  });
});
