import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createBrokerClient } from '../../../core/broker/client';
import { isBrokerError } from '../../../core/broker/errors';
import { openEventStream } from '../../../core/broker/events';
import type { SessionEvent } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { until } from '../../helpers/cluster';
import { startFailoverProxy, type FailoverProxy } from '../../helpers/failoverProxy';
import { SignalingPeer } from '../../helpers/peer-signaling';
import { startRedis, type TestRedis } from '../../helpers/redis';
import { onState, SHARED_STATES } from '../../helpers/sharedState';

// Issue 16, point 4: broker A is killed (SIGKILL) mid-session; its clients, behind one address that
// fails over (a proxy without stickiness), reconnect to B, catch up from their last sequence number, and
// nothing the broker had acknowledged is lost. On each shared state: one SQLite file, one PostgreSQL database.
describe.each(SHARED_STATES)('on $name', (state) => {
  state.setUp();
  let redis: TestRedis;
  let a: TestBroker;
  let b: TestBroker;
  let proxy: FailoverProxy;
  const closers: (() => unknown)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const placement = await state.create();
    const start = () => startBroker(onState(placement, { mode: 'child', env: { REDIS_URL: redis.url } }));
    [a, b] = await Promise.all([start(), start()]);
    const ports = [a.port, b.port];
    proxy = await startFailoverProxy(() => ports);
  }, 60_000);
  afterAll(async () => {
    for (const close of closers.splice(0)) await close();
    await proxy?.close();
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it('clients of a killed broker reconnect to the other, catch up from their last sequence number, and lose nothing acknowledged', async () => {
    const account = await a.addRep({ name: 'Rita' });
    const token = await a.login(account.email, account.password);
    const rep = createBrokerClient({ baseUrl: proxy.url, getToken: () => token });
    const visitor = createBrokerClient({ baseUrl: proxy.url });
    const { session, self: ritaSelf } = await rep.createSession();
    const ann = await visitor.join({ invite: session.joinUrl!.split('#')[1]!, name: 'Ann' });

    // Ann's page: its events stream and its PeerServer socket, both through the one address (so on A).
    const events: SessionEvent[] = [];
    const live: boolean[] = [];
    const stream = openEventStream({
      baseUrl: proxy.url,
      token: ann.self.peerToken,
      since: { [session.id]: 0 },
      onEvent: (e) => events.push(e),
      onStatus: (status) => live.push(status),
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      reconnectPolicy: () => 50,
    });
    closers.push(() => stream.close());
    await until(() => live.includes(true));
    const annPeer = await SignalingPeer.connect(proxy.url, ann.self);
    closers.push(() => annPeer.terminate());
    await visitor.join({ invite: session.joinUrl!.split('#')[1]!, name: 'Bob' });
    await until(() => events.some((e) => e.type === 'participant-joined' && e.participant.name === 'Bob'));

    await a.kill();
    expect((await annPeer.closed).code).not.toBe(1000);
    // Acknowledged while A was gone (B answered): Cora joins, and the rep makes Bob the active customer.
    // A request that never reached a broker (a pooled connection to the dead one) is sent again, as a
    // client would; what counts is what a broker acknowledged.
    const cora = await untilReached(() => visitor.join({ invite: session.joinUrl!.split('#')[1]!, name: 'Cora' }));
    const bob = (await untilReached(() => rep.getSession(session.id))).participants.find((p) => p.name === 'Bob')!;
    await untilReached(() => rep.setActiveCustomer(session.id, bob.id));

    // Ann's stream came back (through the proxy, to B) and caught up from its last sequence number:
    // every event of the session once, in order, the ones after the kill included.
    await until(() => events.some((e) => e.type === 'active-customer' && e.participantId === bob.id));
    const stored = (await rep.getSession(session.id)).lastSeq;
    await until(() => events.at(-1)!.seq === stored);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: stored }, (_, i) => i + 1));
    expect(events.some((e) => e.type === 'participant-joined' && e.participant.id === cora.self.participantId)).toBe(true);

    // Ann's PeerServer socket too: connected again (to B), an OFFER from the rep (also on B) reaches her.
    const annAgain = await SignalingPeer.connect(proxy.url, ann.self);
    closers.push(() => annAgain.terminate());
    const ritaPeer = await SignalingPeer.connect(proxy.url, ritaSelf);
    closers.push(() => ritaPeer.terminate());
    const connectionId = ritaPeer.offer(ann.self.peerId);
    expect(await annAgain.next()).toMatchObject({ type: 'OFFER', src: ritaSelf.peerId, payload: { connectionId } });
  }, 60_000);
});

/** Runs `request` until it reaches a broker (a `network` failure never did; anything else is an answer). */
async function untilReached<T>(request: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await request();
    } catch (error) {
      if (!isBrokerError(error, 'network')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
