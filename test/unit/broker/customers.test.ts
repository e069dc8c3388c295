import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  JoinByNumberResponse,
  JoinResponse,
  SessionDetail,
  WaitStatus,
  type EventsServerMessage,
  type SessionEvent,
} from '../../../core/protocol';
import { SESSION_FULL } from '../../../broker/sessions/invites';
import { updateRep } from '../../../broker/reps';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { Socket, call, expectError, linkToken, startSessionAs, wsUrl } from './support';

// Several customers in one session (maxCustomers, the active customer) and several sessions (single/multi).
let broker: TestBroker;
const sockets: Socket[] = [];
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  broker = await startBroker({ env: { JOIN_BY_NUMBER_LIMIT: '1000', JOIN_BY_NUMBER_PER_NUMBER_LIMIT: '1000' } });
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});
afterAll(() => broker.close());

async function signedInRep(input: Parameters<TestBroker['addRep']>[0] = {}) {
  const rep = await broker.addRep(input);
  return { rep, token: await broker.login(rep.email, rep.password) };
}

const newSession = (token: string) => startSessionAs(broker.url, token);

const joinByLink = (joinUrl: string, name: string) => api('POST', '/api/join', { body: { invite: linkToken(joinUrl), name } });

async function joined(joinUrl: string, name: string) {
  const res = await joinByLink(joinUrl, name);
  expect(res.status).toBe(201);
  return v.parse(JoinResponse, res.body).self;
}

const setActive = (sessionId: string, participantId: string, token: string) =>
  api('POST', `/api/sessions/${sessionId}/active-customer`, { token, body: { participantId } });

const detail = async (sessionId: string, token: string) =>
  v.parse(SessionDetail, (await api('GET', `/api/sessions/${sessionId}`, { token })).body);

/** An events socket that has replayed the session up to `since`. */
async function listen(bearer: string, sessionId: string, since: number) {
  const socket = await Socket.open(wsUrl(broker.url, '/api/events'));
  sockets.push(socket);
  socket.send({ type: 'hello', token: bearer, since: { [sessionId]: since } });
  await socket.untilReady();
  return socket;
}

async function nextEvent(socket: Socket, sessionId: string): Promise<SessionEvent> {
  for (;;) {
    const message = await socket.next<EventsServerMessage>();
    if (message.type !== 'event') throw new Error(`expected an event, got ${JSON.stringify(message)}`);
    if (message.event.sessionId === sessionId) return message.event;
  }
}

/** Every event of the session from seq 1, as a rep (or a customer) replays it. */
async function replay(bearer: string, sessionId: string) {
  const socket = await Socket.open(wsUrl(broker.url, '/api/events'));
  sockets.push(socket);
  socket.send({ type: 'hello', token: bearer, since: { [sessionId]: 0 } });
  return (await socket.untilReady()).flatMap((m) => (m.type === 'event' && m.event.sessionId === sessionId ? [m.event] : []));
}

describe('maxCustomers', () => {
  it('refuses a customer over the limit by link, tells the reps and not the customers, and admits again after a leave', async () => {
    const { token } = await signedInRep({ name: 'Max Two', maxCustomers: 2 });
    const { session } = await newSession(token);
    const ann = await joined(session.joinUrl!, 'Ann');
    await joined(session.joinUrl!, 'Bob');
    const { lastSeq } = await detail(session.id, token);
    const reps = await listen(token, session.id, lastSeq);
    const annSocket = await listen(ann.peerToken, session.id, lastSeq);

    const third = await joinByLink(session.joinUrl!, 'Cleo');
    expectError(third, 409, 'session_full');
    expect(third.body.error.message).toBe(SESSION_FULL);
    expect(SESSION_FULL).toBe(
      'The representative is already helping as many customers as they can. Please try again in a few minutes.',
    );
    expect(await nextEvent(reps, session.id)).toMatchObject({ type: 'customer-refused', name: 'Cleo', seq: lastSeq + 1 });
    expect((await detail(session.id, token)).participants.map((p) => p.name)).toEqual(['Max Two', 'Ann', 'Bob']);
    expect((await broker.store.listAudit(session.id)).map((a) => a.action)).toContain('customer-refused');

    // Ann leaves: a place is free. Ann's own socket never heard of Cleo.
    await api('POST', `/api/sessions/${session.id}/leave`, { token: ann.peerToken });
    const annEvents: SessionEvent[] = [];
    for (;;) {
      const m = await annSocket.next<EventsServerMessage>();
      if (m.type === 'event') annEvents.push(m.event);
      if (m.type === 'event' && m.event.type === 'participant-left') break;
    }
    expect(annEvents.map((e) => e.type)).not.toContain('customer-refused');
    expect(annEvents.map((e) => e.seq)).toEqual([lastSeq + 2]); // its sequence still moved past the refusal
    expect(await joined(session.joinUrl!, 'Cleo')).toMatchObject({ role: 'customer', name: 'Cleo' });
  });

  it('admit when full is a 409 for the controller, the wait stays waiting, and admit works after a customer leaves', async () => {
    const { token } = await signedInRep({ maxCustomers: 2 });
    const { session } = await newSession(token);
    const ann = await joined(session.joinUrl!, 'Ann');
    await joined(session.joinUrl!, 'Bob');
    // Knocking is not refused for fullness: the controller may admit once someone leaves.
    const knock = await api('POST', '/api/join-by-number', { body: { number: session.number, name: 'Kim' } });
    expect(knock.status).toBe(201);
    const wait = v.parse(JoinByNumberResponse, knock.body);
    const reps = await listen(token, session.id, (await detail(session.id, token)).lastSeq);

    const full = await api('POST', `/api/sessions/${session.id}/admit`, { token, body: { waitId: wait.waitId } });
    expectError(full, 409, 'session_full');
    expect(await nextEvent(reps, session.id)).toMatchObject({ type: 'customer-refused', name: 'Kim' });
    const status = await api('POST', '/api/join-by-number/status', { body: { waitToken: wait.waitToken } });
    expect(v.parse(WaitStatus, status.body).status).toBe('waiting');
    expect((await detail(session.id, token)).knocks?.map((k) => k.waitId)).toEqual([wait.waitId]);

    await api('POST', `/api/sessions/${session.id}/leave`, { token: ann.peerToken });
    expect((await api('POST', `/api/sessions/${session.id}/admit`, { token, body: { waitId: wait.waitId } })).body).toEqual({
      ok: true,
    });
    const admitted = v.parse(
      WaitStatus,
      (await api('POST', '/api/join-by-number/status', { body: { waitToken: wait.waitToken } })).body,
    );
    expect(admitted).toMatchObject({ status: 'admitted', self: { name: 'Kim', role: 'customer' } });
  });

  it('counts customers only: assistants do not take places', async () => {
    const { token } = await signedInRep({ maxCustomers: 1 });
    const { session } = await newSession(token);
    const colleague = await signedInRep();
    expect((await api('POST', `/api/sessions/by-number/${session.number}/assist`, { token: colleague.token })).status).toBe(201);
    await joined(session.joinUrl!, 'Only');
    expectError(await joinByLink(session.joinUrl!, 'Extra'), 409, 'session_full');
  });

  it('two customers racing for the last place: exactly one gets in', async () => {
    const { token } = await signedInRep({ maxCustomers: 1 });
    const { session } = await newSession(token);
    const results = await Promise.all(['A', 'B', 'C', 'D'].map((name) => joinByLink(session.joinUrl!, name)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    expect((await detail(session.id, token)).participants.filter((p) => p.role === 'customer')).toHaveLength(1);
  });
});

describe('single and multi mode', () => {
  it('single mode refuses a second live session, naming the live one; after ending it, a new start works', async () => {
    const { token } = await signedInRep({ mode: 'single' });
    const { session } = await newSession(token);
    const second = await api('POST', '/api/sessions', { token });
    expectError(second, 409, 'single_session');
    const grouped = session.number.replace(/(\d{3})(?=\d)/g, '$1 ');
    expect(second.body.error.message).toBe(
      `You already have a live session (${grouped}). End it before starting another, or switch to it.`,
    );
    expect((await api('GET', '/api/sessions', { token })).body.sessions).toHaveLength(1);
    await api('POST', `/api/sessions/${session.id}/end`, { token });
    await newSession(token);
  });

  it('single mode counts only sessions the rep controls: assisting a colleague does not block a start', async () => {
    const colleague = await signedInRep();
    const { session } = await newSession(colleague.token);
    const { token } = await signedInRep({ mode: 'single' });
    expect((await api('POST', `/api/sessions/by-number/${session.number}/assist`, { token })).status).toBe(201);
    await newSession(token);
  });

  it('multi mode allows several live sessions', async () => {
    const { token } = await signedInRep({ mode: 'multi' });
    const a = await newSession(token);
    const b = await newSession(token);
    const c = await newSession(token);
    const live = (await api('GET', '/api/sessions', { token })).body.sessions.map((s: { id: string }) => s.id);
    expect(live).toEqual(expect.arrayContaining([a.session.id, b.session.id, c.session.id]));
  });

  it('MAX_CUSTOMERS is the limit of reps added without one, the first admin included', async () => {
    const site = await startBroker({ env: { MAX_CUSTOMERS: '2' } });
    try {
      expect((await site.store.findRepByEmail(site.admin.email))?.maxCustomers).toBe(2);
      expect((await site.addRep()).maxCustomers).toBe(2);
      expect((await site.addRep({ maxCustomers: 4 })).maxCustomers).toBe(4);
    } finally {
      await site.close();
    }
  });

  it('follows a change of the rep’s settings at the next start or admission', async () => {
    const { rep, token } = await signedInRep({ mode: 'single', maxCustomers: 1 });
    const { session } = await newSession(token);
    expectError(await api('POST', '/api/sessions', { token }), 409, 'single_session');
    await joined(session.joinUrl!, 'One');
    expectError(await joinByLink(session.joinUrl!, 'Two'), 409, 'session_full');

    // What `set-rep --email … --mode multi --max-customers 2` does.
    await updateRep(broker.store, rep.email, { mode: 'multi', maxCustomers: 2 });
    await newSession(token);
    await joined(session.joinUrl!, 'Two');
  });
});

describe('active customer', () => {
  let token: string;
  beforeAll(async () => {
    ({ token } = await signedInRep({ name: 'Rita', maxCustomers: 5 }));
  });

  it('the first customer becomes active at once; the controller switches and everyone hears it', async () => {
    const { session } = await newSession(token);
    expect((await detail(session.id, token)).activeCustomerId).toBeNull();
    const ann = await joined(session.joinUrl!, 'Ann');
    const events = await replay(token, session.id);
    expect(events.map((e) => e.type)).toEqual(['participant-joined', 'participant-joined', 'active-customer']);
    expect(events.at(-1)).toMatchObject({ participantId: ann.participantId });
    expect((await detail(session.id, token)).activeCustomerId).toBe(ann.participantId);

    // A second customer does not take over.
    const bob = await joined(session.joinUrl!, 'Bob');
    expect((await detail(session.id, ann.peerToken)).activeCustomerId).toBe(ann.participantId);

    const colleague = await signedInRep();
    const assisted = await api('POST', `/api/sessions/by-number/${session.number}/assist`, { token: colleague.token });
    const { lastSeq } = await detail(session.id, token);
    const listeners = [
      await listen(token, session.id, lastSeq),
      await listen(colleague.token, session.id, lastSeq),
      await listen(ann.peerToken, session.id, lastSeq),
      await listen(bob.peerToken, session.id, lastSeq),
    ];
    const res = await setActive(session.id, bob.participantId, token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, activeCustomerId: bob.participantId });
    for (const socket of listeners) {
      expect(await nextEvent(socket, session.id)).toMatchObject({
        type: 'active-customer',
        participantId: bob.participantId,
        seq: lastSeq + 1,
      });
    }
    expect((await detail(session.id, bob.peerToken)).activeCustomerId).toBe(bob.participantId);
    expect(assisted.status).toBe(201);
    expect((await detail(session.id, colleague.token)).activeCustomerId).toBe(bob.participantId);
    expect((await broker.store.listAudit(session.id)).map((a) => a.action)).toContain('active-customer');

    // The same one again: 200, no new event.
    expect((await setActive(session.id, bob.participantId, token)).status).toBe(200);
    expect((await detail(session.id, token)).lastSeq).toBe(lastSeq + 1);
  });

  it('only the controller chooses: assistants and customers get 403', async () => {
    const { session } = await newSession(token);
    const ann = await joined(session.joinUrl!, 'Ann');
    const bob = await joined(session.joinUrl!, 'Bob');
    const colleague = await signedInRep();
    await api('POST', `/api/sessions/by-number/${session.number}/assist`, { token: colleague.token });
    expectError(await setActive(session.id, bob.participantId, colleague.token), 403, 'forbidden');
    expectError(await setActive(session.id, bob.participantId, ann.peerToken), 403, 'forbidden');
    expectError(await setActive(session.id, bob.participantId, bob.peerToken), 403, 'forbidden');
    const stranger = await signedInRep();
    expectError(await setActive(session.id, bob.participantId, stranger.token), 403, 'forbidden');
    expectError(await api('POST', `/api/sessions/${session.id}/active-customer`, { body: {} }), 401, 'unauthorized');
    expect((await detail(session.id, token)).activeCustomerId).toBe(ann.participantId);
  });

  it('refuses anyone who is not a current customer of the session, and bad input, with a clear 4xx', async () => {
    const { session, self } = await newSession(token);
    const other = await newSession(token);
    const ann = await joined(session.joinUrl!, 'Ann');
    const stray = await joined(other.session.joinUrl!, 'Stray');
    const gone = await joined(session.joinUrl!, 'Gone');
    await api('POST', `/api/sessions/${session.id}/leave`, { token: gone.peerToken });

    expectError(await setActive(session.id, 'AAAAAAAAAAAAAAAAAAAAAA', token), 404, 'not_found');
    expectError(await setActive(session.id, stray.participantId, token), 404, 'not_found');
    const controller = await setActive(session.id, self.participantId, token);
    expectError(controller, 400, 'bad_request');
    expect(controller.body.error.message).toBe('Only a customer can be the active customer');
    const left = await setActive(session.id, gone.participantId, token);
    expectError(left, 400, 'bad_request');
    expect(left.body.error.message).toBe('This customer has left the session');
    for (const body of [{}, { participantId: 42 }, { participantId: 'no spaces allowed' }]) {
      expectError(await api('POST', `/api/sessions/${session.id}/active-customer`, { token, body }), 400, 'bad_request');
    }
    expectError(await api('POST', `/api/sessions/${session.id}/active-customer`, { token }), 400, 'bad_request');
    expectError(await setActive('AAAAAAAAAAAAAAAAAAAAAA', ann.participantId, token), 404, 'not_found');

    await api('POST', `/api/sessions/${session.id}/end`, { token });
    expectError(await setActive(session.id, ann.participantId, token), 410, 'session_ended');
  });

  it('the active customer leaving clears it for everyone; the next to join becomes active', async () => {
    const { session } = await newSession(token);
    const ann = await joined(session.joinUrl!, 'Ann');
    const bob = await joined(session.joinUrl!, 'Bob');
    const { lastSeq } = await detail(session.id, token);
    const reps = await listen(token, session.id, lastSeq);
    const bobSocket = await listen(bob.peerToken, session.id, lastSeq);

    await api('POST', `/api/sessions/${session.id}/leave`, { token: ann.peerToken });
    for (const socket of [reps, bobSocket]) {
      expect(await nextEvent(socket, session.id)).toMatchObject({ type: 'participant-left', participantId: ann.participantId });
      expect(await nextEvent(socket, session.id)).toMatchObject({ type: 'active-customer', participantId: null });
    }
    expect((await detail(session.id, token)).activeCustomerId).toBeNull();

    // A customer who is not the active one leaves quietly.
    const cleo = await joined(session.joinUrl!, 'Cleo');
    expect(await nextEvent(reps, session.id)).toMatchObject({ type: 'participant-joined' });
    expect(await nextEvent(reps, session.id)).toMatchObject({ type: 'active-customer', participantId: cleo.participantId });
    await api('POST', `/api/sessions/${session.id}/leave`, { token: bob.peerToken });
    expect(await nextEvent(reps, session.id)).toMatchObject({ type: 'participant-left', participantId: bob.participantId });
    expect((await detail(session.id, token)).activeCustomerId).toBe(cleo.participantId);
  });

  it('a customer admitted from a knock becomes active in the same commit as the admission', async () => {
    const { session } = await newSession(token);
    const knock = v.parse(
      JoinByNumberResponse,
      (await api('POST', '/api/join-by-number', { body: { number: session.number, name: 'Kim' } })).body,
    );
    await api('POST', `/api/sessions/${session.id}/admit`, { token, body: { waitId: knock.waitId } });
    const events = await replay(token, session.id);
    expect(events.map((e) => e.type)).toEqual([
      'participant-joined',
      'knock',
      'participant-joined',
      'knock-ended',
      'active-customer',
    ]);
    const kim = events[2] as Extract<SessionEvent, { type: 'participant-joined' }>;
    expect(events[4]).toMatchObject({ participantId: kim.participant.id });
  });

  it('survives a broker restart', async () => {
    const { session } = await newSession(token);
    const ann = await joined(session.joinUrl!, 'Ann');
    await broker.restart();
    expect((await detail(session.id, token)).activeCustomerId).toBe(ann.participantId);
  });
});
