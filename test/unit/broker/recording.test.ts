import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionDetail } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { assistByNumber, call, eventSockets, expectError, joinByLink, nextEventOf, startSessionAs } from './support';

// POST /api/sessions/:id/recording: the controller records; everyone is told; the broker stops it itself
// when control passes, on a transfer and at the end (issue 14).
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

async function colleague(name: string, isAgent = false) {
  const rep = await broker.addRep({ name, isAgent });
  return { rep, token: await broker.login(rep.email, rep.password) };
}

async function threeOfUs(controllerToken = token) {
  const { session, self: rita } = await startSessionAs(broker.url, controllerToken);
  const { token: coraToken } = await colleague('Cora Colleague');
  const cora = await assistByNumber(broker.url, session.number, coraToken);
  const ann = await joinByLink(broker.url, session.joinUrl!, 'Ann');
  return { session, rita, cora, coraToken, ann };
}

const record = (sessionId: string, recording: boolean, bearer?: string) =>
  api('POST', `/api/sessions/${sessionId}/recording`, { token: bearer, body: { recording } });
const detail = async (sessionId: string, bearer: string) =>
  v.parse(SessionDetail, (await api('GET', `/api/sessions/${sessionId}`, { token: bearer })).body);

describe('recording', () => {
  it('starts and stops for everyone: the event, the detail a late joiner reads, the audit without content', async () => {
    const { session, rita, ann } = await threeOfUs();
    const { socket } = await sockets.listen(ann.peerToken, { [session.id]: 0 });

    const started = await record(session.id, true, token);
    expect(started.status).toBe(200);
    expect(started.body).toEqual({ ok: true, recording: { since: expect.any(Number), by: rita.participantId } });
    const on = await nextEventOf(socket, 'recording', session.id);
    expect(on.recording).toEqual({ since: started.body.recording.since, by: rita.participantId });
    // Asking again changes nothing (no second event).
    expect((await record(session.id, true, token)).body.recording).toEqual(on.recording);
    // Someone who joins now sees it from the detail.
    const bea = await joinByLink(broker.url, session.joinUrl!, 'Bea');
    expect((await detail(session.id, bea.peerToken)).recording).toEqual(on.recording);

    expect((await record(session.id, false, token)).body).toEqual({ ok: true, recording: null });
    expect(await nextEventOf(socket, 'recording', session.id)).toMatchObject({ recording: null, reason: 'stopped' });
    expect((await detail(session.id, ann.peerToken)).recording).toBeNull();
    const audit = (await broker.store.listAudit(session.id)).filter((a) => a.action.startsWith('recording'));
    expect(audit.map((a) => [a.action, a.detail])).toEqual([
      ['recording-start', null],
      ['recording-stop', null],
    ]);
  });

  it('only the controller of this session, with a well-formed body', async () => {
    const { session, coraToken, ann } = await threeOfUs();
    const other = await startSessionAs(broker.url, (await colleague('Otto Other')).token);
    expectError(await record(session.id, true, coraToken), 403, 'forbidden'); // an assistant
    expectError(await record(session.id, true, ann.peerToken), 403, 'forbidden'); // a customer
    expectError(await record(session.id, true, other.self.peerToken), 401, 'unauthorized'); // a rep's peer token is no bearer
    expectError(await record(other.session.id, true, ann.peerToken), 403, 'forbidden'); // a customer, another session
    expectError(await record(session.id, true), 401, 'unauthorized');
    const path = `/api/sessions/${session.id}/recording`;
    expectError(await api('POST', path, { token, body: {} }), 400, 'bad_request');
    expectError(await api('POST', path, { token, body: { recording: 'yes' } }), 400, 'bad_request');
    expectError(await api('POST', `/api/sessions/!/recording`, { token, body: { recording: true } }), 400, 'bad_request');
    // The other session's controller cannot reach into this one.
    const otto = await colleague('Otto Two');
    const ottos = await startSessionAs(broker.url, otto.token);
    expectError(await record(session.id, true, otto.token), 403, 'forbidden');
    expect((await detail(ottos.session.id, otto.token)).recording).toBeNull();
    expect((await detail(session.id, token)).recording).toBeNull();
  });

  it('stops by itself when control passes, and at the end', async () => {
    const { session, cora, coraToken, ann } = await threeOfUs();
    const { socket } = await sockets.listen(ann.peerToken, { [session.id]: 0 });
    await record(session.id, true, token);
    await nextEventOf(socket, 'recording', session.id);
    await api('POST', `/api/sessions/${session.id}/control`, { token, body: { participantId: cora.participantId } });
    expect(await nextEventOf(socket, 'recording', session.id)).toMatchObject({ recording: null, reason: 'control' });
    expect((await detail(session.id, coraToken)).recording).toBeNull();
    // The former controller may not record any more; the new one may.
    expectError(await record(session.id, true, token), 403, 'forbidden');
    expect((await record(session.id, true, coraToken)).body.recording.by).toBe(cora.participantId);
    await nextEventOf(socket, 'recording', session.id);
    await api('POST', `/api/sessions/${session.id}/end`, { token: coraToken, body: {} });
    expect(await nextEventOf(socket, 'recording', session.id)).toMatchObject({ recording: null, reason: 'ended' });
    expectError(await record(session.id, true, coraToken), 410, 'session_ended');
  });

  it('stops by itself when the session is transferred', async () => {
    const tess = await colleague('Tess Agent', true);
    const bob = await colleague('Bob Agent', true);
    await sockets.listen(bob.token);
    const { session, ann } = await threeOfUs(tess.token);
    const { socket } = await sockets.listen(ann.peerToken, { [session.id]: 0 });
    await record(session.id, true, tess.token);
    await nextEventOf(socket, 'recording', session.id);
    const res = await api('POST', `/api/sessions/${session.id}/transfer`, {
      token: tess.token,
      body: { agentIds: [bob.rep.id] },
    });
    expect(res.status).toBe(201);
    expect(await nextEventOf(socket, 'recording', session.id)).toMatchObject({ recording: null, reason: 'transfer' });
  });
});
