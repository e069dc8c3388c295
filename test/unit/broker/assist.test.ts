import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JoinResponse, groupSessionNumber } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { Socket, call, expectError, startSessionAs, wsUrl } from './support';

let broker: TestBroker;
let token: string;
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  broker = await startBroker({ env: { JOIN_BY_NUMBER_LIMIT: '1000', JOIN_BY_NUMBER_PER_NUMBER_LIMIT: '1000' } });
  const rep = await broker.addRep({ name: 'Rita Rep' });
  token = await broker.login(rep.email, rep.password);
});
afterAll(() => broker.close());

const newSession = () => startSessionAs(broker.url, token);

async function colleague(name = 'Cora Colleague') {
  const r = await broker.addRep({ name });
  return broker.login(r.email, r.password);
}

const assist = (number: string, withToken: string) =>
  api('POST', `/api/sessions/by-number/${encodeURIComponent(number)}/assist`, { token: withToken, body: {} });

describe('assist by session number', () => {
  it('joins as assistant (spaces allowed), once; the controller hears of it', async () => {
    const { session } = await newSession();
    const socket = await Socket.open(wsUrl(broker.url, '/api/events'));
    socket.send({ type: 'hello', token, since: { [session.id]: 1 } });
    await socket.untilReady();

    const cora = await colleague();
    const res = await assist(groupSessionNumber(session.number), cora);
    expect(res.status).toBe(201);
    const { sessionId, self } = v.parse(JoinResponse, res.body);
    expect(sessionId).toBe(session.id);
    expect(self).toMatchObject({ role: 'assistant', name: 'Cora Colleague' });
    expect(await socket.next()).toMatchObject({
      type: 'event',
      event: { type: 'participant-joined', seq: 2, participant: { id: self.participantId, role: 'assistant' } },
    });
    await socket.close();

    const again = await assist(session.number, cora);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);
    const detail = await api('GET', `/api/sessions/${session.id}`, { token: cora });
    expect(detail.body.self).toEqual(self);
    expect(detail.body.participants).toHaveLength(2);
    expect((await broker.store.listAudit(session.id)).find((a) => a.action === 'assist')?.detail).toMatchObject({
      via: 'number',
    });
    // The assistant's session shows up in its list, without the customer link.
    const list = await api('GET', '/api/sessions', { token: cora });
    expect(list.body.sessions).toEqual([expect.objectContaining({ id: session.id })]);
    expect(list.body.sessions[0].joinUrl).toBeUndefined();
  });

  it('a wrong or ended number is a plain 404; customers and strangers without a token get 401', async () => {
    const cora = await colleague();
    const { session } = await newSession();
    const wrong = await assist(session.number === '999999999' ? '999999998' : '999999999', cora);
    expectError(wrong, 404, 'not_found');
    expect(wrong.body.error.message).toBe(
      'There is no session with this number right now. Check the number with your representative.',
    );
    expectError(await assist('12345', cora), 400, 'bad_request');
    await api('POST', `/api/sessions/${session.id}/end`, { token });
    expectError(await assist(session.number, cora), 404, 'not_found');
    expectError(await assist(session.number, ''), 401, 'unauthorized');
  });

  it('an assistant may leave and come back', async () => {
    const { session } = await newSession();
    const cora = await colleague();
    const first = (await assist(session.number, cora)).body.self;
    expect((await api('POST', `/api/sessions/${session.id}/leave`, { token: cora })).body).toEqual({ ok: true });
    const back = await assist(session.number, cora);
    expect(back.status).toBe(201);
    expect(back.body.self.participantId).not.toBe(first.participantId);
  });
});

describe('an assistant has no control', () => {
  it('gets 403 for every control call, and may still read and leave', async () => {
    const { session } = await newSession();
    const cora = await colleague();
    const { self } = (await assist(session.number, cora)).body;
    // A knock to admit or decline, so the refusal is about the role and not a missing wait.
    const knock = await api('POST', '/api/join-by-number', { body: { number: session.number, name: 'Kim' } });
    expect(knock.status).toBe(201);
    const { waitId } = knock.body;
    const invites = (await api('GET', `/api/sessions/${session.id}/invites`, { token })).body.invites;

    const calls: [string, Record<string, unknown>][] = [
      ['end', {}],
      ['admit', { waitId }],
      ['decline', { waitId }],
      ['invites', { role: 'customer', send: 'none' }],
      ['invites', { role: 'customer', email: 'x@example.com', send: 'client' }],
      ['invites/revoke', {}],
      ['invites/revoke', { inviteId: invites[0].id }],
    ];
    for (const [path, body] of calls) {
      const res = await api('POST', `/api/sessions/${session.id}/${path}`, { token: cora, body });
      expectError(res, 403, 'forbidden');
      expect(res.body.error.message, path).toBe('Only the rep in control of the session can do this');
      // A rep's peerToken opens the PeerServer and nothing else: reps act with their rep token.
      expectError(await api('POST', `/api/sessions/${session.id}/${path}`, { token: self.peerToken, body }), 401, 'unauthorized');
    }
    // Nothing happened: the session is live, the knock still waits, the link still works.
    const detail = await api('GET', `/api/sessions/${session.id}`, { token: cora });
    expect(detail.status).toBe(200);
    expect(detail.body.session.status).toBe('live');
    const status = await api('POST', '/api/join-by-number/status', { body: { waitToken: knock.body.waitToken } });
    expect(status.body.status).toBe('waiting');
    expect((await api('GET', `/api/sessions/${session.id}/invites`, { token: cora })).body.invites[0].revokedAt).toBeNull();
    // The controller can do each of them.
    expect((await api('POST', `/api/sessions/${session.id}/admit`, { token, body: { waitId } })).body).toEqual({ ok: true });
    expect((await api('POST', `/api/sessions/${session.id}/leave`, { token: cora })).body).toEqual({ ok: true });
    expect((await api('POST', `/api/sessions/${session.id}/end`, { token })).body).toEqual({ ok: true });
  });
});
