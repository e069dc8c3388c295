import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionDetail } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { assistByNumber, call, eventSockets, joinByLink, nextEventOf, startSessionAs } from './support';

// Presence (issue 10): who the broker hears from on /api/events, dead sockets found by the heartbeat,
// and the grace period after which someone offline is taken out of the session.
const GRACE_MS = 300;
let broker: TestBroker;
let token: string;
const events = eventSockets(() => broker.url);
const listen = events.listen;
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  broker = await startBroker({
    // Short enough for the dead-socket test, long enough that a loaded machine's pause (seen: over 250 ms)
    // does not take a live socket for dead.
    eventsHeartbeat: { checkEveryMs: 50, pingAfterMs: 1_000, deadAfterMs: 3_000 },
    presenceGraceMs: GRACE_MS,
  });
  const rep = await broker.addRep({ name: 'Rita Rep' });
  token = await broker.login(rep.email, rep.password);
});
afterEach(events.closeAll);
afterAll(() => broker.close());

const join = (joinUrl: string, name: string) => joinByLink(broker.url, joinUrl, name);

const detail = async (sessionId: string, bearer: string) =>
  v.parse(SessionDetail, (await api('GET', `/api/sessions/${sessionId}`, { token: bearer })).body);

describe('presence', () => {
  it('reads who is online after ready, on every change, and in GET /api/sessions/:id', async () => {
    const { session, self: rep } = await startSessionAs(broker.url, token);
    const { socket: panel } = await listen(token);
    expect(await panel.nextPresence()).toEqual({ type: 'presence', sessionId: session.id, online: [rep.participantId] });

    const ann = await join(session.joinUrl!, 'Ann');
    const { socket: annSocket } = await listen(ann.peerToken);
    expect(await annSocket.nextPresence()).toEqual({
      type: 'presence',
      sessionId: session.id,
      online: [rep.participantId, ann.participantId],
    });
    await panel.presenceUntil(session.id, [rep.participantId, ann.participantId]);
    expect((await detail(session.id, token)).online).toEqual([rep.participantId, ann.participantId]);

    // A closed socket is offline at once.
    annSocket.ws.terminate();
    await panel.presenceUntil(session.id, [rep.participantId]);
    expect((await detail(session.id, ann.peerToken)).online).toEqual([rep.participantId]);
  });

  it('answers ping with pong', async () => {
    await startSessionAs(broker.url, token);
    const { socket } = await listen(token);
    socket.send({ type: 'ping' });
    expect(await socket.next()).toEqual({ type: 'pong' });
  });

  it('cuts a socket that went silent (no pong) and shows its participant offline', async () => {
    const { session, self: rep } = await startSessionAs(broker.url, token);
    const ann = await join(session.joinUrl!, 'Ann');
    const { socket: panel } = await listen(token);
    const { socket: annSocket } = await listen(ann.peerToken);
    await panel.presenceUntil(session.id, [rep.participantId, ann.participantId]);

    // The customer's machine stops answering: nothing read, so no pong, and nothing sent.
    (annSocket.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await panel.presenceUntil(session.id, [rep.participantId]);
    expect((await detail(session.id, token)).online).toEqual([rep.participantId]);
    annSocket.ws.terminate();
  });

  it('a rep’s socket stands for the rep in every session it follows, including ones started after hello', async () => {
    const first = await startSessionAs(broker.url, token);
    const { socket: panel } = await listen(token);
    await panel.presenceUntil(first.session.id, [first.self.participantId]);
    const second = await startSessionAs(broker.url, token);
    await nextEventOf(panel, 'participant-joined', second.session.id);
    expect(await panel.presenceUntil(second.session.id, [second.self.participantId])).toBeTruthy();
    expect((await detail(second.session.id, token)).online).toEqual([second.self.participantId]);
    await panel.close();
    expect((await detail(first.session.id, token)).online).toEqual([]);
    expect((await detail(second.session.id, token)).online).toEqual([]);
  });
});

describe('grace period', () => {
  it('takes a customer out after the grace (reason timeout), never the controller', async () => {
    const { session, self: rep } = await startSessionAs(broker.url, token);
    const colleague = await broker.addRep({ name: 'Cora Colleague' });
    const coraToken = await broker.login(colleague.email, colleague.password);
    const cora = await assistByNumber(broker.url, session.number, coraToken);
    const ann = await join(session.joinUrl!, 'Ann');
    const { socket: watcher } = await listen(coraToken);
    const { socket: panel } = await listen(token);
    const { socket: annSocket } = await listen(ann.peerToken);
    await watcher.presenceUntil(session.id, [cora.participantId, rep.participantId, ann.participantId]);

    // The controller goes offline first, then the customer: were the controller subject to the grace,
    // its participant-left would come first.
    await panel.close();
    await watcher.presenceUntil(session.id, [cora.participantId, ann.participantId]);
    await annSocket.close();
    await watcher.presenceUntil(session.id, [cora.participantId]);
    const left = await nextEventOf(watcher, 'participant-left', session.id);
    expect(left).toMatchObject({ participantId: ann.participantId, reason: 'timeout' });
    expect(await nextEventOf(watcher, 'active-customer', session.id)).toMatchObject({ participantId: null });
    const seen = await detail(session.id, coraToken);
    expect(seen.participants.find((p) => p.id === ann.participantId)).toMatchObject({ leftReason: 'timeout' });
    expect(seen.participants.find((p) => p.id === rep.participantId)).toMatchObject({ leftAt: null });
    expect((await broker.store.listAudit(session.id)).filter((e) => e.action === 'timeout')).toMatchObject([
      { actor: 'broker', detail: { participantId: ann.participantId, role: 'customer' } },
    ]);
  });
});

describe('grace period after control passes', () => {
  it('never times out the current controller; the former one, now an assistant, may be', async () => {
    const { session, self: rita } = await startSessionAs(broker.url, token);
    const colleague = await broker.addRep({ name: 'Cora Colleague' });
    const coraToken = await broker.login(colleague.email, colleague.password);
    const { socket: coraPanel } = await listen(coraToken);
    const cora = await assistByNumber(broker.url, session.number, coraToken);
    const ann = await join(session.joinUrl!, 'Ann');
    const { socket: annSocket } = await listen(ann.peerToken);
    await annSocket.presenceUntil(session.id, [cora.participantId, ann.participantId]);

    // Cora goes offline as an assistant (her clock starts), then takes control (it stops). Rita was never
    // online and held no clock as controller; as an assistant hers starts. Had Cora's clock kept running,
    // her participant-left would come first.
    await coraPanel.close();
    await annSocket.presenceUntil(session.id, [ann.participantId]);
    const passed = await api('POST', `/api/sessions/${session.id}/control`, {
      token,
      body: { participantId: cora.participantId },
    });
    expect(passed.status).toBe(200);
    const left = await nextEventOf(annSocket, 'participant-left', session.id);
    expect(left).toMatchObject({ participantId: rita.participantId, reason: 'timeout' });
    const seen = await detail(session.id, ann.peerToken);
    expect(seen.participants.find((p) => p.id === cora.participantId)).toMatchObject({ role: 'controller', leftAt: null });
    expect((await broker.store.listAudit(session.id)).filter((e) => e.action === 'timeout')).toMatchObject([
      { actor: 'broker', detail: { participantId: rita.participantId, role: 'assistant' } },
    ]);
  });
});

describe('after a broker restart', () => {
  it('starts everyone present offline, with the full grace to come back', async () => {
    const own = await startBroker({ presenceGraceMs: GRACE_MS });
    const ownEvents = eventSockets(() => own.url);
    try {
      const rep = await own.addRep();
      const repToken = await own.login(rep.email, rep.password);
      const { session, self } = await startSessionAs(own.url, repToken);
      const ann = await joinByLink(own.url, session.joinUrl!, 'Ann');
      const bob = await joinByLink(own.url, session.joinUrl!, 'Bob');
      const before = await own.store.lastSeq(session.id);

      await own.restart();
      // Ann and Bob, not the controller.
      expect(own.diagnostics.graceClocks()).toBe(2);
      const { socket: panel, messages } = await ownEvents.listen(repToken, { [session.id]: before });
      expect(messages.at(-1)).toEqual({ type: 'ready', sessionIds: [session.id] });
      await ownEvents.listen(ann.peerToken, { [session.id]: before });
      await panel.presenceUntil(session.id, [self.participantId, ann.participantId]);
      expect(own.diagnostics.graceClocks()).toBe(1);

      expect(await nextEventOf(panel, 'participant-left', session.id)).toMatchObject({
        participantId: bob.participantId,
        reason: 'timeout',
      });
      expect(own.diagnostics.graceClocks()).toBe(0);
    } finally {
      await ownEvents.closeAll();
      await own.close();
    }
  });
});
