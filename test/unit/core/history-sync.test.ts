import { describe, expect, it } from 'vitest';
import { HISTORY_PACE } from '../../../core/chat/history-sync';
import type { ChatEntry } from '../../../core/chat/types';
import { DEFAULT_HISTORY_RATE } from '../../../core/mesh/mesh';
import { HISTORY_PAGE_ENTRIES, type Participant } from '../../../core/protocol';
import {
  ANN,
  BEA,
  BOB,
  CAROL,
  createWorld,
  entry,
  MALLORY,
  readable,
  RITA,
  SESSION,
  STARTED,
  storeWith,
  who,
  worldsDestroyedAfterEach,
} from './history-support';
import { tick, until } from './mesh-support';

const worlds = worldsDestroyedAfterEach();
const world = () => {
  const w = createWorld();
  worlds.push(w);
  return w;
};

/**
 * 200 messages: Rita posts to everyone every tenth, Bea's thread every third, Ann's the rest; each thread
 * alternates between its customer and Rita.
 */
const conversation: ChatEntry[] = Array.from({ length: 200 }, (_, i) => {
  const n = i + 1;
  if (n % 10 === 0) return entry(RITA, 'all', n, RITA);
  const customer = n % 3 === 0 ? BEA : ANN;
  return entry(n % 2 === 0 ? RITA : customer, customer.id, n, RITA);
});

/** What `holder` keeps of it: reps every thread, a customer their own thread and the posts to everyone. */
const copyOf = (holder: Participant) =>
  conversation
    .filter((e) => holder.role !== 'customer' || e.thread === holder.id || e.thread === 'all')
    .map((e) => ({ ...e, mine: e.senderId === holder.id }));

/** A page as a hostile holder would send it. */
const page = (id: unknown, entries: unknown[], more = false) => ({ type: 'history', id, entries, more });
const item = (from: Participant | string, thread: string, text: string, extra: object = {}) => ({
  id: `forged-${text.replace(/\W/g, '').slice(0, 20).padEnd(8, 'x')}`,
  from: typeof from === 'string' ? from : from.id,
  thread,
  text,
  sentAt: Date.now(),
  ...extra,
});

describe('history for a rep who joins late', () => {
  it('comes from a rep: every thread, in order, with the right authors, once, stored, alongside live messages', async () => {
    const w = world();
    w.join(RITA, ANN, BEA);
    const rita = await w.member(RITA, await storeWith(copyOf(RITA)));
    const ann = await w.member(ANN, await storeWith(copyOf(ANN)));
    await w.member(BEA, await storeWith(copyOf(BEA)));
    await until(() => rita.open.size === 2);

    w.join(BOB);
    // Bob had a few of them already (a reload in the middle of a sync): they are not taken twice.
    const bob = await w.member(
      BOB,
      await storeWith(
        copyOf(RITA)
          .slice(0, 10)
          .map((e) => ({ ...e, mine: false })),
      ),
    );
    await until(() => bob.open.has(ANN.id));
    ann.chat.send('Said while Bob catches up', ANN.id);
    await until(() => bob.chat.log.size === 201 && !bob.history.running.value);

    expect(readable(bob.chat.log.all())).toEqual(readable(rita.chat.log.all()));
    expect(bob.chat.log.all().every((e) => !e.mine && e.pendingFor.length === 0)).toBe(true);
    while ((await bob.store.list(SESSION)).length !== 201) await tick();
    // Reps' copies were there: the customers were not asked, and customers never ask.
    expect(w.sent('history-request', BOB, ANN)).toEqual([]);
    expect(w.sent('history-request', ANN)).toEqual([]);
    // Pulled a page at a time, each small.
    const pages = w.sent('history', RITA, BOB);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const { message } of pages) {
      expect((message as { entries: unknown[] }).entries.length).toBeLessThanOrEqual(HISTORY_PAGE_ENTRIES);
      expect(new TextEncoder().encode(JSON.stringify(message)).length).toBeLessThan(16_300);
    }
  });

  it('is stored: what came in is there from the store after a reload', async () => {
    const w = world();
    w.join(RITA, ANN, BEA);
    await w.member(RITA, await storeWith(copyOf(RITA)));
    w.join(BOB);
    const bob = await w.member(BOB);
    await until(() => bob.chat.log.size === 200 && !bob.history.running.value);
    while ((await bob.store.list(SESSION)).length !== 200) await tick();
    w.goOffline(BOB); // the panel reloads
    const reloaded = await w.member(BOB, bob.store);
    expect(readable(reloaded.chat.log.all())).toEqual(readable(conversation));
  });

  it('splits long messages into pages that each stay under PeerJS’s 16 kB limit for JSON links', async () => {
    const w = world();
    w.join(RITA, ANN);
    const long = Array.from({ length: 40 }, (_, i) => ({
      ...entry(RITA, ANN.id, i + 1, RITA),
      text: `${i} "quoted"\n`.padEnd(3_900, 'é"'),
    }));
    await w.member(RITA, await storeWith(long));
    w.join(BOB);
    const bob = await w.member(BOB);
    await until(() => bob.chat.log.size === 40 && !bob.history.running.value);
    const pages = w.sent('history', RITA, BOB).map((p) => new TextEncoder().encode(JSON.stringify(p.message)).length);
    expect(pages.length).toBeGreaterThan(10);
    expect(Math.max(...pages)).toBeLessThan(16_300);
  });

  it('a history of many pages is asked for at the pace every mesh takes them, so no page is dropped on arrival', async () => {
    const w = world();
    w.join(RITA, ANN);
    // Each message is 7.8 kB of UTF-8: one a page, 100 pages.
    const long = Array.from({ length: 100 }, (_, i) => ({
      ...entry(RITA, ANN.id, i + 1, RITA),
      text: `${i} `.padEnd(3_900, 'é'),
    }));
    const rita = await w.member(RITA, await storeWith(long));
    w.join(BOB);
    const bob = await w.member(BOB);
    await until(() => bob.chat.log.size === 100 && !bob.history.running.value);
    expect(w.sent('history', RITA, BOB).length).toBe(100); // beyond the mesh's burst (HISTORY_RATE)
    expect(rita.mesh.rateDroppedCount + bob.mesh.rateDroppedCount).toBe(0);
  });

  it('in production, pages are asked for slower than every mesh takes them, bursts included', () => {
    expect(HISTORY_PACE.perSecond).toBeLessThan(DEFAULT_HISTORY_RATE.perSecond);
    expect(HISTORY_PACE.burst).toBeLessThan(DEFAULT_HISTORY_RATE.burst);
  });

  it('a link that drops in the middle stops the waiting, and its return resumes where the pages stopped', async () => {
    const w = world();
    w.join(RITA, ANN);
    // One message a page (7.8 kB each), so the sync is still going when the link drops.
    const long = Array.from({ length: 60 }, (_, i) => ({
      ...entry(RITA, ANN.id, i + 1, RITA),
      text: `${i} `.padEnd(3_900, 'é'),
    }));
    const ritaStore = await storeWith(long);
    await w.member(RITA, ritaStore);
    w.join(BOB);
    const bob = await w.member(BOB);
    await until(() => bob.chat.log.size >= 20);
    w.goOffline(RITA);
    await until(() => !bob.history.running.value);
    const before = bob.chat.log.size;
    expect(before).toBeLessThan(60);

    const asked = w.sent('history-request', BOB, RITA).length;
    await w.member(RITA, ritaStore);
    await until(() => bob.chat.log.size === 60 && !bob.history.running.value);
    const resumed = w.sent('history-request', BOB, RITA).slice(asked);
    expect((resumed[0]!.message as { after?: { id: string } }).after?.id).toBe(bob.chat.log.all()[before - 1]!.id);
    expect(resumed.length).toBe(60 - before);
  });

  it('a rep who never answers (an older version) is asked once more, then given up on, and the customers are asked instead', async () => {
    const olga = who('olga-assistant', 'assistant', 'O');
    const w = world();
    w.join(olga, ANN);
    w.hostile(olga); // on the roster, online, and silent
    await w.member(ANN, await storeWith(copyOf(ANN)));
    w.join(BOB);
    const bob = await w.member(BOB, undefined, { pageTimeoutMs: 100 });
    await until(() => w.sent('history-request', BOB).length > 0);
    expect(bob.history.running.value).toBe(true);
    const annThread = conversation.filter((e) => e.thread === ANN.id && e.senderId === ANN.id);
    await until(() => bob.chat.log.size === annThread.length && !bob.history.running.value);
    expect(w.sent('history-request', BOB, olga).length).toBe(2); // asked, asked once more, given up
    expect(w.sent('history-request', BOB, ANN).length).toBeGreaterThan(0);
  });

  it('comes from the customers, each their own thread, when no rep can answer; marked as their copy until a rep’s comes', async () => {
    const w = world();
    w.join(RITA, ANN, BEA);
    const ritaStore = await storeWith(copyOf(RITA));
    await w.member(RITA, ritaStore);
    await w.member(ANN, await storeWith(copyOf(ANN)));
    await w.member(BEA, await storeWith(copyOf(BEA)));
    w.goOffline(RITA); // her browser is gone; she is still in the session

    w.join(BOB);
    const bob = await w.member(BOB);
    const threads = conversation.filter((e) => e.thread !== 'all');
    await until(() => bob.chat.log.size === threads.length && !bob.history.running.value);
    expect(w.sent('history-request', BOB, ANN).length).toBeGreaterThan(0);
    expect(bob.chat.log.all().map((e) => [e.id, e.thread, e.senderName, e.via ?? null])).toEqual(
      threads.map((e) => [e.id, e.thread, e.senderName, e.senderId === RITA.id ? e.thread : null]),
    );
    // Ann's copy gave Ann's thread only: never Bea's, never what Rita said to everyone.
    const fromAnn = w.sent('history', ANN, BOB).flatMap((p) => (p.message as { entries: { thread: string }[] }).entries);
    expect(new Set(fromAnn.map((e) => e.thread))).toEqual(new Set([ANN.id]));

    // Rita is back: her copy replaces the customers' and brings the posts to everyone.
    await w.member(RITA, ritaStore);
    await until(() => bob.chat.log.size === 200 && bob.chat.log.all().every((e) => e.via === undefined));
    expect(readable(bob.chat.log.all())).toEqual(readable(conversation));
  });

  it('takes a customer’s copy of the thread when the reps who held it have left', async () => {
    const w = world();
    w.join(RITA, ANN);
    await w.member(RITA, await storeWith(copyOf(RITA)));
    await w.member(ANN, await storeWith(copyOf(ANN)));
    w.leave(RITA);

    // A new controller (a transfer's new participant) with nobody but the customer to ask.
    const carol = { ...CAROL, role: 'controller' as const };
    w.join(carol);
    const c = await w.member(carol);
    const annThread = conversation.filter((e) => e.thread === ANN.id);
    await until(() => c.chat.log.size === annThread.length && !c.history.running.value);
    expect(c.chat.log.all().map((e) => [e.text, e.senderName, e.via ?? null])).toEqual(
      annThread.map((e) => [e.text, e.senderName, e.senderId === RITA.id ? ANN.id : null]),
    );
  });
});

describe('history against a hostile customer', () => {
  it('a customer never gets a copy: reps and customers drop a customer’s request', async () => {
    const w = world();
    w.join(RITA, ANN, MALLORY);
    const rita = await w.member(RITA, await storeWith(copyOf(RITA)));
    const ann = await w.member(ANN, await storeWith(copyOf(ANN)));
    const mallory = w.hostile(MALLORY);
    await until(() => mallory.isLinked(RITA) && mallory.isLinked(ANN));
    mallory.send(RITA, { type: 'history-request', id: 'mallory-asks-1' });
    mallory.send(ANN, { type: 'history-request', id: 'mallory-asks-2' });
    await until(() => rita.history.droppedCount === 1 && ann.history.droppedCount === 1);
    expect(mallory.inbox.filter((m) => m.message.type === 'history')).toEqual([]);
  });

  it('drops pages nobody asked for, malformed and oversized ones, and a flood before parsing it', async () => {
    const w = world();
    w.join(RITA, ANN, BEA, MALLORY);
    const rita = await w.member(RITA, await storeWith(copyOf(RITA)));
    w.join(BOB);
    const bob = await w.member(BOB);
    const mallory = w.hostile(MALLORY);
    await until(() => mallory.isLinked(BOB) && mallory.isLinked(RITA) && bob.chat.log.size === 200);
    const own = item(MALLORY, MALLORY.id, 'my own words');

    mallory.send(BOB, page('never-asked-1', [own]));
    await until(() => bob.history.droppedCount === 1);

    const before = bob.mesh.droppedCount;
    const many = Array.from({ length: HISTORY_PAGE_ENTRIES + 1 }, (_, i) => ({ ...own, id: `many-${i}-xxxxxx` }));
    const heavy = Array.from({ length: 4 }, (_, i) => ({ ...own, id: `heavy-${i}-xxxxx`, text: 'x'.repeat(3_900) }));
    for (const bad of [
      page('never-asked-2', many), // more entries than a page holds
      page('never-asked-3', heavy), // more text than a page carries
      page('never-asked-4', [{ ...own, text: 'x'.repeat(4_001) }]), // a message over the limit
      page('never-asked-5', [{ ...own, sentAt: 'yesterday' }]),
      page('never-asked-6', [{ ...own, thread: '../../etc' }]),
      page('never-asked-7', [{ ...own, from: { id: RITA.id } }]),
      { type: 'history', id: 'never-asked-8', entries: [own] }, // no "more"
      { type: 'history-request', id: 'x' }, // an id too short
      { type: 'history-request', id: 'ask-after-xx', after: { sentAt: 1, from: RITA.id } },
    ]) {
      mallory.send(BOB, bad);
    }
    await until(() => bob.mesh.droppedCount === before + 9);
    expect(bob.history.droppedCount).toBe(1);
    expect(bob.chat.log.size).toBe(200);

    // A flood of requests costs a counter each beyond the history budget, and leaves chat alone.
    for (let i = 0; i < 1_000; i++) mallory.send(RITA, { type: 'history-request', id: `flood-${i}-xxxxxx` });
    await until(() => rita.mesh.rateDroppedCount + rita.history.droppedCount === 1_000);
    expect(rita.mesh.rateDroppedCount).toBeGreaterThan(900);
    mallory.send(RITA, { type: 'chat', id: 'after-the-flood', text: 'still heard', sentAt: Date.now(), thread: MALLORY.id });
    await until(() => rita.chat.log.all().some((e) => e.text === 'still heard'));
  });

  it('a customer’s copy is believed only for its own thread: forged authors, other threads and relays are dropped', async () => {
    const w = world();
    w.join(RITA, ANN, MALLORY);
    await w.member(RITA, await storeWith(copyOf(RITA)));
    await w.member(ANN, await storeWith(copyOf(ANN)));
    w.goOffline(RITA);
    const mallory = w.hostile(MALLORY);
    w.join(BOB);
    const bob = await w.member(BOB);
    await until(() => mallory.inbox.some((m) => m.message.type === 'history-request'));
    const request = mallory.inbox.find((m) => m.message.type === 'history-request')!.message;

    const annThread = conversation.filter((e) => e.thread === ANN.id);
    await until(() => bob.chat.log.size === annThread.length);
    const annsFirst = annThread[0]!;
    const dropped = bob.history.droppedCount;
    mallory.send(
      BOB,
      page(request.id, [
        item(MALLORY, MALLORY.id, 'my own words'),
        item(RITA, MALLORY.id, 'Rita promised me a refund'),
        item(ANN, ANN.id, 'Ann in her own thread, says Mallory'),
        item(ANN, MALLORY.id, 'Ann in my thread, says Mallory'),
        item(RITA, 'all', 'Rita to everyone, says Mallory'),
        item(RITA, MALLORY.id, 'relayed from Ann, says Mallory', { via: ANN.id }),
        item('stranger-person', MALLORY.id, 'a stranger was here'),
        item(MALLORY, MALLORY.id, 'from the day after tomorrow', { sentAt: Date.now() + 2 * 86_400_000 }),
        item(MALLORY, MALLORY.id, 'from before the session', { sentAt: STARTED - 2 * 86_400_000 }),
        { ...item(ANN, ANN.id, annsFirst.text), id: annsFirst.id, text: 'Ann’s first message, rewritten' },
      ]),
    );
    await until(() => bob.history.droppedCount === dropped + 8);
    const mine = bob.chat.log.all().filter((e) => e.thread === MALLORY.id);
    expect(mine.map((e) => [e.text, e.senderName, e.via ?? null])).toEqual([
      ['my own words', 'Mallory', null],
      ['Rita promised me a refund', 'Rita', MALLORY.id],
    ]);
    expect(bob.chat.log.all().find((e) => e.id === annsFirst.id)?.text).toBe(annsFirst.text);

    // The same answer again is one nobody asked for.
    mallory.send(BOB, page(request.id, [item(MALLORY, MALLORY.id, 'once more')]));
    await until(() => bob.history.droppedCount === dropped + 9);
    expect(bob.chat.log.all().some((e) => e.text === 'once more')).toBe(false);
  });

  it('a holder that always has "more" is cut off after the most pages one holder may give', async () => {
    const w = world();
    w.join(RITA, MALLORY);
    const mallory = w.hostile(MALLORY);
    w.join(BOB); // Rita is in the session, her browser closed
    const bob = await w.member(BOB, undefined, { maxPages: 3 });
    let answered = 0;
    while (!(answered === 3 && !bob.history.running.value)) {
      const requests = mallory.inbox.filter((m) => m.message.type === 'history-request');
      if (requests.length > answered) {
        const request = requests[answered]!.message;
        mallory.send(BOB, page(request.id, [item(MALLORY, MALLORY.id, `again ${answered}`)], true));
        answered++;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(mallory.inbox.filter((m) => m.message.type === 'history-request').length).toBe(3);
    expect(bob.chat.log.size).toBe(3);
  });
});
