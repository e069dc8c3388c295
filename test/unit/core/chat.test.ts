import { describe, expect, it } from 'vitest';
import { createChat, type Chat } from '../../../core/chat/chat';
import { createMemoryChatStore } from '../../../core/chat/types';
import type { MeshMessage } from '../../../core/protocol';

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
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return { alice: chats.alice, bob: chats.bob, store, flush, cut: () => (linkUp = false), restore: () => (linkUp = true) };
}

describe('chat', () => {
  it('delivers a message, and the ack clears it from pending', async () => {
    const { alice, bob, flush } = pair();
    alice.send('  Hello  ');
    expect(alice.entries.value[0]).toMatchObject({ text: 'Hello', mine: true, pendingFor: ['bob'] });
    await flush();
    expect(bob.entries.value.map((e) => [e.text, e.senderName, e.mine])).toEqual([['Hello', 'ALICE', false]]);
    expect(alice.entries.value[0]!.pendingFor).toEqual([]);
  });

  it('ignores blank messages', () => {
    const { alice } = pair();
    alice.send('   ');
    expect(alice.entries.value).toEqual([]);
  });

  it('resends unacknowledged messages when the link opens again, and the receiver keeps one copy', async () => {
    const { alice, bob, flush, cut, restore } = pair();
    cut();
    alice.send('lost in transit');
    await flush();
    expect(bob.entries.value).toEqual([]);
    restore();
    alice.linkOpened('bob');
    alice.linkOpened('bob'); // a second reconnect before the ack: still one copy
    await flush();
    expect(bob.entries.value.map((e) => e.text)).toEqual(['lost in transit']);
    expect(alice.entries.value[0]!.pendingFor).toEqual([]);
  });

  it('keeps history in its store, so a reloaded chat has it and still resends what is pending', async () => {
    const { alice, store, cut } = pair();
    cut();
    alice.send('before reload');
    await new Promise((r) => setTimeout(r, 0));
    const sent: MeshMessage[] = [];
    const reloaded = createChat({
      sessionId: 's1',
      self: { participantId: 'alice', name: 'ALICE' },
      store: store.alice,
      recipients: () => ['bob'],
      nameOf: () => '',
      send: (_to, m) => (sent.push(m), true),
    });
    await reloaded.load();
    expect(reloaded.entries.value.map((e) => e.text)).toEqual(['before reload']);
    reloaded.linkOpened('bob');
    expect(sent).toMatchObject([{ type: 'chat', text: 'before reload' }]);
  });

  it('names the sender from the connection, whatever the message says', async () => {
    const { bob } = pair();
    bob.receive('alice', { type: 'chat', id: 'abcdefgh12', text: 'hi', sentAt: 1, thread: 'all', senderName: 'Rep' } as never);
    expect(bob.entries.value.map((e) => [e.senderId, e.senderName])).toEqual([['alice', 'ALICE']]);
  });

  it('delivers to a newcomer what was sent after they joined, even before their arrival was known', async () => {
    const sent: [string, MeshMessage][] = [];
    let clock = 1000;
    const chat = createChat({
      sessionId: 's1',
      self: { participantId: 'rep', name: 'Rep' },
      store: createMemoryChatStore(),
      recipients: () => [],
      nameOf: () => '',
      send: (to, m) => (sent.push([to, m]), true),
      now: () => clock,
    });
    chat.send('said before they came');
    clock = 2000;
    chat.send('said after they joined');
    chat.participantJoined('cust', 1500);
    expect(sent.map(([to, m]) => [to, m.type === 'chat' && m.text])).toEqual([['cust', 'said after they joined']]);
    chat.participantJoined('cust', 1500); // the same event replayed: nothing more
    expect(sent).toHaveLength(1);
    chat.receive('cust', { type: 'chat-ack', id: (sent[0]![1] as { id: string }).id });
    expect(chat.entries.value.find((e) => e.text === 'said after they joined')!.pendingFor).toEqual([]);
  });

  it('stops waiting for acks from someone who left', async () => {
    const { alice, cut } = pair();
    cut();
    alice.send('anyone?');
    alice.participantLeft('bob');
    expect(alice.entries.value[0]!.pendingFor).toEqual([]);
  });
});
