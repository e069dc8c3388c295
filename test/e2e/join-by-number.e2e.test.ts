import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, fillByLabel, waitUntil } from './browser';
import { createWorld, REP, type World } from './fixtures';
import { JoinPage } from './pages/join-page';

const KNOCK_TTL_SECONDS = 120;

describe('joining by number on the support site', () => {
  let world: World;
  let clock = Date.now();
  let number: string;

  beforeAll(async () => {
    world = await createWorld({
      now: () => clock,
      waitSweepIntervalMs: 100,
      env: { KNOCK_TTL_SECONDS: String(KNOCK_TTL_SECONDS), JOIN_BY_NUMBER_LIMIT: '8' },
    });
    ({ number } = await world.panel.startSession());
  });
  afterAll(() => world?.close());

  async function knock(name: string, sessionNumber = number): Promise<JoinPage> {
    const customer = await JoinPage.open(world.customerBrowser, `${world.broker.url}/`);
    await customer.knock(sessionNumber, name);
    return customer;
  }

  it('the customer waits; the rep admits them from a notice; a notification shows while the panel is not focused', async () => {
    // Another tab in front: the panel is not focused when the knock arrives.
    const elsewhere = await world.repBrowser.newPage();
    await elsewhere.bringToFront();
    const customer = await knock('Dana Customer');
    await customer.waitForText('Waiting for the representative to let you in');
    const { panel } = world;
    await panel.waitForText('Dana Customer wants to join');
    // The customer's page had focus, not the panel: a desktop notification with Admit and Decline.
    await panel.page.waitForFunction(
      async () => Object.keys(await chrome.notifications.getAll()).some((id) => id.startsWith('knock:')),
      { polling: 50 },
    );

    await elsewhere.close();
    await clickByRole(panel.page, 'button', 'Admit');
    await customer.waitForText(`You are connected with ${REP.name}`);
    await waitUntil(panel.page, () => document.querySelectorAll('.participants .dot.connected').length === 2);
    expect(await panel.page.$('::-p-aria([name="Admit"][role="button"])')).toBeNull();

    // A refresh keeps the customer in the session as the same participant.
    await customer.page.reload();
    await customer.waitForText(`You are connected with ${REP.name}`);
    await customer.sendChat('Thanks for letting me in');
    await panel.waitForText('Thanks for letting me in');
    await clickByRole(customer.page, 'button', 'Leave');
    await customer.page.locator('dialog ::-p-aria([name="Leave"][role="button"])').click();
    await customer.waitForText('You left the session');
    await customer.page.close();
  });

  it('a declined customer is told so; a refresh while waiting keeps waiting', async () => {
    const customer = await knock('Eve Customer');
    await customer.waitForText('Waiting for the representative to let you in');
    await customer.page.reload();
    await customer.waitForText('Waiting for the representative to let you in');
    await world.panel.waitForText('Eve Customer wants to join');
    await clickByRole(world.panel.page, 'button', 'Decline');
    await customer.waitForText('The representative declined your request');
    await customer.page.close();
  });

  it('a wait that nobody answers expires on both sides', async () => {
    const customer = await knock('Fay Customer');
    await world.panel.waitForText('Fay Customer wants to join');
    clock += (KNOCK_TTL_SECONDS + 1) * 1000;
    await customer.waitForText('Nobody let you in in time');
    await waitUntil(world.panel.page, () => !document.body.textContent?.includes('Fay Customer wants to join'));
    await clickByRole(customer.page, 'button', 'Try again');
    await customer.page.locator('::-p-aria([name="Session number"])').wait();
    await customer.page.close();
  });

  it('an ended session’s number admits no one', async () => {
    await world.panel.endSession();
    const customer = await knock('Gus Customer');
    await customer.waitForText('There is no session with this number right now');
    await customer.page.close();
  });

  it('a burst of wrong numbers is slowed down with "Too many attempts"', async () => {
    const customer = await knock('Hal Guesser', '100000001');
    let message = '';
    for (let n = 2; n <= 12 && !message.includes('Too many attempts'); n++) {
      await fillByLabel(customer.page, 'Session number', String(100000000 + n));
      await clickByRole(customer.page, 'button', 'Join');
      await customer.page.waitForFunction(() => document.querySelector('[role="alert"]') !== null, { polling: 50 });
      await customer.page.waitForFunction(() => !document.querySelector('button[type="submit"]')?.hasAttribute('disabled'), {
        polling: 50,
      });
      message = await customer.page.$eval('[role="alert"]', (el) => el.textContent ?? '');
    }
    expect(message).toMatch(/Too many attempts to join from your network\. Try again in \d+ s\./);
    await customer.page.close();
  });
});
