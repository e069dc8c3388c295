import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterTiming } from '../../broker/cluster/cluster';
import { startBroker, type TestBroker } from '../helpers/broker';
import { startRedis, type TestRedis } from '../helpers/redis';
import { onState, SHARED_STATES } from '../helpers/sharedState';
import { waitUntil } from './browser';
import { createWorld, REP, type World } from './fixtures';
import { JoinPage } from './pages/join-page';
import { waitForLiveVideo } from './pages/video';

// Several brokers (issue 16, point 3): the rep's extension talks to broker A, the customer's page to
// broker B (one Redis; one PostgreSQL database, or one SQLite file); they chat and share a screen over
// WebRTC links whose signaling crossed brokers.
const TIMING: ClusterTiming = {
  mirror: { snapshotMs: 1_000, silentAfterMs: 5_000 },
  lease: { ttlMs: 5_000, renewMs: 1_000 },
  peers: { ttlMs: 10_000, renewMs: 3_000 },
};

describe.each(SHARED_STATES)('a rep on broker A helps a customer on broker B, on $name', (state) => {
  state.setUp();
  let redis: TestRedis;
  let world: World;
  let b: TestBroker;
  beforeAll(async () => {
    redis = await startRedis();
    const placement = await state.create();
    const options = onState(placement, { env: { REDIS_URL: redis.url }, clusterTiming: TIMING });
    world = await createWorld(options);
    b = await startBroker(options);
  });
  afterAll(async () => {
    await b?.close();
    await world?.close();
    await redis?.stop();
  });

  it('joins through B, and they chat both ways and share a screen', async () => {
    const { panel } = world;
    const { joinUrl } = await panel.startSession();
    // The same link, opened at broker B's address: its page, API, events socket and PeerServer are B's.
    const onB = joinUrl.replace(world.broker.url, b.url);
    expect(onB.startsWith(b.url)).toBe(true);
    const customer = await JoinPage.open(world.customerBrowser, onB);
    await customer.join('Casey Customer');
    await customer.waitForText(`You are connected with ${REP.name}`);
    await panel.waitForText('Casey Customer');
    // Connected over WebRTC: the customer's dot turns green in the rep's panel.
    await waitUntil(panel.page, () => document.querySelectorAll('.participants .dot.connected').length === 2);
    await panel.sendChat('Hello from broker A', 'Casey Customer');
    await customer.waitForText('Hello from broker A');
    await customer.sendChat('Hello from broker B');
    await panel.waitForText('Hello from broker B');
    expect(b.diagnostics.cluster!.peers.counts.arrived).toBeGreaterThan(0);
    expect(world.broker.diagnostics.cluster!.peers.counts.arrived).toBeGreaterThan(0);

    // The customer's screen, live in the rep's panel: a media call whose OFFER B relayed to A.
    await customer.shareScreen();
    await panel.waitForText("Casey Customer's screen");
    expect((await waitForLiveVideo(panel.page, 10)).width).toBeGreaterThan(0);
    await customer.stopSharing();

    await panel.endSession();
    await customer.waitForText('The session has ended');
  });
});
