import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createBrokerClient, type BrokerClient } from '../../../core/broker/client';
import { openEventStream } from '../../../core/broker/events';
import type { SessionEvent } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';

// The client half of "no state is lost to a dropped socket or a broker restart", against a real broker.
let broker: TestBroker;
let rep: BrokerClient;
let streams: { close(): void }[] = [];

beforeEach(async () => {
  broker = await startBroker();
  const account = await broker.addRep({ name: 'Rita' });
  const token = await broker.login(account.email, account.password);
  rep = createBrokerClient({ baseUrl: broker.url, getToken: () => token });
});
afterEach(async () => {
  streams.forEach((s) => s.close());
  streams = [];
  await broker.close();
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

function follow(token: string, since: Record<string, number>) {
  const events: SessionEvent[] = [];
  const status: boolean[] = [];
  const stream = openEventStream({
    baseUrl: broker.url,
    token,
    since,
    onEvent: (e) => events.push(e),
    onStatus: (live) => status.push(live),
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    reconnectPolicy: () => 20,
  });
  streams.push(stream);
  return { events, status, stream };
}

const join = (joinUrl: string, name: string) =>
  createBrokerClient({ baseUrl: broker.url }).join({ invite: joinUrl.split('#')[1]!, name });

describe('event stream', () => {
  it('delivers what happened after the snapshot, in order, once', async () => {
    const { session } = await rep.createSession();
    const { lastSeq } = await rep.getSession(session.id);
    const { events, status } = follow((await join(session.joinUrl!, 'Ann')).self.peerToken, { [session.id]: lastSeq });
    await until(() => status.includes(true));
    await join(session.joinUrl!, 'Bob');
    await until(() => events.length === 3);
    // Ann, the first customer, becomes the active one in the same commit as her join.
    expect(events.map((e) => (e.type === 'participant-joined' ? e.participant.name : e.type))).toEqual([
      'Ann',
      'active-customer',
      'Bob',
    ]);
    expect(events.map((e) => e.seq)).toEqual([lastSeq + 1, lastSeq + 2, lastSeq + 3]);
  });

  it('catches up after a broker restart, losing nothing', async () => {
    const { session } = await rep.createSession();
    const { lastSeq } = await rep.getSession(session.id);
    const ann = await join(session.joinUrl!, 'Ann');
    const { events, status } = follow(ann.self.peerToken, { [session.id]: lastSeq });
    await until(() => events.length === 2 && status.includes(true));

    await broker.stop();
    await until(() => status.at(-1) === false);
    await broker.start();
    await join(session.joinUrl!, 'Bob'); // happens while the client may still be reconnecting
    await until(() => events.length === 3);
    await rep.end(session.id);
    await until(() => events.length === 4);
    expect(events.map((e) => e.type)).toEqual(['participant-joined', 'active-customer', 'participant-joined', 'session-ended']);
    expect(new Set(events.map((e) => e.seq)).size).toBe(4);
  });
});
