import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventsCloseCode, SessionDetail, type Self } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import {
  Socket,
  assistByNumber,
  call,
  joinByLink,
  expectError,
  helloEvents,
  nextEventOf,
  startSessionAs,
  wsUrl,
} from './support';

// POST /api/sessions/:id/remove: the controller takes someone out of the session (issue 10).
let broker: TestBroker;
let token: string;
const sockets: Socket[] = [];
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  broker = await startBroker({ env: { JOIN_BY_NUMBER_LIMIT: '1000', JOIN_BY_NUMBER_PER_NUMBER_LIMIT: '1000' } });
  const rep = await broker.addRep({ name: 'Rita Rep' });
  token = await broker.login(rep.email, rep.password);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});
afterAll(() => broker.close());

async function colleague(name: string) {
  const rep = await broker.addRep({ name });
  return broker.login(rep.email, rep.password);
}

const join = (joinUrl: string, name: string) => joinByLink(broker.url, joinUrl, name);

/** A session with the rep in control, an assistant and two customers. */
async function fullSession() {
  const { session, self } = await startSessionAs(broker.url, token);
  const assistantToken = await colleague('Cora Colleague');
  const assistant = await assistByNumber(broker.url, session.number, assistantToken);
  const ann = await join(session.joinUrl!, 'Ann');
  const bob = await join(session.joinUrl!, 'Bob');
  return { session, controller: self, assistant, assistantToken, ann, bob };
}

const remove = (sessionId: string, participantId: string, bearer: string) =>
  api('POST', `/api/sessions/${sessionId}/remove`, { token: bearer, body: { participantId } });

const detail = async (sessionId: string, bearer: string) =>
  v.parse(SessionDetail, (await api('GET', `/api/sessions/${sessionId}`, { token: bearer })).body);

describe('remove a participant', () => {
  it('is the controller’s alone, never of themselves, and only of someone in the session now', async () => {
    const { session, controller, assistant, assistantToken, ann, bob } = await fullSession();
    const other = await startSessionAs(broker.url, token);

    expectError(await remove(session.id, bob.participantId, assistantToken), 403, 'forbidden');
    expectError(await remove(session.id, bob.participantId, ann.peerToken), 403, 'forbidden');
    expectError(await remove(session.id, controller.participantId, token), 400, 'bad_request');
    expectError(await remove(session.id, other.self.participantId, token), 404, 'not_found');
    expectError(await remove(session.id, 'AAAAAAAAAAAAAAAA', token), 404, 'not_found');
    expectError(
      await api('POST', `/api/sessions/${session.id}/remove`, { token, body: { participantId: '!' } }),
      400,
      'bad_request',
    );
    expectError(await api('POST', `/api/sessions/${session.id}/remove`, { token, body: {} }), 400, 'bad_request');

    expect((await remove(session.id, bob.participantId, token)).body).toEqual({ ok: true });
    const again = await remove(session.id, bob.participantId, token);
    expectError(again, 400, 'bad_request');
    expect(again.body.error.message).toBe('Bob has already left the session');
    expect((await remove(session.id, assistant.participantId, token)).status).toBe(200);

    const audit = (await broker.store.listAudit(session.id)).filter((e) => e.action === 'remove');
    expect(audit.map((e) => e.detail)).toEqual([
      { participantId: bob.participantId, role: 'customer' },
      { participantId: assistant.participantId, role: 'assistant' },
    ]);
    expect(audit[0]!.actor).toMatch(/^rep:/);
  });

  it('is one commit: participant-left with the reason, and nobody active when it was the active customer', async () => {
    const { session, ann } = await fullSession();
    expect((await detail(session.id, token)).activeCustomerId).toBe(ann.participantId);
    const before = await broker.store.lastSeq(session.id);
    await remove(session.id, ann.participantId, token);
    const events = (await broker.store.eventsAfter(session.id, before)).map((e) => ({ type: e.type, ...e.payload }));
    expect(events).toEqual([
      { type: 'participant-left', participantId: ann.participantId, reason: 'removed' },
      { type: 'active-customer', participantId: null },
    ]);
  });

  it('leaves the removed a read of how it ended, and nothing they can change', async () => {
    const { session, ann } = await fullSession();
    await remove(session.id, ann.participantId, token);

    const seen = await detail(session.id, ann.peerToken);
    expect(seen.self).toBeUndefined();
    expect(seen.participants.find((p) => p.id === ann.participantId)).toMatchObject({ leftReason: 'removed' });
    // Leaving again stays harmless, and changes nothing.
    const seq = await broker.store.lastSeq(session.id);
    expect((await api('POST', `/api/sessions/${session.id}/leave`, { token: ann.peerToken, body: {} })).status).toBe(200);
    expect(await broker.store.lastSeq(session.id)).toBe(seq);
    expectError(
      await api('POST', `/api/sessions/${session.id}/invites`, {
        token: ann.peerToken,
        body: { role: 'customer', send: 'none' },
      }),
      401,
      'unauthorized',
    );
  });

  it('closes the removed customer’s sockets, and the removed assistant stops hearing the session', async () => {
    const { session, assistant, assistantToken, ann } = await fullSession();
    const since = { [session.id]: await broker.store.lastSeq(session.id) };
    const peer = async (self: Self) => {
      const socket = await Socket.open(wsUrl(broker.url, `/peerjs/peerjs?key=peerjs&id=${self.peerId}&token=${self.peerToken}`));
      sockets.push(socket);
      expect(await socket.next()).toEqual({ type: 'OPEN' });
      return socket;
    };
    const annPeer = await peer(ann);
    const coraPeer = await peer(assistant);
    const { socket: annEvents } = await helloEvents(broker.url, { token: ann.peerToken, since });
    const { socket: coraEvents } = await helloEvents(broker.url, { token: assistantToken, since });
    sockets.push(annEvents, coraEvents);

    await remove(session.id, ann.participantId, token);
    expect(await annEvents.next()).toMatchObject({
      type: 'event',
      event: { type: 'participant-left', participantId: ann.participantId, reason: 'removed' },
    });
    expect(await annEvents.closed).toEqual({ code: EventsCloseCode.unauthorized, reason: 'Removed from the session' });
    expect((await annPeer.closed).code).toBe(1008);

    expect(await nextEventOf(coraEvents, 'participant-left', session.id)).toMatchObject({ participantId: ann.participantId });
    await remove(session.id, assistant.participantId, token);
    expect(await nextEventOf(coraEvents, 'participant-left', session.id)).toMatchObject({
      participantId: assistant.participantId,
      reason: 'removed',
    });
    expect((await coraPeer.closed).code).toBe(1008);
    // The session goes on without her: what happens next in it never reaches her socket.
    await join(session.joinUrl!, 'Secret Sam');
    const own = await startSessionAs(broker.url, assistantToken);
    expect(await coraEvents.next()).toMatchObject({ type: 'event', event: { sessionId: own.session.id } });
  });
});
