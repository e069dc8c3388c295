import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventsServerMessage } from '../../../core/protocol';
import { addQueue } from '../../../broker/acd/queues';
import { SERVER_KEY_FILE } from '../../../broker/auth/serverKey';
import { CHANNELS, KEYS } from '../../../broker/cluster/channels';
import { FAST_CLUSTER_TIMING as TIMING, until } from '../../helpers/cluster';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBroker, type TestBroker, type TestRep } from '../../helpers/broker';
import { SignalingPeer } from '../../helpers/peer-signaling';
import { startRedis, type TestRedis } from '../../helpers/redis';
import { onState, SHARED_STATES } from '../../helpers/sharedState';
import { assistByNumber, call, eventSockets, joinByLink, nextEventOf, startSessionAs, type Socket } from './support';

// Several brokers (issue 16, point 2): two real brokers and one real Redis, on each shared state (one
// SQLite file in one DATA_DIR; one PostgreSQL database with a DATA_DIR each, as in production).
describe.each(SHARED_STATES)('on $name', (state) => {
  state.setUp();
  let redis: TestRedis;
  let spy: Redis;
  let a: TestBroker;
  let b: TestBroker;
  const socketsA = eventSockets(() => a.url);
  const socketsB = eventSockets(() => b.url);
  const peers: SignalingPeer[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    spy = new Redis(redis.url);
    const placement = await state.create();
    const env = {
      REDIS_URL: redis.url,
      TRANSFER_OFFER_SECONDS: '30',
      ASSIST_BY_NUMBER_PER_ADDRESS: '1000',
      ASSIST_BY_NUMBER_PER_REP: '3',
    };
    // Both at once, as a deployment's brokers start: one makes the schema and the admin, and one key is shared.
    const start = () => startBroker(onState(placement, { env, clusterTiming: TIMING }));
    [a, b] = await Promise.all([start(), start()]);
    // Each knows the other before the tests begin.
    await until(() => a.diagnostics.cluster!.members.length === 1 && b.diagnostics.cluster!.members.length === 1);
  });
  afterEach(async () => {
    await Promise.all([socketsA.closeAll(), socketsB.closeAll(), ...peers.splice(0).map((p) => p.terminate())]);
  });
  afterAll(async () => {
    spy?.disconnect();
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  async function signedIn(broker: TestBroker, input: Parameters<TestBroker['addRep']>[0] = {}) {
    const rep = await broker.addRep(input);
    return { rep, token: await broker.login(rep.email, rep.password) };
  }

  async function connect(broker: TestBroker, self: { peerId: string; peerToken: string }) {
    const peer = await SignalingPeer.connect(broker.url, self);
    peers.push(peer);
    return peer;
  }

  describe('live events across brokers', () => {
    it('an event committed on A reaches an events socket on B, once', async () => {
      const rita = await signedIn(a);
      const { session } = await startSessionAs(a.url, rita.token);
      // Rita's panel talks to B; the customer joins through A.
      const { socket } = await socketsB.listen(rita.token);
      const ann = await joinByLink(a.url, session.joinUrl!, 'Ann');
      const joined = await nextEventOf(socket, 'participant-joined', session.id);
      expect(joined.participant.id).toBe(ann.participantId);
      // The next event is the next one in the log: nothing twice, nothing skipped.
      await call(a.url, 'POST', `/api/sessions/${session.id}/active-customer`, {
        token: rita.token,
        body: { participantId: ann.participantId },
      });
      const next = (await socket.next()) as EventsServerMessage;
      expect(next).toMatchObject({ type: 'event', event: { seq: joined.seq + 1 } });
    });

    it('events committed at once on both brokers reach a socket on each in sequence order, each once', async () => {
      const rita = await signedIn(a);
      const { session } = await startSessionAs(a.url, rita.token);
      const listeners = [await socketsA.listen(rita.token), await socketsB.listen(rita.token)];
      const customers = [await joinByLink(a.url, session.joinUrl!, 'Ann'), await joinByLink(b.url, session.joinUrl!, 'Bob')];
      // The rep's two panels switch the active customer back and forth, one through each broker, all at once.
      const switches = Array.from({ length: 40 }, (_, i) =>
        call([a, b][i % 2]!.url, 'POST', `/api/sessions/${session.id}/active-customer`, {
          token: rita.token,
          body: { participantId: customers[Math.floor(i / 2) % 2]!.participantId },
        }),
      );
      expect((await Promise.all(switches)).map((r) => r.status)).toEqual(switches.map(() => 200));
      const last = await a.store.lastSeq(session.id);
      for (const { socket, messages: replayed } of listeners) {
        const seqs: number[] = [];
        const take = (message: EventsServerMessage) => {
          if (message.type === 'event' && message.event.sessionId === session.id) seqs.push(message.event.seq);
        };
        replayed.forEach(take);
        while (seqs.at(-1) !== last) take(await socket.next());
        expect(seqs).toEqual(Array.from({ length: last }, (_, i) => i + 1));
      }
    });

    it('presence is shared: a customer on A shows online to the rep on B, and offline once gone', async () => {
      const rita = await signedIn(a);
      const { session, self: ritaSelf } = await startSessionAs(b.url, rita.token);
      const { socket: ritaSocket } = await socketsB.listen(rita.token);
      const ann = await joinByLink(b.url, session.joinUrl!, 'Ann');
      const { socket: annSocket } = await socketsA.listen(ann.peerToken, { [session.id]: 0 });
      await ritaSocket.presenceUntil(session.id, [ritaSelf.participantId, ann.participantId]);
      await annSocket.close();
      await ritaSocket.presenceUntil(session.id, [ritaSelf.participantId]);
    });
  });

  describe('PeerServer signaling across brokers', () => {
    it('relays an OFFER from a peer on A to a peer on B, and the ANSWER back', async () => {
      const rita = await signedIn(a);
      const { session, self: ritaSelf } = await startSessionAs(a.url, rita.token);
      const ann = await joinByLink(a.url, session.joinUrl!, 'Ann');
      const ritaPeer = await connect(a, ritaSelf);
      const annPeer = await connect(b, ann);
      await until(async () => (await spy.get(KEYS.peer(ann.peerId))) === b.diagnostics.cluster!.brokerId);
      const forwarded = a.diagnostics.cluster!.peers.counts.forwarded;
      const connectionId = ritaPeer.offer(ann.peerId);
      expect(await annPeer.next()).toMatchObject({ type: 'OFFER', src: ritaSelf.peerId, payload: { connectionId } });
      expect(a.diagnostics.cluster!.peers.counts.forwarded).toBe(forwarded + 1);
      annPeer.send({ type: 'ANSWER', dst: ritaSelf.peerId, payload: { connectionId, sdp: { type: 'answer', sdp: 'v=0' } } });
      expect(await ritaPeer.next()).toMatchObject({ type: 'ANSWER', src: ann.peerId, payload: { connectionId } });
    });

    it('keeps signaling inside the session: an OFFER to a peer of another session on B is refused on A, and a forged one in Redis on B', async () => {
      const rita = await signedIn(a);
      const one = await startSessionAs(a.url, rita.token);
      const two = await startSessionAs(a.url, rita.token);
      const ann = await joinByLink(a.url, one.session.joinUrl!, 'Ann');
      const zed = await joinByLink(a.url, two.session.joinUrl!, 'Zed');
      const zedPeer = await connect(a, zed);
      const annPeer = await connect(b, ann);
      await until(async () => (await spy.get(KEYS.peer(ann.peerId))) !== null);
      const before = { ...a.diagnostics.signaling.dropped };
      zedPeer.offer(ann.peerId);
      await a.diagnostics.signaling.until((s) => s.dropped.otherSession === before.otherSession + 1);

      // A forged relay straight into B's channel, claiming Zed as the sender: B checks it again.
      const beforeB = { ...b.diagnostics.signaling.dropped };
      const bId = b.diagnostics.cluster!.brokerId;
      const forged = (src: string) => ({
        kind: 'signal',
        from: a.diagnostics.cluster!.brokerId,
        src,
        message: { type: 'OFFER', dst: ann.peerId, payload: { type: 'data', connectionId: 'dc_forged', serialization: 'json' } },
      });
      await spy.publish(CHANNELS.to(bId), JSON.stringify(forged(zed.peerId)));
      await b.diagnostics.signaling.until((s) => s.dropped.otherSession === beforeB.otherSession + 1);
      // From a peer id nobody has.
      await spy.publish(CHANNELS.to(bId), JSON.stringify(forged(`p${'x'.repeat(30)}`)));
      await b.diagnostics.signaling.until((s) => s.dropped.senderGone === beforeB.senderGone + 1);
      // Ann got nothing of it: the next thing she hears is an honest OFFER from her own session.
      const ritaPeer = await connect(a, one.self);
      const probe = ritaPeer.offer(ann.peerId);
      expect(await annPeer.next()).toMatchObject({ type: 'OFFER', src: one.self.peerId, payload: { connectionId: probe } });
    });

    it('a peer that reconnects to B has its older socket on A closed, and signaling follows it to B', async () => {
      const rita = await signedIn(a);
      const { session, self: ritaSelf } = await startSessionAs(a.url, rita.token);
      const ann = await joinByLink(a.url, session.joinUrl!, 'Ann');
      const ritaPeer = await connect(a, ritaSelf);
      const stale = await connect(a, ann);
      const annOnB = await connect(b, ann);
      expect(await stale.closed).toEqual({ code: 1008, reason: 'Connected elsewhere' });
      await until(async () => (await spy.get(KEYS.peer(ann.peerId))) === b.diagnostics.cluster!.brokerId);
      const connectionId = ritaPeer.offer(ann.peerId);
      expect(await annOnB.next()).toMatchObject({ type: 'OFFER', src: ritaSelf.peerId, payload: { connectionId } });
    });

    it('signaling sent before the peer connected reaches it when it connects to the other broker', async () => {
      const rita = await signedIn(a);
      const { session, self: ritaSelf } = await startSessionAs(a.url, rita.token);
      const ann = await joinByLink(a.url, session.joinUrl!, 'Ann');
      const ritaPeer = await connect(a, ritaSelf);
      const relayed = a.diagnostics.signaling.relayed;
      const connectionId = ritaPeer.offer(ann.peerId);
      await a.diagnostics.signaling.until((s) => s.relayed === relayed + 1);
      const annPeer = await connect(b, ann);
      expect(await annPeer.next()).toMatchObject({ type: 'OFFER', src: ritaSelf.peerId, payload: { connectionId } });
    });

    it('a peer cut off for flooding on A is refused at B too', async () => {
      const rita = await signedIn(a);
      const { session, self: ritaSelf } = await startSessionAs(a.url, rita.token);
      const ann = await joinByLink(a.url, session.joinUrl!, 'Ann');
      await connect(a, ritaSelf);
      const hostile = await connect(a, ann);
      for (let i = 0; i < 550; i++) hostile.offer(ritaSelf.peerId);
      expect(await hostile.closed).toEqual({ code: 1008, reason: 'Too many signaling messages' });
      await until(async () => (await spy.pttl(KEYS.cutOff(ann.peerId))) > 0);
      await expect(SignalingPeer.connect(b.url, ann)).rejects.toThrow(/^HTTP 429, Retry-After \d+$/);
    });

    it('drops hostile Redis messages (not JSON, wrong shape, unbounded fields, oversized) and keeps working', async () => {
      const counts = b.diagnostics.cluster!.inbox.counts;
      const before = { ...counts.dropped };
      const bId = b.diagnostics.cluster!.brokerId;
      const from = a.diagnostics.cluster!.brokerId;
      await spy.publish(CHANNELS.all, '{not json');
      await spy.publish(CHANNELS.all, JSON.stringify({ kind: 'event', from, event: { type: 'session-ended' } }));
      await spy.publish(
        CHANNELS.all,
        JSON.stringify({ kind: 'presence', from: 'x'.repeat(500), participantId: 'a', sessionId: 'b', heard: true }),
      );
      await spy.publish(CHANNELS.all, JSON.stringify({ kind: 'rep', from, repId: 'r'.repeat(20), heard: true, extra: 1 }));
      await spy.publish(
        CHANNELS.to(bId),
        JSON.stringify({ kind: 'rep-push', from, repId: 'r'.repeat(20), message: { type: 'nope' } }),
      );
      await spy.publish(CHANNELS.to(bId), JSON.stringify({ kind: 'signal', from, src: 'p1', message: { type: 'HEARTBEAT' } }));
      await spy.publish(CHANNELS.all, 'x'.repeat(9 * 1024 * 1024));
      const big = {
        kind: 'signal',
        from,
        src: `p${'a'.repeat(30)}`,
        message: { type: 'CANDIDATE', dst: `p${'b'.repeat(30)}`, payload: { connectionId: 'dc_1', pad: 'x'.repeat(40_000) } },
      };
      await spy.publish(CHANNELS.to(bId), JSON.stringify(big));
      await until(() => counts.dropped.malformed >= before.malformed + 6 && counts.dropped.oversized >= before.oversized + 2);
      // Still serving, and still hearing A.
      const rita = await signedIn(a);
      const { session } = await startSessionAs(a.url, rita.token);
      const { socket } = await socketsB.listen(rita.token);
      await joinByLink(a.url, session.joinUrl!, 'Ann');
      await nextEventOf(socket, 'participant-joined', session.id);
    });
  });

  describe('shared state', () => {
    it('a rate limit holds across both brokers', async () => {
      // ASSIST_BY_NUMBER_PER_REP is 3 a minute: three tries spread over A and B use it up on both.
      const cora = await signedIn(a);
      const tryOn = (broker: TestBroker) =>
        call(broker.url, 'POST', '/api/sessions/by-number/987654321/assist', { token: cora.token, body: {} });
      expect([(await tryOn(a)).status, (await tryOn(b)).status, (await tryOn(a)).status]).toEqual([404, 404, 404]);
      const refused = await tryOn(b);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await tryOn(a)).status).toBe(429);
    });

    it('a long poll on B wakes when the knock is admitted on A', async () => {
      const rita = await signedIn(a);
      const { session } = await startSessionAs(a.url, rita.token);
      const knock = await call(b.url, 'POST', '/api/join-by-number', { body: { number: session.number, name: 'Kim' } });
      expect(knock.status).toBe(201);
      const { waitId, waitToken } = knock.body as { waitId: string; waitToken: string };
      // Longer than the test may take: only the wake-up from A can answer it in time.
      const polled = call(b.url, 'POST', '/api/join-by-number/status', { body: { waitToken, waitMs: 25_000 } });
      await until(() => b.diagnostics.parkedPolls() === 1);
      const admitted = await call(a.url, 'POST', `/api/sessions/${session.id}/admit`, { token: rita.token, body: { waitId } });
      expect(admitted.status).toBe(200);
      expect((await polled).body).toMatchObject({ status: 'admitted', sessionId: session.id });
    });

    it('the brokers share one server key, held in Redis: the one the first to start offered', async () => {
      const key = await spy.get(KEYS.serverKey);
      const files = [a, b].map((x) => readFileSync(join(x.dataDir, SERVER_KEY_FILE), 'utf8').trim());
      expect(files).toContain(key);
    });

    it('two brokers that started at once made one admin, who signs in on both', async () => {
      expect(await a.store.findRepByEmail(a.admin.email)).toMatchObject({ isAdmin: true });
      for (const broker of [a, b]) await broker.login(broker.admin.email, broker.admin.password);
    });

    it('one broker leads the once-per-cluster duties', async () => {
      const leader = await spy.get(KEYS.leader);
      expect([a.diagnostics.cluster!.brokerId, b.diagnostics.cluster!.brokerId]).toContain(leader);
      expect([a, b].filter((x) => x.diagnostics.cluster!.duty.leads())).toHaveLength(1);
    });
  });

  describe('WebACD across brokers', () => {
    type Acd = Extract<EventsServerMessage, { type: 'acd' }>;
    async function standing(socket: Socket, until: (m: Acd) => boolean): Promise<Acd> {
      for (;;) {
        const message = await socket.next();
        if (message.type === 'acd' && until(message)) return message;
      }
    }
    async function agentOn(broker: TestBroker, sockets: typeof socketsA, name: string) {
      const { rep, token } = await signedIn(broker, { name, isAgent: true });
      const { socket } = await sockets.listen(token);
      await standing(socket, () => true);
      return { rep, token, socket };
    }
    const queue = (name: string, agents: TestRep[]) =>
      addQueue(
        a.store,
        name,
        'everybody',
        agents.map((x) => x.email),
        Date.now(),
      );

    it('an agent on B is offered, and takes, a session transferred on A to them by name', async () => {
      const tess = await agentOn(a, socketsA, 'Tess Transferrer');
      const cleo = await agentOn(b, socketsB, 'Cleo Named');
      const { session } = await startSessionAs(a.url, tess.token);
      await joinByLink(a.url, session.joinUrl!, 'Ann');
      const res = await call(a.url, 'POST', `/api/sessions/${session.id}/transfer`, {
        token: tess.token,
        body: { agentIds: [cleo.rep.id] },
      });
      expect(res.status).toBe(201);
      const transferId = (res.body as { transfer: { id: string } }).transfer.id;
      expect((await standing(cleo.socket, (m) => m.offers.length === 1)).offers[0]!.id).toBe(transferId);
      const taken = await call(b.url, 'POST', `/api/transfers/${transferId}/accept`, { token: cleo.token, body: {} });
      expect(taken.status).toBe(201);
      expect(taken.body).toMatchObject({ sessionId: session.id });
    });

    it('offers a transfer made on A to agents on both brokers; two accepts on two brokers at once: exactly one wins', async () => {
      const tess = await agentOn(a, socketsA, 'Tess Transferrer');
      const bob = await agentOn(a, socketsA, 'Bob Billing');
      const cleo = await agentOn(b, socketsB, 'Cleo Billing');
      const billing = await queue(`Billing ${Date.now()}`, [bob.rep, cleo.rep]);
      const { session } = await startSessionAs(a.url, tess.token);
      await joinByLink(a.url, session.joinUrl!, 'Ann');
      // Cleo's socket is on B: A (or whichever leads) must count her online and reach her.
      await until(() => a.diagnostics.cluster !== null && b.diagnostics.cluster !== null);
      const res = await call(a.url, 'POST', `/api/sessions/${session.id}/transfer`, {
        token: tess.token,
        body: { queueId: billing.id },
      });
      expect(res.status).toBe(201);
      const transferId = (res.body as { transfer: { id: string } }).transfer.id;
      for (const agent of [bob, cleo])
        expect((await standing(agent.socket, (m) => m.offers.length === 1)).offers[0]!.id).toBe(transferId);

      const accept = (broker: TestBroker, token: string) =>
        call(broker.url, 'POST', `/api/transfers/${transferId}/accept`, { token, body: {} });
      const results = await Promise.all([accept(a, bob.token), accept(b, cleo.token)]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      // The loser, wherever they are, is told who took it.
      const loser = results[0]!.status === 409 ? bob : cleo;
      for (;;) {
        const message = await loser.socket.next();
        if (message.type === 'offer-closed') break;
      }
    });
  });

  describe('assisting across brokers', () => {
    it('a colleague on B assists by number in a session started on A', async () => {
      const rita = await signedIn(a);
      const cora = await signedIn(b);
      const { session } = await startSessionAs(a.url, rita.token);
      const { socket } = await socketsA.listen(rita.token);
      const self = await assistByNumber(b.url, session.number, cora.token);
      expect((await nextEventOf(socket, 'participant-joined', session.id)).participant.id).toBe(self.participantId);
    });
  });
});
