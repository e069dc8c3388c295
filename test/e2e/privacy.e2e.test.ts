import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrokerClient } from '../../core/broker/client';
import { HostileCustomer } from '../helpers/hostile-customer';
import { SignalingPeer } from '../helpers/peer-signaling';
import { clickByRole, launchBrowser, waitUntil } from './browser';
import { createWorld, type World } from './fixtures';
import { JoinPage } from './pages/join-page';
import { waitForLiveVideo } from './pages/video';
import { WIRE_RECORDER, wireText } from './wire';

const SECRET = 'my email password is hunter2';

describe('privacy with two customers in one session', () => {
  let world: World;
  let others: Browser[];
  let joinUrl: string;
  let ann: JoinPage;
  let bea: JoinPage;

  beforeAll(async () => {
    world = await createWorld({ rep: { maxCustomers: 3 } });
    others = await Promise.all([launchBrowser(), launchBrowser()]);
    ({ joinUrl } = await world.panel.startSession());
    ann = await JoinPage.open(world.customerBrowser, joinUrl, { init: WIRE_RECORDER });
    await ann.join('Ann Customer');
    bea = await JoinPage.open(others[0]!, joinUrl, { init: WIRE_RECORDER });
    await bea.join('Bea Customer');
    await world.panel.waitForText('Bea Customer');
  });
  afterAll(async () => {
    await Promise.allSettled(others.map((b) => b.close()));
    await world?.close();
  });

  it('each customer talks with the reps only: the other never receives it, on the wire or on screen', async () => {
    const { panel } = world;
    await ann.sendChat(SECRET);
    await panel.waitForText(SECRET); // Ann is the customer being helped: her conversation is in front
    await panel.sendChat('Thanks Ann, please change it after we are done', 'Ann Customer');
    await ann.waitForText('Thanks Ann, please change it after we are done');

    await clickByRole(panel.page, 'tab', 'Bea Customer');
    await panel.sendChat('Hi Bea, I will be with you in a minute', 'Bea Customer');
    await bea.waitForText('Hi Bea, I will be with you in a minute');
    await bea.sendChat('No rush');
    await panel.waitForText('No rush');

    await clickByRole(panel.page, 'tab', 'Everyone');
    await panel.sendChat('A note for both of you', 'everyone');
    await ann.waitForText('A note for both of you');
    await bea.waitForText('A note for both of you');

    const beaWire = await wireText(bea.page);
    expect(beaWire).toContain('Hi Bea'); // the recorder does see Bea's own conversation
    expect(beaWire).not.toContain('hunter2');
    expect(beaWire).not.toContain('change it after');
    expect(await bea.page.evaluate(() => document.body.textContent)).not.toContain('hunter2');
    const annWire = await wireText(ann.page);
    expect(annWire).not.toContain('Hi Bea');
    expect(annWire).not.toContain('No rush');
  });

  it('customers are told that others are here and that screens are visible to everyone', async () => {
    await bea.waitForText('Other customers are in this session: Ann Customer.');
    await ann.waitForText('Other customers are in this session: Bea Customer.');
  });

  it('only the customer being helped may share; a page that calls anyway is refused', async () => {
    const { panel } = world;
    const beaShare = bea.page.locator('::-p-aria([name="Share screen"][role="button"])');
    expect(await beaShare.map((b) => (b as HTMLButtonElement).disabled).wait()).toBe(true);
    await bea.waitForText('is helping another customer right now. You can share your screen when they turn to you.');

    // A third customer who is not being helped calls the rep and Ann with a made-up screen.
    const mallory = await HostileCustomer.join(others[1]!, world.broker.url, joinUrl, 'Mallory');
    await panel.waitForText('Mallory');
    const repPeer = await mallory.peerIdOf('controller');
    expect(await mallory.call(repPeer, { kind: 'screen' }, 4_000)).not.toBe('answered');
    expect(await panel.page.evaluate(() => document.body.textContent)).not.toContain("Mallory's screen");
    await mallory.close();

    // Ann shares: the rep and Bea see it.
    await ann.shareScreen();
    await panel.waitForText("Ann Customer's screen");
    await waitForLiveVideo(panel.page, 5);
    await bea.waitForText("Ann Customer's screen");

    // The rep turns to Bea: Ann's share stops with the reason, Bea may share now, and her share clears the note.
    await clickByRole(panel.page, 'button', 'Help this customer: Bea Customer');
    await ann.waitForText('Screen sharing stopped: the representative is now helping another customer.');
    await bea.waitForText('You can share your screen now.');
    await panel.waitForText('Screen sharing stopped: Bea Customer is the customer being helped now.');
    await bea.shareScreen();
    await panel.waitForText("Bea Customer's screen");
    await waitUntil(panel.page, () => !document.body.textContent?.includes('Screen sharing stopped'));
    await waitUntil(bea.page, () => !document.body.textContent?.includes('You can share your screen now.'));
    await bea.stopSharing();
  });
});

describe('a hostile customer cannot break the rep’s panel', () => {
  let world: World;
  let attacker: Browser;
  let joinUrl: string;
  let honest: JoinPage;
  let mallory: HostileCustomer;

  beforeAll(async () => {
    world = await createWorld({ rep: { maxCustomers: 3 } });
    attacker = await launchBrowser();
    ({ joinUrl } = await world.panel.startSession());
    honest = await JoinPage.open(world.customerBrowser, joinUrl);
    await honest.join('Hana Honest');
    mallory = await HostileCustomer.join(attacker, world.broker.url, joinUrl, 'Mallory');
    await world.panel.waitForText('Mallory');
  });
  afterAll(async () => {
    await mallory?.close();
    await attacker?.close();
    await world?.close();
  });

  it('bad times, forged senders, garbage bytes, a refused serialization, a 3,000-message flood and junk OFFERs from another session leave the panel usable', async () => {
    const { panel } = world;
    const repPeer = await mallory.peerIdOf('controller');
    const me = mallory.self.participantId;

    // A serialization other than JSON never opens (a binary one made the panel keep chunks forever).
    expect(await mallory.connect(repPeer, { serialization: 'binary', waitMs: 4_000 })).toBeUndefined();

    const link = await mallory.connect(repPeer);
    expect(link).toBeDefined();
    const hana = (await mallory.participants()).find((p) => p.name === 'Hana Honest')!.id;
    await clickByRole(panel.page, 'tab', 'Mallory');
    await mallory.send(link!, [
      { type: 'chat', id: 'mallory-time-1', text: 'from the year 3 million', sentAt: 1e20, thread: me },
      {
        type: 'chat',
        id: 'mallory-forge',
        text: 'I am Rita Rep, trust me',
        sentAt: Date.now(),
        thread: me,
        senderName: 'Rita Rep',
      },
      { type: 'chat', id: 'mallory-into-hana', text: 'posted into Hana’s thread', sentAt: Date.now(), thread: hana },
      { type: 'chat', id: 'x', text: 'id too short', sentAt: Date.now(), thread: me },
      { type: 'chat', id: 'mallory-huge', text: 'x'.repeat(9000), sentAt: Date.now(), thread: me },
    ]);
    await mallory.sendRaw(link!, '{not json at all');
    await mallory.sendRaw(link!, [0xff, 0xfe, 0x00, 0x01]);
    await panel.waitForText('from the year 3 million');
    await panel.waitForText('I am Rita Rep, trust me');
    await mallory.flood(link!, 3000, me);
    await panel.waitForText('Mallory is sending messages too fast; some were dropped.');

    const text = await panel.page.evaluate(() => document.body.textContent ?? '');
    expect(text).not.toContain('posted into Hana’s thread');
    expect(text).not.toContain('id too short');
    expect(text).not.toContain('x'.repeat(9000));
    // The forged message is shown as Mallory's, not the rep's.
    expect(
      await panel.page.$$eval('.chat-log li', (lines) =>
        lines
          .filter((li) => li.textContent?.includes('I am Rita Rep, trust me'))
          .map((li) => li.querySelector('.chat-meta')?.textContent ?? ''),
      ),
    ).toEqual([expect.stringMatching(/^Mallory · /)]);

    // A customer of another session fires 550 junk OFFERs at the rep: the broker keeps them in their session.
    const other = await world.broker.addRep({ name: 'Other Rep' });
    const otherRep = createBrokerClient({ baseUrl: world.broker.url, getToken: () => otherToken });
    const otherToken = await world.broker.login(other.email, other.password);
    const { session: elsewhere } = await otherRep.createSession();
    const { self: stranger } = await createBrokerClient({ baseUrl: world.broker.url }).join({
      invite: new URL(elsewhere.joinUrl!).hash.slice(1),
      name: 'Stranger',
    });
    const junk = await SignalingPeer.connect(world.broker.url, stranger);
    const before = world.broker.diagnostics.signaling.dropped.otherSession;
    for (let i = 0; i < 550; i++) junk.offer(repPeer);
    await world.broker.diagnostics.signaling.until((stats) => stats.dropped.otherSession + stats.cutOff > before);
    junk.ws.terminate();

    // The panel still works: the rep helps Hana, and chat is delivered both ways.
    await clickByRole(panel.page, 'tab', 'Hana Honest');
    await panel.sendChat('Hana, are you still there?', 'Hana Honest');
    await honest.waitForText('Hana, are you still there?');
    await honest.sendChat('Yes!');
    await panel.waitForText('Yes!');

    // A reload shows the session whole: the conversations, the participants, End session.
    await panel.page.reload();
    await panel.page.locator('::-p-aria([name="End session"][role="button"])').wait();
    await panel.page.locator('::-p-aria([name="Mallory"][role="tab"])').wait();
    await clickByRole(panel.page, 'tab', 'Mallory');
    await panel.waitForText('from the year 3 million');
    expect(await panel.page.evaluate(() => document.body.textContent)).not.toContain('failed to load');
  });
});
