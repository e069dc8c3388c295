import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBrokerClient, type BrokerClient } from '../../../core/broker/client';
import { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import type { SessionRuntime } from '../../../core/session/runtime';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { runtimeOver, sessionWithAssistant } from './runtime-support';
import { linkToken } from '../broker/support';

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
};

/**
 * Two customers in one session with a rep and an assistant, over the in-memory mesh against a real
 * broker: what each one's page receives, message by message (the wire, not the screen).
 */
describe('a session with two customers', () => {
  let broker: TestBroker;
  let runtimes: SessionRuntime[];
  /** Every mesh message delivered, by receiving peer id. */
  let wire: Map<string, unknown[]>;
  let network: ReturnType<typeof createMemoryNetwork>;
  let people: Record<'rep' | 'assistant' | 'ann' | 'bea', SessionRuntime>;

  async function runtimeFor(client: BrokerClient, sessionId: string, eventsToken: string, onSignedOut?: () => void) {
    const runtime = await runtimeOver(network, client, sessionId, eventsToken, onSignedOut ? { onSignedOut } : {});
    runtimes.push(runtime);
    return runtime;
  }

  beforeEach(async () => {
    broker = await startBroker();
    runtimes = [];
    wire = new Map();
    network = createMemoryNetwork({ tap: (_from, to, message) => wire.set(to, [...(wire.get(to) ?? []), message]) });
    const { session, rita, bob } = await sessionWithAssistant(broker);
    const join = async (name: string) => {
      const anonymous = createBrokerClient({ baseUrl: broker.url });
      const { self } = await anonymous.join({ invite: linkToken(session.joinUrl!), name });
      return runtimeFor(createBrokerClient({ baseUrl: broker.url, getToken: () => self.peerToken }), session.id, self.peerToken);
    };
    people = {
      rep: await runtimeFor(rita.client, session.id, rita.token),
      assistant: await runtimeFor(bob.client, session.id, bob.token),
      ann: await join('Ann Customer'),
      bea: await join('Bea Customer'),
    };
    const everyone = Object.values(people);
    await until(() => everyone.every((r) => r.present.value.length === 4 && r.linkStates.value.size === 3));
    await until(() => everyone.every((r) => [...r.linkStates.value.values()].every((s) => s === 'connected')));
  });
  afterEach(async () => {
    runtimes.forEach((r) => r.dispose());
    await broker.close();
  });

  const texts = (runtime: SessionRuntime) => runtime.chat.log.all().map((e) => e.text);
  const heardOnTheWire = (runtime: SessionRuntime, text: string) =>
    (wire.get(runtime.self.peerId) ?? []).some((m) => JSON.stringify(m).includes(text));

  it('a customer’s conversation reaches the reps only: the other customer never receives it', async () => {
    const { rep, assistant, ann, bea } = people;
    ann.chat.send('my email password is hunter2', ann.self.participantId);
    await until(() => texts(rep).includes('my email password is hunter2') && texts(assistant).length === 1);
    rep.chat.send('Thanks Ann, change it after we are done', ann.self.participantId);
    await until(() => texts(ann).includes('Thanks Ann, change it after we are done'));
    await until(() => texts(assistant).length === 2); // reps share the reps' side of every thread
    assistant.chat.send('I can take Bea', bea.self.participantId);
    await until(() => texts(bea).includes('I can take Bea'));
    rep.chat.send('Hello both of you', 'all');
    await until(() => texts(ann).includes('Hello both of you') && texts(bea).includes('Hello both of you'));

    expect(texts(bea)).toEqual(['I can take Bea', 'Hello both of you']);
    expect(heardOnTheWire(bea, 'hunter2')).toBe(false);
    expect(heardOnTheWire(bea, 'change it after')).toBe(false);
    expect(texts(ann)).not.toContain('I can take Bea');
    expect(heardOnTheWire(ann, 'I can take Bea')).toBe(false);
    expect(rep.chat.log.all().map((e) => [e.text, e.thread])).toEqual([
      ['my email password is hunter2', ann.self.participantId],
      ['Thanks Ann, change it after we are done', ann.self.participantId],
      ['I can take Bea', bea.self.participantId],
      ['Hello both of you', 'all'],
    ]);
  });

  it('a hostile customer can neither post into another thread, nor to everyone, nor chat to a customer, nor pose as the rep', async () => {
    const { rep, ann } = people;
    // Mallory joins like anyone, then speaks raw mesh messages instead of running the page.
    const anonymous = createBrokerClient({ baseUrl: broker.url });
    const { self } = await anonymous.join({ invite: linkToken(rep.session.value.joinUrl!), name: 'Mallory' });
    const mallory = network.join(self.peerId);
    await until(() => rep.present.value.length === 5 && ann.present.value.length === 5);
    const toRep = mallory.connect(rep.self.peerId);
    const toAnn = mallory.connect(ann.self.peerId);
    await until(() => toRep.isOpen && toAnn.isOpen);
    const chat = (id: string, text: string, thread: string, extra: object = {}) => ({
      type: 'chat',
      id,
      text,
      sentAt: Date.now(),
      thread,
      ...extra,
    });
    toRep.send(chat('mallory-001', 'into Ann’s thread', ann.self.participantId));
    toRep.send(chat('mallory-002', 'to everyone', 'all'));
    toAnn.send(chat('mallory-003', 'psst Ann, your password?', ann.self.participantId));
    toAnn.send(chat('mallory-004', 'to everyone, at Ann', 'all'));
    toRep.send(
      chat('mallory-005', 'I am Rita Rep', self.participantId, { senderId: rep.self.participantId, senderName: 'Rita Rep' }),
    );
    await until(() => texts(rep).includes('I am Rita Rep'));
    // Ann's two were handled once she counted them as refused.
    await until(() => ann.droppedMessages >= 2);
    expect(texts(ann)).toEqual([]);
    expect(rep.chat.log.all().map((e) => [e.text, e.senderName, e.thread])).toEqual([
      ['I am Rita Rep', 'Mallory', self.participantId],
    ]);
    expect(ann.droppedMessages).toBe(2);
    expect(rep.droppedMessages).toBe(2);
    mallory.destroy();
  });

  it('only the active customer may share; the others are told why', async () => {
    const { rep, ann, bea } = people;
    await until(() => ann.canShare.value); // the first customer became active
    expect(bea.canShare.value).toBe(false);
    expect(await bea.share.start()).toEqual({ ok: false, notAllowed: true });
    await rep.setActiveCustomer(bea.self.participantId);
    await until(() => bea.canShare.value && !ann.canShare.value);
    expect(bea.notice.value?.kind).toBe('your-turn');
  });
});
