import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventsServerMessage } from '../../../core/protocol';
import { KEYS } from '../../../broker/cluster/channels';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { FAST_CLUSTER_TIMING, until } from '../../helpers/cluster';
import { startRedis, type TestRedis } from '../../helpers/redis';
import { onState, SHARED_STATES } from '../../helpers/sharedState';
import { Redis } from 'ioredis';
import { call, eventSockets, joinByLink, startSessionAs, type Socket } from './support';

// The once-per-cluster duties move when the broker leading them goes: a WebACD offer that runs out after
// the leader stopped is still passed on, by the broker that took over.
// On each shared state: one SQLite file, one PostgreSQL database.
describe.each(SHARED_STATES)('on $name', (state) => {
  state.setUp();
  let redis: TestRedis;
  let spy: Redis;
  let a: TestBroker;
  let b: TestBroker;

  beforeAll(async () => {
    redis = await startRedis();
    spy = new Redis(redis.url);
    const placement = await state.create();
    const env = { REDIS_URL: redis.url, TRANSFER_OFFER_SECONDS: '1' };
    const start = () => startBroker(onState(placement, { env, clusterTiming: FAST_CLUSTER_TIMING }));
    [a, b] = await Promise.all([start(), start()]);
    await until(async () => (await spy.get(KEYS.leader)) !== null);
  });
  afterAll(async () => {
    spy?.disconnect();
    await survivorSockets?.closeAll();
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  let survivorSockets: ReturnType<typeof eventSockets> | undefined;

  type Acd = Extract<EventsServerMessage, { type: 'acd' }>;
  async function standing(socket: Socket, until: (m: Acd) => boolean): Promise<Acd> {
    for (;;) {
      const message = await socket.next();
      if (message.type === 'acd' && until(message)) return message;
    }
  }

  it('passes on an offer that ran out after the leading broker stopped', async () => {
    const leaderId = await spy.get(KEYS.leader);
    const [leader, survivor] = a.diagnostics.cluster!.brokerId === leaderId ? [a, b] : [b, a];
    const sockets = (survivorSockets = eventSockets(() => survivor.url));
    const tessRep = await survivor.addRep({ name: 'Tess', isAgent: true });
    const cleoRep = await survivor.addRep({ name: 'Cleo', isAgent: true });
    const tess = await survivor.login(tessRep.email, tessRep.password);
    const cleo = await survivor.login(cleoRep.email, cleoRep.password);
    const { socket: tessSocket } = await sockets.listen(tess);
    const { socket: cleoSocket } = await sockets.listen(cleo);
    const { session } = await startSessionAs(survivor.url, tess);
    await joinByLink(survivor.url, session.joinUrl!, 'Ann');

    // The leader goes before the offer runs out (1 s); the survivor takes the lease and passes it on.
    await leader.stop();
    const res = await call(survivor.url, 'POST', `/api/sessions/${session.id}/transfer`, {
      token: tess,
      body: { agentIds: [cleoRep.id] },
    });
    expect(res.status).toBe(201);
    await standing(cleoSocket, (m) => m.offers.length === 1);
    const takeBack = await standing(tessSocket, (m) => m.offers.some((o) => o.takeBack));
    expect(takeBack.offers[0]).toMatchObject({ takeBack: true });
    expect(await spy.get(KEYS.leader)).toBe(survivor.diagnostics.cluster!.brokerId);
  });
});
