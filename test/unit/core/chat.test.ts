import { describe, expect, it } from 'vitest';
import { createChat, deliveryStatus, type Chat, type ChatDeps } from '../../../core/chat/chat';
import { createChatLog } from '../../../core/chat/chat-log';
import { createMemoryChatStore, entryKey, type ChatEntry } from '../../../core/chat/types';
import type { MeshMessage } from '../../../core/protocol';

/** Waits for a condition (deliveries and store writes happen on later ticks). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

/** Two participants whose link can be cut; what is sent while cut is lost, as on a dropped data channel. */
function pair() {
  let linkUp = true;
  const chats: Record<string, Chat> = {};
  const store = { alice: createMemoryChatStore(), bob: createMemoryChatStore() };
  const make = (me: 'alice' | 'bob', other: 'alice' | 'bob') =>
    createChat({
      sessionId: 's1',
      self: { participantId: me, name: me.toUpperCase() },
      store: store[me],
      recipients: () => [other],
      accepts: () => true,
      nameOf: (id: string) => id.toUpperCase(),
      send: (to: string, message: MeshMessage) => {
        if (!linkUp) return false;
        queueMicrotask(() => chats[to]!.receive(me, structuredClone(message)));
        return true;
      },
      now: () => 1000,
    });
  chats.alice = make('alice', 'bob');
  chats.bob = make('bob', 'alice');
  const texts = (chat: Chat) => chat.log.all().map((e) => e.text);
  return { alice: chats.alice, bob: chats.bob, store, texts, cut: () => (linkUp = false), restore: () => (linkUp = true) };
}

/** A chat whose sends are recorded, for tests of what goes where. */
function recorder(overrides: Partial<ChatDeps> = {}) {
  const sent: [string, MeshMessage][] = [];
  const chat = createChat({
    sessionId: 's1',
    self: { participantId: 'rep', name: 'Rep' },
    store: createMemoryChatStore(),
    recipients: () => [],
    accepts: () => true,
    nameOf: (id) => `name of ${id}`,
    send: (to, m) => (sent.push([to, m]), true),
    ...overrides,
  });
  return { chat, sent };
}

describe('chat', () => {
  it('delivers a message, and the ack (sent once it is stored) clears it from pending', async () => {
    const { alice, bob } = pair();
    alice.send('  Hello  ', 'all');
    expect(alice.log.all()[0]).toMatchObject({ text: 'Hello', mine: true, pendingFor: ['bob'], thread: 'all' });
    await until(() => bob.log.size > 0);
    expect(bob.log.all().map((e) => [e.text, e.senderName, e.mine])).toEqual([['Hello', 'ALICE', false]]);
    await until(() => alice.log.all()[0]!.pendingFor.length === 0);
    expect(alice.log.all()[0]!.pendingFor).toEqual([]);
    expect(deliveryStatus(alice.log.all()[0]!)).toBe('delivered');
  });

  it('ignores blank messages', () => {
    const { alice } = pair();
    alice.send('   ', 'all');
    expect(alice.log.all()).toEqual([]);
  });

  it('resends unacknowledged messages when the link opens again, and the receiver keeps one copy', async () => {
    const { alice, bob, texts, cut, restore } = pair();
    cut();
    alice.send('lost in transit', 'all');
    expect(texts(bob)).toEqual([]); // sent on a cut link: gone, nothing queued
    restore();
    alice.linkOpened('bob');
    alice.linkOpened('bob'); // a second reconnect before the ack: still one copy
    // Both copies arrive before the ack, which goes out once the first is stored.
    await until(() => alice.log.all()[0]!.pendingFor.length === 0);
    expect(texts(bob)).toEqual(['lost in transit']);
    expect(alice.log.all()[0]!.pendingFor).toEqual([]);
  });

  it('keeps history in its store, so a reloaded chat has it and still resends what is pending', async () => {
    const { alice, store, cut } = pair();
    cut();
    alice.send('before reload', 'all');
    while ((await store.alice.list('s1')).length === 0) await new Promise((r) => setTimeout(r, 5));
    const { chat: reloaded, sent } = recorder({
      self: { participantId: 'alice', name: 'ALICE' },
      store: store.alice,
      recipients: () => ['bob'],
    });
    await reloaded.load();
    expect(reloaded.log.all().map((e) => e.text)).toEqual(['before reload']);
    reloaded.linkOpened('bob');
    expect(sent.map(([, m]) => m)).toMatchObject([{ type: 'chat', text: 'before reload' }]);
    reloaded.dispose();
  });

  it('names the sender from the connection, whatever the message says', async () => {
    const { bob } = pair();
    bob.receive('alice', { type: 'chat', id: 'abcdefgh12', text: 'hi', sentAt: 1000, thread: 'all', senderName: 'Rep' } as never);
    expect(bob.log.all().map((e) => [e.senderId, e.senderName])).toEqual([['alice', 'ALICE']]);
  });

  it('keeps two senders’ messages apart even when they chose the same id', () => {
    const { chat } = recorder({ recipients: () => ['ann', 'mallory'] });
    chat.receive('ann', { type: 'chat', id: 'same-id-123', text: 'from Ann', sentAt: 1, thread: 'all' });
    chat.receive('mallory', { type: 'chat', id: 'same-id-123', text: 'from Mallory', sentAt: 2, thread: 'all' });
    expect(chat.log.all().map((e) => [e.senderId, e.text])).toEqual([
      ['ann', 'from Ann'],
      ['mallory', 'from Mallory'],
    ]);
    // Mallory acknowledging my message clears it for Mallory only.
    const mine = chat.send('to both', 'all')!;
    chat.receive('mallory', { type: 'chat-ack', id: mine.id });
    expect(chat.log.get(entryKey(mine))!.pendingFor).toEqual(['ann']);
    chat.dispose();
  });

  it('uses its own clock for a message whose time is more than a day off', () => {
    const { chat } = recorder({ now: () => 5_000_000_000 });
    chat.receive('ann', { type: 'chat', id: 'abcdefgh01', text: 'from the future', sentAt: 1e20, thread: 'all' });
    chat.receive('ann', {
      type: 'chat',
      id: 'abcdefgh02',
      text: 'an hour ago',
      sentAt: 5_000_000_000 - 3_600_000,
      thread: 'all',
    });
    expect(chat.log.all().map((e) => [e.text, e.sentAt])).toEqual([
      ['an hour ago', 5_000_000_000 - 3_600_000],
      ['from the future', 5_000_000_000],
    ]);
  });

  it('refuses messages posted where the sender may not post, and acknowledges nothing', () => {
    const { chat, sent } = recorder({ accepts: (from, thread) => thread === from });
    chat.receive('ann', { type: 'chat', id: 'abcdefgh01', text: 'in my thread', sentAt: 1, thread: 'ann' });
    chat.receive('ann', { type: 'chat', id: 'abcdefgh02', text: 'in Bea’s thread', sentAt: 1, thread: 'bea' });
    expect(chat.log.all().map((e) => e.text)).toEqual(['in my thread']);
    expect(chat.droppedCount).toBe(1);
    expect(sent.filter(([, m]) => m.type === 'chat-ack' && m.id === 'abcdefgh02')).toEqual([]);
  });

  it('keeps at most maxPerSender messages from one sender', () => {
    const { chat } = recorder({ maxPerSender: 3 });
    for (let i = 0; i < 5; i++)
      chat.receive('ann', { type: 'chat', id: `abcdefgh0${i}`, text: `m${i}`, sentAt: i, thread: 'all' });
    chat.receive('bea', { type: 'chat', id: 'abcdefgh99', text: 'bea', sentAt: 9, thread: 'all' });
    expect(chat.log.all().map((e) => e.text)).toEqual(['m0', 'm1', 'm2', 'bea']);
  });

  it('sends to whoever the thread’s rule names, and delivers to a newcomer only what their thread lets them have', () => {
    let clock = 1000;
    const inSession = new Set<string>();
    const { chat, sent } = recorder({
      now: () => clock,
      // A rep's rule: a customer's thread goes to that customer (and reps); 'all' to everyone.
      recipients: (thread) => [...inSession].filter((p) => thread === 'all' || p === thread),
    });
    chat.send('said before they came', 'all');
    clock = 2000;
    chat.send('for everyone', 'all');
    chat.send('for Ann only', 'ann');
    inSession.add('ann').add('bea');
    chat.participantJoined('ann', 1500);
    chat.participantJoined('bea', 1500);
    const texts = (to: string) =>
      sent.filter(([p, m]) => p === to && m.type === 'chat').map(([, m]) => (m as { text: string }).text);
    expect(texts('ann').sort()).toEqual(['for Ann only', 'for everyone']);
    expect(texts('bea')).toEqual(['for everyone']);
    chat.participantJoined('ann', 1500); // the same event replayed: nothing more
    expect(texts('ann')).toHaveLength(2);
  });

  it('shows a message as not delivered when acks do not come in time, and Retry sends it again', async () => {
    let clock = 0;
    const { chat, sent } = recorder({ now: () => clock, recipients: () => ['bob'], deliveryTimeoutMs: 30 });
    const entry = chat.send('are you there?', 'all')!;
    expect(deliveryStatus(chat.log.get(entryKey(entry))!)).toBe('sending');
    clock = 100;
    await until(() => deliveryStatus(chat.log.get(entryKey(entry))!) === 'failed');
    expect(deliveryStatus(chat.log.get(entryKey(entry))!)).toBe('failed');
    chat.retry(entryKey(entry));
    expect(deliveryStatus(chat.log.get(entryKey(entry))!)).toBe('sending');
    expect(sent.filter(([, m]) => m.type === 'chat')).toHaveLength(2);
    chat.receive('bob', { type: 'chat-ack', id: entry.id });
    expect(deliveryStatus(chat.log.get(entryKey(entry))!)).toBe('delivered');
    chat.dispose();
  });

  it('a message with nobody to receive it is not delivered at once; Retry finds whoever came since', () => {
    const here: string[] = [];
    const { chat, sent } = recorder({ recipients: () => here });
    const entry = chat.send('hello?', 'all')!;
    expect(deliveryStatus(entry)).toBe('failed');
    here.push('ann');
    chat.retry(entryKey(entry));
    expect(chat.log.get(entryKey(entry))).toMatchObject({ sentTo: ['ann'], pendingFor: ['ann'], failed: false });
    expect(sent.map(([to]) => to)).toEqual(['ann']);
    chat.dispose();
  });

  it('stops waiting for acks from someone who left', async () => {
    const { alice, cut } = pair();
    cut();
    alice.send('anyone?', 'all');
    alice.participantLeft('bob');
    expect(alice.log.all()[0]!.pendingFor).toEqual([]);
  });

  it('adopts a copy’s messages once, stored and never acknowledged; a customer’s relayed copy gives way to the author’s own', async () => {
    const store = createMemoryChatStore();
    const { chat, sent } = recorder({ store });
    const theirs = (id: string, extra: Partial<ChatEntry> = {}): ChatEntry => ({
      sessionId: 's1',
      id,
      senderId: 'rita',
      senderName: 'Rita',
      thread: 'ann',
      text: `text of ${id}`,
      sentAt: 1_000,
      mine: false,
      sentTo: [],
      pendingFor: [],
      ...extra,
    });
    expect(chat.adopt([theirs('one-xxxxx'), theirs('two-xxxxx', { via: 'ann' })])).toBe(2);
    expect(chat.adopt([theirs('one-xxxxx', { text: 'rewritten' }), theirs('two-xxxxx', { via: 'ann' })])).toBe(0);
    // Rita's own copy, or Rita herself, replaces what Ann's copy said.
    chat.receive('rita', { type: 'chat', id: 'two-xxxxx', text: 'what Rita wrote', sentAt: 2_000, thread: 'ann' });
    await until(() => sent.length === 1);
    expect(chat.log.all().map((e) => [e.id, e.text, e.via ?? null])).toEqual([
      ['one-xxxxx', 'text of one-xxxxx', null],
      ['two-xxxxx', 'what Rita wrote', null],
    ]);
    expect(sent).toEqual([['rita', { type: 'chat-ack', id: 'two-xxxxx' }]]); // the live one only
    expect((await store.list('s1')).map((e) => e.text).sort()).toEqual(['text of one-xxxxx', 'what Rita wrote']);
  });

  it('writes a burst of messages to its store in one batch', async () => {
    const batches: number[] = [];
    const store = createMemoryChatStore();
    const { chat } = recorder({
      store: { list: store.list, putMany: (entries) => (batches.push(entries.length), store.putMany(entries)) },
    });
    for (let i = 0; i < 50; i++)
      chat.receive('ann', { type: 'chat', id: `abcdefgh${i}x`, text: `m${i}`, sentAt: i, thread: 'all' });
    await until(() => batches.length > 0);
    expect(batches).toEqual([50]);
    expect(await store.list('s1')).toHaveLength(50);
  });
});

describe('chat log', () => {
  const entry = (senderId: string, id: string, sentAt: number, thread = 'all'): ChatEntry => ({
    sessionId: 's',
    id,
    senderId,
    senderName: senderId,
    thread,
    text: id,
    sentAt,
    mine: false,
    sentTo: [],
    pendingFor: [],
  });

  it('keeps time order whether messages arrive in order or late, and replaces updates in place', () => {
    const log = createChatLog();
    log.put(entry('a', 'm1', 10));
    log.put(entry('a', 'm3', 30));
    log.put(entry('b', 'm2', 20)); // late
    log.put({ ...entry('a', 'm3', 30), text: 'edited' });
    expect(log.all().map((e) => e.text)).toEqual(['m1', 'm2', 'edited']);
    expect(log.size).toBe(3);
  });

  it('gives a window of the newest lines of a thread, saying whether older ones exist', () => {
    const log = createChatLog();
    for (let i = 0; i < 10; i++) log.put(entry('a', `m${i}`, i, i % 2 === 0 ? 'ann' : 'bea'));
    const annOnly = (e: ChatEntry) => e.thread === 'ann';
    expect(log.window(2, annOnly)).toEqual({ entries: [log.get('a/m6'), log.get('a/m8')], hasEarlier: true });
    expect(log.window(5, annOnly).hasEarlier).toBe(false);
    expect(log.countFromOthers('ann')).toBe(5);
    expect(log.countFromOthers()).toBe(10);
  });

  it('merges a copy in one change: new ones in time order, a replacement moved to where its time puts it', () => {
    const log = createChatLog();
    log.put(entry('a', 'm1', 10));
    log.put({ ...entry('b', 'm4', 40, 'ann'), via: 'ann' });
    let revisions = 0;
    const stop = log.revision.subscribe(() => revisions++);
    log.putMany([entry('b', 'm2', 20), entry('b', 'm4', 5, 'ann'), entry('a', 'm3', 30, 'bea'), entry('b', 'm2', 20)]);
    stop();
    expect(log.all().map((e) => [e.id, e.sentAt, e.via ?? null])).toEqual([
      ['m4', 5, null],
      ['m1', 10, null],
      ['m2', 20, null],
      ['m3', 30, null],
    ]);
    expect(revisions).toBe(2);
    expect([log.countFromOthers('ann'), log.countFromOthers('bea'), log.countFromOthers()]).toEqual([1, 1, 4]);
  });

  it('tells a watcher only what each change added or replaced, until it stops watching', () => {
    const log = createChatLog();
    log.put(entry('a', 'm1', 10));
    const seen: string[][] = [];
    const stop = log.watch((changed) => seen.push(changed.map((e) => `${e.id}:${e.text}`)));
    log.put({ ...entry('a', 'm1', 10), text: 'acked' });
    log.putMany([entry('b', 'm2', 20), entry('b', 'm3', 30)]);
    log.load([entry('a', 'm1', 10), entry('c', 'm0', 5)]);
    stop();
    log.put(entry('a', 'm4', 40));
    expect(seen).toEqual([['m1:acked'], ['m2:m2', 'm3:m3'], ['m0:m0']]);
  });

  it('reads on after a message, whether or not that message is here', () => {
    const log = createChatLog();
    for (let i = 1; i <= 5; i++) log.put(entry('a', `m${i}`, i * 10));
    expect([...log.after(undefined)].map((e) => e.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect([...log.after({ sentAt: 30, senderId: 'a', id: 'm3' })].map((e) => e.id)).toEqual(['m4', 'm5']);
    expect([...log.after({ sentAt: 35, senderId: 'z', id: 'gone' })].map((e) => e.id)).toEqual(['m4', 'm5']);
    expect([...log.after({ sentAt: 99, senderId: 'a', id: 'm9' })]).toEqual([]);
  });

  it('appends 3,000 messages in order, one change each', () => {
    const log = createChatLog();
    let revisions = 0;
    const stop = log.revision.subscribe(() => revisions++);
    for (let i = 0; i < 3000; i++) log.put(entry('a', `m${i}`, i));
    stop();
    expect(log.size).toBe(3000);
    expect(revisions).toBe(3001); // one change per message (plus the subscription's first call)
    expect(log.window(100).entries[99]!.id).toBe('m2999');
  });
});
