import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_CLUSTER_TIMING as TIMING, until } from '../../helpers/cluster';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { startRedis, type TestRedis } from '../../helpers/redis';
import { onState, SHARED_STATES } from '../../helpers/sharedState';
import { eventSockets, joinByLink, nextEventOf, recordingLogger, startSessionAs } from './support';

// A Redis outage is logged and survived (issue 16): each broker serves its own clients meanwhile, and
// the cluster joins up again when Redis is back.
// On each shared state: one SQLite file, one PostgreSQL database.
describe.each(SHARED_STATES)('on $name', (state) => {
  state.setUp();
  let redis: TestRedis;
  let a: TestBroker;
  let b: TestBroker;
  const logA = recordingLogger();
  const socketsB = eventSockets(() => b.url);

  beforeAll(async () => {
    redis = await startRedis();
    const placement = await state.create();
    const options = { env: { REDIS_URL: redis.url }, clusterTiming: TIMING };
    a = await startBroker(onState(placement, { ...options, log: logA.log }));
    b = await startBroker(onState(placement, options));
  });
  afterAll(async () => {
    await socketsB.closeAll();
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it('keeps serving through a Redis outage, logged, and catches up and relays again once Redis is back', async () => {
    await until(() => a.diagnostics.cluster!.members.length === 1);
    const rita = await a.addRep();
    const token = await a.login(rita.email, rita.password);
    const { session } = await startSessionAs(a.url, token);
    // Rita's panel is on B, open through the outage.
    const { socket } = await socketsB.listen(token);
    await redis.kill();
    // A sign-in (rate limits in Redis), a session and a join on A, all while Redis is away.
    const cora = await a.addRep();
    await a.login(cora.email, cora.password);
    await startSessionAs(a.url, token);
    await joinByLink(a.url, session.joinUrl!, 'Ann');
    await until(() => logA.lines.some((l) => /^Redis: /.test(String(l.args[0]))));
    expect(logA.lines.filter((l) => l.level === 'error')).toEqual([]);

    await redis.start();
    // What B could not hear meanwhile comes from the store once it is connected again; then live again.
    expect((await nextEventOf(socket, 'participant-joined', session.id)).participant.name).toBe('Ann');
    await joinByLink(a.url, session.joinUrl!, 'Bob');
    expect((await nextEventOf(socket, 'participant-joined', session.id)).participant.name).toBe('Bob');
  }, 30_000);
});
