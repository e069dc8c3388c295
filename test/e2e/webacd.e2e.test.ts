import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addQueue } from '../../broker/acd/queues';
import { clickByRole, fillByLabel, launchBrowser, launchRepBrowser, saveScreen, waitUntil, type RepBrowser } from './browser';
import { createWorld, type World } from './fixtures';
import { JoinPage } from './pages/join-page';
import { SidePanel } from './pages/side-panel';

// WebACD (issue 12): three reps in three browsers and customers in a fourth, a real broker, real WebRTC.
const BOB = { email: 'bob@example.com', name: 'Bob Billing', password: 'bob has a long password' };
const CLEO = { email: 'cleo@example.com', name: 'Cleo Billing', password: 'cleo has a long password' };

/** Transfer session ▾ → Transfer to agents or a queue, as a rep clicks it. */
async function openTransferDialog(panel: SidePanel): Promise<void> {
  await clickByRole(panel.page, 'button', 'Transfer session');
  await clickByRole(panel.page, 'menuitem', 'Transfer to agents or a queue');
  await waitUntil(panel.page, () => document.querySelector('dialog')?.open === true);
}

/** The Agents tab, the agent (listed as available), Transfer. */
async function transferToAgent(panel: SidePanel, name: string): Promise<void> {
  await openTransferDialog(panel);
  await clickByRole(panel.page, 'tab', 'Agents');
  await panel.page.locator(`::-p-aria([name="${name} · Available"])`).click();
  await clickByRole(panel.page, 'button', 'Transfer');
}

describe('WebACD: transferring a session to a queue and to named agents', () => {
  let world: World;
  let bobRep: RepBrowser;
  let cleoRep: RepBrowser;
  let others: Browser;
  let bob: SidePanel;
  let cleo: SidePanel;

  beforeAll(async () => {
    world = await createWorld({ rep: { isAgent: true }, env: { TRANSFER_OFFER_SECONDS: '600' } });
    for (const account of [BOB, CLEO]) await world.broker.addRep({ ...account, isAgent: true, mode: 'single' });
    addQueue(world.broker.store, 'Billing', 'everybody', [BOB.email, CLEO.email], Date.now());
    [bobRep, cleoRep, others] = await Promise.all([launchRepBrowser(), launchRepBrowser(), launchBrowser()]);
    [bob, cleo] = await Promise.all([SidePanel.open(bobRep), SidePanel.open(cleoRep)]);
    await bob.signIn(world.broker.url, BOB.email, BOB.password);
    await cleo.signIn(world.broker.url, CLEO.email, CLEO.password);
    // Agents who sign in are available (their panel says so).
    for (const panel of [world.panel, bob, cleo]) {
      await panel.page.locator('::-p-aria([name="Available"][role="radio"])').wait();
    }
  });
  afterAll(async () => {
    await Promise.allSettled([bobRep?.browser.close(), cleoRep?.browser.close(), others?.close()]);
    await world?.close();
  });

  it('Rita transfers to the Billing queue with a message; both agents see it; Bob accepts; the customer never drops', async () => {
    const session = await world.panel.startSession();
    const ann = await JoinPage.open(world.customerBrowser, session.joinUrl);
    await ann.join('Ann Customer');
    await ann.sendChat('My invoice is wrong');
    await world.panel.waitForText('My invoice is wrong');
    await world.panel.sendChat('Let me pass you to Billing', 'Ann Customer');
    await ann.waitForText('Let me pass you to Billing');

    await openTransferDialog(world.panel);
    const { page } = world.panel;
    await page.locator('::-p-aria([name="Billing · 2 of 2 available"][role="radio"])').click();
    // The counter counts what a person sees: the emoji is one character.
    await fillByLabel(page, 'Message to the agent (optional)', 'Invoice dispute, be gentle 🙂');
    await world.panel.waitForText(`${345 - 28} characters left`);
    await saveScreen(page, 'webacd-transfer-dialog');
    await clickByRole(page, 'button', 'Transfer');

    // Rita is free at once, and sees the transfer waiting with Cancel.
    await world.panel.waitForText(`Session ${session.number} (Ann Customer) is waiting for Billing.`);
    await page.locator('::-p-aria([name="Start session"][role="button"])').wait();
    // The customer is told, with their place in line.
    await ann.waitForText('You are being transferred to Billing — please wait.');
    await ann.waitForText('You are number 1 in line.');
    await saveScreen(ann.page, 'webacd-customer-transferring', 'phone');
    await saveScreen(page, 'webacd-transfer-waiting');

    // Both agents get the card, with the message and who sent it.
    for (const panel of [bob, cleo]) {
      await panel.waitForText(`Session ${session.number} from Rita Rep`);
      await panel.waitForText('Invoice dispute, be gentle 🙂');
    }
    await saveScreen(bob.page, 'webacd-offer-card');
    await clickByRole(bob.page, 'button', `Accept session ${session.number}`);

    // Bob controls the session now: the customer link, the chat with Ann over WebRTC.
    await bob.page.locator('::-p-aria([name="End session"][role="button"])').wait();
    expect((await bob.sessionInfo()).joinUrl).toBe(session.joinUrl);
    await cleo.waitForText(`Session ${session.number} was taken by Bob Billing.`);
    await ann.waitForText('Bob Billing is now helping you.');
    await ann.waitForText('You are connected with Bob Billing');
    // The conversation so far reached Bob from Ann's copy (Rita, who held it too, has left): her words,
    // and Rita's marked as that copy's.
    await bob.waitForText('My invoice is wrong');
    await bob.waitForText('Let me pass you to Billing');
    expect((await bob.chatLines()).map((l) => [l.author, l.text, l.meta.includes("from Ann Customer's copy")])).toEqual([
      ['Ann Customer', 'My invoice is wrong', false],
      ['Rita Rep', 'Let me pass you to Billing', true],
    ]);
    await saveScreen(ann.page, 'webacd-customer-now-helping', 'phone');
    await bob.sendChat('Hi Ann, Bob from Billing here', 'Ann Customer');
    await ann.waitForText('Hi Ann, Bob from Billing here');
    await ann.sendChat('Thanks Bob');
    await bob.waitForText('Thanks Bob');
    // The transfer is over for Rita: nothing waits any more.
    await waitUntil(page, () => !document.body.textContent?.includes('is waiting for Billing'));
    await bob.endSession();
  });

  it('a named agent declines: offered to nobody else; Rita takes it back; an offer survives a broker restart', async () => {
    const session = await world.panel.startSession();
    const bea = await JoinPage.open(others, session.joinUrl);
    await bea.join('Bea Customer');

    await transferToAgent(world.panel, 'Cleo Billing');
    await cleo.waitForText(`Session ${session.number} from Rita Rep`);
    await clickByRole(cleo.page, 'button', `Decline session ${session.number}`);

    // Nobody else is asked; Rita is offered her session back, the customer keeps waiting, told why.
    await world.panel.waitForText(`Nobody took session ${session.number}. Take it back?`);
    expect(await bob.page.evaluate(() => document.body.textContent?.includes('from Rita Rep'))).toBe(false);
    await bea.waitForText('Nobody is available right now. You can keep waiting or leave.');
    await saveScreen(world.panel.page, 'webacd-take-back');
    await saveScreen(bea.page, 'webacd-customer-waiting-long', 'phone');
    await clickByRole(world.panel.page, 'button', 'Take it back');
    await world.panel.page.locator('::-p-aria([name="End session"][role="button"])').wait();
    await bea.waitForText('Rita Rep is helping you again.');

    // Again to Cleo; the broker restarts while the offer is pending, both panels reload: the offer and the
    // waiting transfer are still there; Cleo takes it.
    await transferToAgent(world.panel, 'Cleo Billing');
    await cleo.waitForText(`Session ${session.number} from Rita Rep`);
    await world.broker.stop();
    await world.broker.start();
    await Promise.all([cleo.page.reload(), world.panel.page.reload()]);
    await cleo.waitForText(`Session ${session.number} from Rita Rep`);
    await world.panel.waitForText(`Session ${session.number} (Bea Customer) is waiting for Cleo Billing.`);
    await clickByRole(cleo.page, 'button', `Accept session ${session.number}`);
    await cleo.page.locator('::-p-aria([name="End session"][role="button"])').wait();
    await bea.waitForText('Cleo Billing is now helping you.');
    await bea.sendChat('Hello Cleo');
    await cleo.waitForText('Hello Cleo');
  });

  it('with the panel closed, the background keeps the agent online and shows the offer as a notification', async () => {
    await bob.page.close();
    const session = await world.panel.startSession();
    const cy = await JoinPage.open(others, session.joinUrl);
    await cy.join('Cy Customer');
    // Bob's panel is closed, yet he is available: the extension's background is connected.
    await transferToAgent(world.panel, 'Bob Billing');
    const target = await bobRep.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(bobRep.origin));
    const worker = (await target.worker())!;
    for (;;) {
      const ids = Object.keys(await worker.evaluate(() => chrome.notifications.getAll()));
      if (ids.some((id) => id.startsWith('offer:'))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Opening the panel shows the same offer as a card.
    bob = await SidePanel.open(bobRep);
    await bob.waitForText(`Session ${session.number} from Rita Rep`);
    await clickByRole(bob.page, 'button', `Accept session ${session.number}`);
    await bob.page.locator('::-p-aria([name="End session"][role="button"])').wait();
    await cy.waitForText('Bob Billing is now helping you.');
  });
});
