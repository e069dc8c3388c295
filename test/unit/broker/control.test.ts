import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionDetail, type SessionList } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { assistByNumber, call, eventSockets, expectError, joinByLink, nextEventOf, startSessionAs } from './support';

// POST /api/sessions/:id/control: the controller passes control to an assistant and back (issue 11).
let broker: TestBroker;
let token: string;
const sockets = eventSockets(() => broker.url);
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  broker = await startBroker({ env: { JOIN_BY_NUMBER_LIMIT: '1000', JOIN_BY_NUMBER_PER_NUMBER_LIMIT: '1000' } });
  const rep = await broker.addRep({ name: 'Rita Rep', maxCustomers: 5 });
  token = await broker.login(rep.email, rep.password);
});
afterEach(() => sockets.closeAll());
afterAll(() => broker.close());

async function colleague(name: string) {
  const rep = await broker.addRep({ name });
  return broker.login(rep.email, rep.password);
}

/** A session with Rita in control, Cora assisting and Ann as customer. */
async function threeOfUs() {
  const { session, self: rita } = await startSessionAs(broker.url, token);
  const coraToken = await colleague('Cora Colleague');
  const cora = await assistByNumber(broker.url, session.number, coraToken);
  const ann = await joinByLink(broker.url, session.joinUrl!, 'Ann');
  return { session, rita, cora, coraToken, ann };
}

const pass = (sessionId: string, participantId: string, bearer: string) =>
  api('POST', `/api/sessions/${sessionId}/control`, { token: bearer, body: { participantId } });
const detail = async (sessionId: string, bearer: string) =>
  v.parse(SessionDetail, (await api('GET', `/api/sessions/${sessionId}`, { token: bearer })).body);
const roles = (d: SessionDetail) => Object.fromEntries(d.participants.map((p) => [p.name, p.role]));

describe('passing control', () => {
  it('hands control to an assistant and back: roles, the epoch, the event and the audit', async () => {
    const { session, rita, cora, coraToken, ann } = await threeOfUs();
    const { socket } = await sockets.listen(ann.peerToken, { [session.id]: 0 });

    expect((await pass(session.id, cora.participantId, token)).body).toEqual({ ok: true, controlEpoch: 1 });
    const event = await nextEventOf(socket, 'control-changed', session.id);
    expect(event).toMatchObject({ from: rita.participantId, to: cora.participantId, epoch: 1 });
    const after = await detail(session.id, token);
    expect(roles(after)).toEqual({ 'Rita Rep': 'assistant', 'Cora Colleague': 'controller', Ann: 'customer' });
    expect(after.controlEpoch).toBe(1);
    expect(after.controlChanges).toEqual([
      expect.objectContaining({ from: rita.participantId, to: cora.participantId, epoch: 1 }),
    ]);
    // The customer link goes with control.
    expect(after.session.joinUrl).toBeUndefined();
    expect((await detail(session.id, coraToken)).session.joinUrl).toBe(session.joinUrl);
    // Both reps still list the session as theirs; the link shows in the controller's list only.
    const mine = async (bearer: string) =>
      ((await api('GET', '/api/sessions', { token: bearer })).body as SessionList).sessions.find((s) => s.id === session.id);
    expect(await mine(token)).toMatchObject({ id: session.id, status: 'live' });
    expect((await mine(token))?.joinUrl).toBeUndefined();
    expect((await mine(coraToken))?.joinUrl).toBe(session.joinUrl);

    expect((await pass(session.id, rita.participantId, coraToken)).body).toEqual({ ok: true, controlEpoch: 2 });
    expect(await nextEventOf(socket, 'control-changed', session.id)).toMatchObject({ to: rita.participantId, epoch: 2 });
    expect(roles(await detail(session.id, ann.peerToken))).toMatchObject({
      'Rita Rep': 'controller',
      'Cora Colleague': 'assistant',
    });
    expect((await broker.store.listAudit(session.id)).filter((e) => e.action === 'pass-control').map((e) => e.detail)).toEqual([
      { from: rita.participantId, to: cora.participantId, epoch: 1 },
      { from: cora.participantId, to: rita.participantId, epoch: 2 },
    ]);
  });

  it('only the controller passes, only to an assistant in this session now', async () => {
    const { session, rita, cora, coraToken, ann } = await threeOfUs();
    const other = await startSessionAs(broker.url, token);
    const leaverToken = await colleague('Lee Leaver');
    const leaver = await assistByNumber(broker.url, session.number, leaverToken);
    await api('POST', `/api/sessions/${session.id}/leave`, { token: leaverToken, body: {} });

    expectError(await pass(session.id, rita.participantId, coraToken), 403, 'forbidden'); // an assistant
    expectError(await pass(session.id, cora.participantId, ann.peerToken), 403, 'forbidden'); // a customer
    expectError(await pass(session.id, ann.participantId, token), 400, 'bad_request'); // to a customer
    expectError(await pass(session.id, rita.participantId, token), 400, 'bad_request'); // to oneself
    expectError(await pass(session.id, leaver.participantId, token), 400, 'bad_request'); // who has left
    expectError(await pass(session.id, other.self.participantId, token), 404, 'not_found'); // another session
    expectError(await pass(other.session.id, cora.participantId, token), 404, 'not_found'); // into another session
    expectError(await pass(session.id, 'AAAAAAAAAAAAAAAA', token), 404, 'not_found');
    const control = `/api/sessions/${session.id}/control`;
    expectError(await api('POST', control, { token, body: { participantId: '!' } }), 400, 'bad_request');
    expectError(await api('POST', control, { token, body: { participantId: 'A'.repeat(5000) } }), 400, 'bad_request');
    expectError(await api('POST', control, { token, body: {} }), 400, 'bad_request');
    expectError(await api('POST', control, { body: { participantId: cora.participantId } }), 401, 'unauthorized');
    expect((await detail(session.id, token)).controlEpoch).toBe(0);
  });

  it('after passing, every controller-only call by the former controller answers 403, and it may leave', async () => {
    const { session, rita, cora, coraToken, ann } = await threeOfUs();
    await pass(session.id, cora.participantId, token);
    const post = (path: string, body: object) => api('POST', `/api/sessions/${session.id}${path}`, { token, body });
    expectError(await post('/end', {}), 403, 'forbidden');
    expectError(await post('/control', { participantId: cora.participantId }), 403, 'forbidden');
    expectError(await post('/active-customer', { participantId: ann.participantId }), 403, 'forbidden');
    expectError(await post('/remove', { participantId: ann.participantId }), 403, 'forbidden');
    expectError(await post('/admit', { waitId: 'AAAAAAAAAAAAAAAA' }), 403, 'forbidden');
    expectError(await post('/decline', { waitId: 'AAAAAAAAAAAAAAAA' }), 403, 'forbidden');
    expectError(await post('/invites', { role: 'customer', send: 'none' }), 403, 'forbidden');
    expectError(await post('/invites/revoke', {}), 403, 'forbidden');
    // The new controller may do all of it; the old one may still invite a colleague, and leave.
    expect(
      (
        await api('POST', `/api/sessions/${session.id}/active-customer`, {
          token: coraToken,
          body: { participantId: ann.participantId },
        })
      ).status,
    ).toBe(200);
    expect((await post('/invites', { role: 'rep', send: 'none' })).status).toBe(201);
    // The new controller cannot leave without passing control on.
    expectError(await api('POST', `/api/sessions/${session.id}/leave`, { token: coraToken, body: {} }), 409, 'conflict');
    expect((await post('/leave', {})).status).toBe(200);
    expect((await detail(session.id, coraToken)).participants.find((p) => p.id === rita.participantId)?.leftReason).toBe('left');
    expect((await api('POST', `/api/sessions/${session.id}/end`, { token: coraToken, body: {} })).status).toBe(200);
  });

  it('two passes at once make one hand-over, never two controllers', async () => {
    const { session, cora } = await threeOfUs();
    const dewToken = await colleague('Dew Colleague');
    const dew = await assistByNumber(broker.url, session.number, dewToken);
    const results = await Promise.all([pass(session.id, cora.participantId, token), pass(session.id, dew.participantId, token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
    const after = await detail(session.id, token);
    expect(after.participants.filter((p) => p.role === 'controller')).toHaveLength(1);
    expect(after.controlEpoch).toBe(1);
  });

  it('who controls survives a broker restart and reaches a client that replays the log', async () => {
    const { session, rita, cora, coraToken } = await threeOfUs();
    await pass(session.id, cora.participantId, token);
    await broker.restart();
    const after = await detail(session.id, coraToken);
    expect(roles(after)).toMatchObject({ 'Rita Rep': 'assistant', 'Cora Colleague': 'controller' });
    expect(after.controlEpoch).toBe(1);
    expect(after.controlChanges).toHaveLength(1);
    // A replay from the start carries the hand-over to a client that reconnects.
    const { messages } = await sockets.listen(coraToken, { [session.id]: 0 });
    expect(messages.some((m) => m.type === 'event' && m.event.type === 'control-changed')).toBe(true);
    expect(rita.role).toBe('controller');
  });
});
