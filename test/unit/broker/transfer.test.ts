import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JoinResponse, SessionDetail, TransferList, type EventsServerMessage, type QueueRouting } from '../../../core/protocol';
import { addQueue } from '../../../broker/acd/queues';
import { startBroker, type TestBroker, type TestRep } from '../../helpers/broker';
import { call, eventSockets, expectError, joinByLink, nextEventOf, startSessionAs, type Socket } from './support';

// WebACD (issue 12): agents, queues, transferring a session and taking it (broker side, real sockets).
let broker: TestBroker;
const sockets = eventSockets(() => broker.url);
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeEach(async () => {
  broker = await startBroker({ env: { TRANSFER_OFFER_SECONDS: '1', QUEUE_WAIT_LIMIT_SECONDS: '3' } });
});
afterEach(async () => {
  await sockets.closeAll();
  await broker.close();
});

interface Agent {
  rep: TestRep;
  token: string;
  socket: Socket;
}

/** An agent signed in with their panel open (an events socket: online for WebACD). */
async function agent(name: string, mode: 'single' | 'multi' = 'multi'): Promise<Agent> {
  const rep = await broker.addRep({ name, isAgent: true, mode });
  const token = await broker.login(rep.email, rep.password);
  const { socket } = await sockets.listen(token);
  await standing(socket, () => true);
  return { rep, token, socket };
}

type Acd = Extract<EventsServerMessage, { type: 'acd' }>;
type OfferClosed = Extract<EventsServerMessage, { type: 'offer-closed' }>;

/** Reads the socket until a WebACD standing that satisfies `until`. */
async function standing(socket: Socket, until: (m: Acd) => boolean): Promise<Acd> {
  for (;;) {
    const message = await socket.next();
    if (message.type === 'acd' && until(message)) return message;
  }
}
async function closedOffer(socket: Socket): Promise<OfferClosed> {
  for (;;) {
    const message = await socket.next();
    if (message.type === 'offer-closed') return message;
  }
}

/** Ann the customer in a session Tess (an agent) controls. */
async function sessionWithCustomer(tess: Agent) {
  const { session, self } = await startSessionAs(broker.url, tess.token);
  const ann = await joinByLink(broker.url, session.joinUrl!, 'Ann');
  const { socket: annSocket } = await sockets.listen(ann.peerToken, { [session.id]: 0 });
  return { session, tessSelf: self, ann, annSocket };
}

const queue = (name: string, agents: TestRep[], routing: QueueRouting = 'everybody') =>
  addQueue(
    broker.store,
    name,
    routing,
    agents.map((a) => a.email),
    Date.now(),
  );
const transfer = (sessionId: string, token: string, body: unknown) =>
  api('POST', `/api/sessions/${sessionId}/transfer`, { token, body });
const accept = (transferId: string, token: string) => api('POST', `/api/transfers/${transferId}/accept`, { token, body: {} });
const detail = async (sessionId: string, token: string) =>
  v.parse(SessionDetail, (await api('GET', `/api/sessions/${sessionId}`, { token })).body);

describe('transferring to a queue', () => {
  it('offers it to every available agent with the message; the first accept wins, the others are told who took it', async () => {
    const tess = await agent('Tess Transferrer');
    const bob = await agent('Bob Billing');
    const cleo = await agent('Cleo Billing');
    const billing = await queue('Billing', [bob.rep, cleo.rep]);
    const { session, tessSelf, annSocket } = await sessionWithCustomer(tess);

    const res = await transfer(session.id, tess.token, { queueId: billing.id, message: 'Invoice question 🙂' });
    expect(res.status).toBe(201);
    const transferId = res.body.transfer.id as string;
    expect(res.body.transfer).toMatchObject({ sessionNumber: session.number, customers: ['Ann'], target: { queue: 'Billing' } });

    // The customer is told, and where they stand in the line; the transferring rep is out of the session.
    expect(await nextEventOf(annSocket, 'transfer-started', session.id)).toMatchObject({
      from: tessSelf.participantId,
      target: { queue: 'Billing' },
    });
    expect(await nextEventOf(annSocket, 'participant-left', session.id)).toMatchObject({ participantId: tessSelf.participantId });
    expect(await nextEventOf(annSocket, 'transfer-position', session.id)).toMatchObject({ position: 1 });
    expect((await api('GET', '/api/sessions', { token: tess.token })).body.sessions).toEqual([]);
    expect((await standing(tess.socket, (m) => m.sent.length === 1)).sent[0]).toMatchObject({ id: transferId });

    // Both agents see the card, with the message.
    for (const a of [bob, cleo]) {
      const offer = (await standing(a.socket, (m) => m.offers.length === 1)).offers[0]!;
      expect(offer).toMatchObject({
        id: transferId,
        from: 'Tess Transferrer',
        queue: 'Billing',
        message: 'Invoice question 🙂',
        customers: ['Ann'],
        takeBack: false,
        expiresAt: null,
      });
    }
    const list = v.parse(TransferList, (await api('GET', '/api/transfers', { token: bob.token })).body);
    expect(list.offers.map((o) => o.id)).toEqual([transferId]);

    // Two accepts at once: exactly one wins.
    const [first, second] = await Promise.all([accept(transferId, bob.token), accept(transferId, cleo.token)]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([201, 409]);
    const [winner, loser] = first.status === 201 ? [bob, cleo] : [cleo, bob];
    const won = v.parse(JoinResponse, (first.status === 201 ? first : second).body);
    expect(won.self.role).toBe('controller');
    expect(await closedOffer(loser.socket)).toMatchObject({ transferId, reason: 'taken', by: winner.rep.name });

    // The customer sees the new controller join and the transfer end; the detail agrees.
    expect(await nextEventOf(annSocket, 'participant-joined', session.id)).toMatchObject({
      participant: { name: winner.rep.name, role: 'controller' },
    });
    expect(await nextEventOf(annSocket, 'transfer-ended', session.id)).toMatchObject({
      outcome: 'accepted',
      controllerId: won.self.participantId,
    });
    const after = await detail(session.id, winner.token);
    expect(after.transfer).toBeNull();
    expect(after.session.joinUrl).toBe(session.joinUrl);
    expect(after.transfers).toEqual([
      expect.objectContaining({ id: transferId, outcome: 'accepted', controllerId: won.self.participantId }),
    ]);
    expect((await broker.store.listAudit(session.id)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['transfer', 'transfer-offer', 'transfer-accepted']),
    );
  });

  it('offers one agent at a time with most-idle routing, passing on after a decline and after a timeout', async () => {
    const tess = await agent('Tess');
    const agents = [await agent('Agent One'), await agent('Agent Two'), await agent('Agent Three')];
    const q = await queue(
      'Support',
      agents.map((a) => a.rep),
      'most-idle',
    );
    const { session } = await sessionWithCustomer(tess);
    const { transfer: t } = (await transfer(session.id, tess.token, { queueId: q.id })).body;
    /** The offers made so far, once there are `count`: one at a time, so the newest is the only open one. */
    const offersUntil = async (count: number) => {
      for (;;) {
        const offers = await broker.store.acd.listOffers(t.id);
        if (offers.length >= count) return offers;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const byRep = (repId: string) => agents.find((a) => a.rep.id === repId)!;

    const [first] = await offersUntil(1);
    expect(await broker.store.acd.listOffers(t.id)).toHaveLength(1);
    const firstTo = byRep(first!.repId);
    expect((await api('POST', `/api/transfers/${t.id}/decline`, { token: firstTo.token, body: {} })).status).toBe(200);
    // The next agent gets it; unanswered for TRANSFER_OFFER_SECONDS, it passes to the third.
    const second = (await offersUntil(2))[1]!;
    expect(second.repId).not.toBe(firstTo.rep.id);
    const third = (await offersUntil(3))[2]!;
    expect(await closedOffer(byRep(second.repId).socket)).toMatchObject({ reason: 'expired' });
    expect(new Set([first!.repId, second.repId, third.repId]).size).toBe(3);
    // Declined and timed-out agents are never asked again.
    expect((await accept(t.id, firstTo.token)).status).toBe(409);
    expect((await accept(t.id, byRep(third.repId).token)).status).toBe(201);
  });

  it('tells the customer when nobody took it within the queue wait limit, and gives up when every customer left', async () => {
    const tess = await agent('Tess');
    const away = await agent('Away Agent');
    expect((await api('PUT', '/api/agents/me/state', { token: away.token, body: { state: 'away' } })).body).toEqual({
      state: 'away',
      status: 'away',
    });
    const q = await queue('Night shift', [away.rep]);
    const { session, ann, annSocket } = await sessionWithCustomer(tess);
    expect((await transfer(session.id, tess.token, { queueId: q.id })).status).toBe(201);
    // Away: never offered. The wait limit (3 s here) passes.
    expect(await nextEventOf(annSocket, 'transfer-waiting-long', session.id)).toBeTruthy();
    expect(v.parse(TransferList, (await api('GET', '/api/transfers', { token: away.token })).body).offers).toEqual([]);
    expect((await detail(session.id, ann.peerToken)).transfer).toMatchObject({
      waitingLong: true,
      target: { queue: 'Night shift' },
    });
    // The customer leaves: nobody is left to help, the session ends.
    expect((await api('POST', `/api/sessions/${session.id}/leave`, { token: ann.peerToken, body: {} })).status).toBe(200);
    await standing(tess.socket, (m) => m.sent.length === 0);
    expect((await broker.store.findSession(session.id))?.status).toBe('ended');
  });
});

describe('transferring to named agents', () => {
  it('gives the session back to its rep when the agent declines; the customer waits, told why', async () => {
    const tess = await agent('Tess');
    const bob = await agent('Bob');
    const { session, annSocket } = await sessionWithCustomer(tess);
    const res = await transfer(session.id, tess.token, { agentIds: [bob.rep.id], message: 'Over to you' });
    expect(res.body.transfer.target).toEqual({ queue: null, agents: ['Bob'] });
    // The customer learns that they are being transferred, not to whom.
    expect((await nextEventOf(annSocket, 'transfer-started', session.id)).target).toEqual({ queue: null, agents: [] });
    const id = res.body.transfer.id as string;
    await standing(bob.socket, (m) => m.offers.length === 1);
    expect((await api('POST', `/api/transfers/${id}/decline`, { token: bob.token, body: {} })).status).toBe(200);
    // Offered to nobody else; Tess gets an offer to take it back.
    const back = (await standing(tess.socket, (m) => m.offers.length === 1)).offers[0]!;
    expect(back).toMatchObject({ id, takeBack: true });
    expect(await nextEventOf(annSocket, 'transfer-waiting-long', session.id)).toBeTruthy();
    const took = await accept(id, tess.token);
    expect(took.status).toBe(201);
    expect(v.parse(JoinResponse, took.body).self.role).toBe('controller');
    expect(await nextEventOf(annSocket, 'transfer-ended', session.id)).toMatchObject({ outcome: 'taken-back' });
  });

  it('lets the transferring rep cancel while nobody has accepted, and keeps a pending offer across a broker restart', async () => {
    const tess = await agent('Tess');
    const bob = await agent('Bob');
    const { session } = await sessionWithCustomer(tess);
    // Long enough to outlive the restart.
    const id = (await transfer(session.id, tess.token, { agentIds: [bob.rep.id] })).body.transfer.id as string;
    await standing(bob.socket, (m) => m.offers.length === 1);
    await sockets.closeAll();
    await broker.restart();
    const list = v.parse(TransferList, (await api('GET', '/api/transfers', { token: bob.token })).body);
    expect(list.offers.map((o) => o.id)).toEqual([id]);
    const cancelled = await api('POST', `/api/transfers/${id}/cancel`, { token: tess.token, body: {} });
    expect(cancelled.status).toBe(200);
    expect(v.parse(JoinResponse, cancelled.body).self.role).toBe('controller');
    expect((await accept(id, bob.token)).body.error.message).toBe('The transfer was cancelled');
  });
});

describe('refusals', () => {
  it('answers bad transfers with the error shape', async () => {
    const tess = await agent('Tess');
    const bob = await agent('Bob');
    const q = await queue('Q', [bob.rep]);
    const { session } = await sessionWithCustomer(tess);
    const plain = await broker.addRep({ name: 'Not An Agent' });
    const plainToken = await broker.login(plain.email, plain.password);
    const plainSession = await startSessionAs(broker.url, plainToken);
    await joinByLink(broker.url, plainSession.session.joinUrl!, 'Zed');

    expectError(await transfer(plainSession.session.id, plainToken, { queueId: q.id }), 403, 'forbidden');
    expectError(await api('GET', '/api/agents', { token: plainToken }), 403, 'forbidden');
    expectError(await api('GET', '/api/queues', { token: plainToken }), 403, 'forbidden');
    expectError(await transfer(session.id, tess.token, { queueId: q.id, agentIds: [bob.rep.id] }), 400, 'bad_request');
    expectError(await transfer(session.id, tess.token, { agentIds: [] }), 400, 'bad_request');
    expectError(await transfer(session.id, tess.token, { queueId: q.id, message: 'x'.repeat(346) }), 400, 'bad_request');
    expectError(await transfer(session.id, tess.token, { agentIds: [tess.rep.id] }), 400, 'bad_request');
    expectError(await transfer(session.id, tess.token, { agentIds: [plain.id] }), 404, 'not_found');
    expectError(await transfer(session.id, tess.token, { queueId: 'N'.repeat(16) }), 404, 'not_found');
    // An agent who does not control the session.
    expectError(await transfer(session.id, bob.token, { queueId: q.id }), 403, 'forbidden');
    expectError(await accept('N'.repeat(16), bob.token), 404, 'not_found');
    expectError(await api('PUT', '/api/agents/me/state', { token: plainToken, body: { state: 'away' } }), 403, 'forbidden');
    expectError(await api('PUT', '/api/agents/me/state', { token: bob.token, body: { state: 'gone' } }), 400, 'bad_request');
    // Nothing changed: Tess still controls her session.
    expect((await detail(session.id, tess.token)).participants.find((p) => p.name === 'Tess')?.role).toBe('controller');
  });

  it('refuses an accept over the agent’s maximum of sessions (409 single_session), keeping the offer open', async () => {
    const tess = await agent('Tess');
    const busy = await agent('Busy Bea', 'single');
    await sessionWithCustomer(busy); // single mode: her one session
    const { session } = await sessionWithCustomer(tess);
    const id = (await transfer(session.id, tess.token, { agentIds: [busy.rep.id] })).body.transfer.id as string;
    await standing(busy.socket, (m) => m.offers.length === 1);
    expectError(await accept(id, busy.token), 409, 'single_session');
    expect(
      v.parse(TransferList, (await api('GET', '/api/transfers', { token: busy.token })).body).offers.map((o) => o.id),
    ).toEqual([id]);
  });

  it('lists agents with their status: available, away, busy at their maximum, offline', async () => {
    const tess = await agent('Tess', 'single');
    await agent('Bob');
    const away = await agent('Away');
    await api('PUT', '/api/agents/me/state', { token: away.token, body: { state: 'away' } });
    await broker.addRep({ name: 'Offline Agent', isAgent: true });
    await sessionWithCustomer(tess); // single mode: one live session is her maximum
    const agents = (await api('GET', '/api/agents', { token: tess.token })).body.agents as { name: string; status: string }[];
    expect(Object.fromEntries(agents.map((a) => [a.name, a.status]))).toEqual({
      Tess: 'busy',
      Bob: 'available',
      Away: 'away',
      'Offline Agent': 'offline',
    });
  });
});

describe('timeouts, on an injected clock', () => {
  it('passes an unanswered round-robin offer on after TRANSFER_OFFER_SECONDS and tells the customer at QUEUE_WAIT_LIMIT_SECONDS', async () => {
    await broker.close();
    let clock = 1_000_000;
    broker = await startBroker({ now: () => clock });
    const tess = await agent('Tess');
    const first = await agent('First');
    const second = await agent('Second');
    const q = await queue('Round', [first.rep, second.rep], 'round-robin');
    const { session, annSocket } = await sessionWithCustomer(tess);
    const { transfer: t } = (await transfer(session.id, tess.token, { queueId: q.id })).body;
    const offers = async () =>
      (await broker.store.acd.listOffers(t.id)).map((o) => `${o.repId === first.rep.id ? 'first' : 'second'}:${o.status}`);
    await standing(first.socket, (m) => m.offers.length === 1);
    expect(await offers()).toEqual(['first:open']);
    expect((await broker.store.acd.listOffers(t.id))[0]!.expiresAt).toBe(clock + 30_000);

    // 29 s: nothing moves. 30 s: it passes to the next agent in order.
    const poke = () => api('PUT', '/api/agents/me/state', { token: tess.token, body: { state: 'available' } });
    clock += 29_000;
    await poke();
    expect(await offers()).toEqual(['first:open']);
    clock += 1_000;
    await poke();
    await standing(second.socket, (m) => m.offers.length === 1);
    expect(await offers()).toEqual(['first:expired', 'second:open']);
    expect((await broker.store.acd.findQueue(q.id))?.cursorRepId).toBe(second.rep.id);

    // Nobody answers; at 600 s in the queue the customer is told, once; the session stays queued.
    clock += 600_000;
    await poke();
    expect(await nextEventOf(annSocket, 'transfer-waiting-long', session.id)).toMatchObject({ transferId: t.id });
    expect(await offers()).toEqual(['first:expired', 'second:expired']);
    expect((await broker.store.acd.findTransfer(t.id))?.status).toBe('pending');
  });
});
