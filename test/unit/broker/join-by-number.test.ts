import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JoinByNumberResponse, SessionDetail, WaitStatus, type EventsServerMessage } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { Socket, call, eventSummary, expectError, startSessionAs, wsUrl } from './support';

let broker: TestBroker;
let clock = Date.now();
let token: string;
const sockets: Socket[] = [];
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  broker = await startBroker({
    now: () => clock,
    // The sweeper runs often here; only moving the clock makes waits overdue.
    waitSweepIntervalMs: 25,
    env: { JOIN_BY_NUMBER_LIMIT: '1000', JOIN_BY_NUMBER_PER_NUMBER_LIMIT: '1000', KNOCK_TTL_SECONDS: '120' },
  });
  const rep = await broker.addRep({ name: 'Rita Rep' });
  token = await broker.login(rep.email, rep.password);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});
afterAll(() => broker.close());

const newSession = () => startSessionAs(broker.url, token);

async function knock(number: string, name = 'Kim Customer') {
  const res = await api('POST', '/api/join-by-number', { body: { number, name } });
  expect(res.status).toBe(201);
  return v.parse(JoinByNumberResponse, res.body);
}

async function status(waitToken: string, waitMs?: number) {
  const res = await api('POST', '/api/join-by-number/status', { body: { waitToken, ...(waitMs ? { waitMs } : {}) } });
  expect(res.status).toBe(200);
  return v.parse(WaitStatus, res.body);
}

const decide = (sessionId: string, action: 'admit' | 'decline', waitId: string, withToken = token) =>
  api('POST', `/api/sessions/${sessionId}/${action}`, { token: withToken, body: { waitId } });

/** An events socket that has replayed the session up to `since`. */
async function listen(bearer: string, sessionId: string, since: number) {
  const socket = await Socket.open(wsUrl(broker.url, '/api/events'));
  sockets.push(socket);
  socket.send({ type: 'hello', token: bearer, since: { [sessionId]: since } });
  return { socket, replay: await socket.untilReady() };
}

/** The socket's next event of this session (a rep's socket follows all of the rep's live sessions). */
async function nextEvent(socket: Socket, sessionId: string) {
  for (;;) {
    const message = await socket.next<EventsServerMessage>();
    if (message.type !== 'event') throw new Error(`expected an event, got ${JSON.stringify(message)}`);
    if (message.event.sessionId === sessionId) return message.event;
  }
}

describe('join by number', () => {
  it('a knock reaches the reps and not the customers; admit lets the customer in, the same one every time', async () => {
    const { session } = await newSession();
    const customer = (await api('POST', '/api/join', { body: { invite: session.joinUrl!.split('#')[1], name: 'Linked Lou' } }))
      .body.self;
    // Lou, the first customer, became the active one (seq 3).
    const reps = await listen(token, session.id, 3);
    const lou = await listen(customer.peerToken, session.id, 3);

    const wait = await knock(session.number.replace(/(\d{3})/g, '$1 ').trim(), 'Kim Customer');
    expect(wait.expiresAt).toBe(clock + 120_000);
    expect(await nextEvent(reps.socket, session.id)).toMatchObject({
      type: 'knock',
      seq: 4,
      knock: { waitId: wait.waitId, name: 'Kim Customer', createdAt: clock, expiresAt: wait.expiresAt },
    });
    expect(await status(wait.waitToken)).toEqual({ status: 'waiting', expiresAt: wait.expiresAt });
    // A reloaded panel finds who is knocking in the session detail; a customer's detail never says.
    const repDetail = v.parse(SessionDetail, (await api('GET', `/api/sessions/${session.id}`, { token })).body);
    expect(repDetail.knocks).toEqual([
      { waitId: wait.waitId, name: 'Kim Customer', createdAt: clock, expiresAt: wait.expiresAt },
    ]);
    const louDetail = await api('GET', `/api/sessions/${session.id}`, { token: customer.peerToken });
    expect(louDetail.body.knocks).toBeUndefined();

    expect((await decide(session.id, 'admit', wait.waitId)).body).toEqual({ ok: true });
    const joined = await nextEvent(reps.socket, session.id);
    expect(joined).toMatchObject({ type: 'participant-joined', seq: 5, participant: { name: 'Kim Customer', role: 'customer' } });
    expect(await nextEvent(reps.socket, session.id)).toMatchObject({
      type: 'knock-ended',
      seq: 6,
      waitId: wait.waitId,
      outcome: 'admitted',
    });
    // The customer already inside hears of the new customer, never of the knock.
    expect(await nextEvent(lou.socket, session.id)).toMatchObject({ type: 'participant-joined', seq: 5 });

    const admitted = await status(wait.waitToken);
    if (admitted.status !== 'admitted') throw new Error(admitted.status);
    expect(admitted.sessionId).toBe(session.id);
    expect(admitted.self).toMatchObject({ role: 'customer', name: 'Kim Customer' });
    expect(admitted.self.participantId).toBe((joined as { participant: { id: string } }).participant.id);
    expect(await status(wait.waitToken)).toEqual(admitted); // a refreshed page is the same participant

    const detail = await api('GET', `/api/sessions/${session.id}`, { token: admitted.self.peerToken });
    expect(detail.status).toBe(200);
    expect(detail.body.self).toEqual(admitted.self);
    expect(detail.body.participants).toHaveLength(3);
    expect(detail.body.knocks).toBeUndefined();
    expect((await api('GET', `/api/sessions/${session.id}`, { token })).body.knocks).toEqual([]);

    // Replays leave the knocks out for customers, and keep them for reps.
    const kimReplay = await listen(admitted.self.peerToken, session.id, 0);
    expect(eventSummary(kimReplay.replay)).toEqual([
      'participant-joined:1',
      'participant-joined:2',
      'active-customer:3',
      'participant-joined:5',
    ]);
    const repReplay = await listen(token, session.id, 2);
    expect(eventSummary(repReplay.replay)).toEqual(['active-customer:3', 'knock:4', 'participant-joined:5', 'knock-ended:6']);

    expectError(await decide(session.id, 'admit', wait.waitId), 409, 'conflict');
    expectError(await decide(session.id, 'decline', wait.waitId), 409, 'conflict');
    const audit = (await broker.store.listAudit(session.id)).map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['knock', 'admit', 'join']));
  });

  it('the long poll answers as soon as the controller admits', async () => {
    const { session } = await newSession();
    const reps = await listen(token, session.id, 1);
    const wait = await knock(session.number);
    const polling = status(wait.waitToken, 25_000);
    expect((await nextEvent(reps.socket, session.id)).type).toBe('knock');
    expect((await decide(session.id, 'admit', wait.waitId)).status).toBe(200);
    expect((await polling).status).toBe('admitted');
  });

  it('the long poll answers when the session ends', async () => {
    const { session } = await newSession();
    const wait = await knock(session.number);
    const polling = status(wait.waitToken, 25_000);
    await api('POST', `/api/sessions/${session.id}/end`, { token });
    expect(await polling).toEqual({ status: 'ended' });
  });

  it('a customer page that goes away mid-poll leaves the broker fine', async () => {
    const { session } = await newSession();
    const wait = await knock(session.number);
    const gone = new AbortController();
    const poll = fetch(`${broker.url}/api/join-by-number/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ waitToken: wait.waitToken, waitMs: 25_000 }),
      signal: gone.signal,
    });
    gone.abort();
    await expect(poll).rejects.toThrow();
    expect(await status(wait.waitToken)).toEqual({ status: 'waiting', expiresAt: wait.expiresAt });
    expect((await decide(session.id, 'admit', wait.waitId)).status).toBe(200);
  });

  it('declined customers are told so', async () => {
    const { session } = await newSession();
    const wait = await knock(session.number);
    const reps = await listen(token, session.id, 2);
    const polling = status(wait.waitToken, 25_000);
    expect((await decide(session.id, 'decline', wait.waitId)).body).toEqual({ ok: true });
    expect(await nextEvent(reps.socket, session.id)).toMatchObject({
      type: 'knock-ended',
      waitId: wait.waitId,
      outcome: 'declined',
    });
    expect(await polling).toEqual({ status: 'declined' });
    expect(await status(wait.waitToken)).toEqual({ status: 'declined' });
    expect(await broker.store.listParticipants(session.id)).toHaveLength(1);
  });

  it('a customer may stop waiting', async () => {
    const { session } = await newSession();
    const wait = await knock(session.number);
    const reps = await listen(token, session.id, 2);
    const cancel = await api('POST', '/api/join-by-number/cancel', { body: { waitToken: wait.waitToken } });
    expect(cancel.body).toEqual({ ok: true });
    expect(await nextEvent(reps.socket, session.id)).toMatchObject({
      type: 'knock-ended',
      waitId: wait.waitId,
      outcome: 'cancelled',
    });
    expect(await status(wait.waitToken)).toEqual({ status: 'cancelled' });
    const admit = await decide(session.id, 'admit', wait.waitId);
    expectError(admit, 410, 'wait_expired');
    expect(admit.body.error.message).toBe('This customer stopped waiting');
    // Cancelling twice is harmless.
    expect((await api('POST', '/api/join-by-number/cancel', { body: { waitToken: wait.waitToken } })).status).toBe(200);
  });

  it('waits run out: the sweeper tells the reps, the customer hears "expired", admit is refused', async () => {
    const { session } = await newSession();
    const wait = await knock(session.number);
    const reps = await listen(token, session.id, 2);
    clock += 120_000;
    expect(await nextEvent(reps.socket, session.id)).toMatchObject({
      type: 'knock-ended',
      waitId: wait.waitId,
      outcome: 'expired',
    });
    expect(await status(wait.waitToken)).toEqual({ status: 'expired' });
    expectError(await decide(session.id, 'admit', wait.waitId), 410, 'wait_expired');
    expectError(await decide(session.id, 'decline', wait.waitId), 410, 'wait_expired');
  });

  it('an ended session’s number admits no one', async () => {
    const { session } = await newSession();
    const wait = await knock(session.number);
    await api('POST', `/api/sessions/${session.id}/end`, { token });
    expect(await status(wait.waitToken)).toEqual({ status: 'ended' });
    expectError(await decide(session.id, 'admit', wait.waitId), 410, 'session_ended');
    const again = await api('POST', '/api/join-by-number', { body: { number: session.number, name: 'Late Larry' } });
    expectError(again, 404, 'not_found');
    expect(again.body.error.message).toBe(
      'There is no session with this number right now. Check the number with your representative.',
    );
  });

  it('only the session’s controller decides, and only about its own waits', async () => {
    const { session } = await newSession();
    const other = await newSession();
    const wait = await knock(session.number);
    const customer = (await api('POST', '/api/join', { body: { invite: session.joinUrl!.split('#')[1], name: 'Lou' } })).body
      .self;
    expectError(await decide(session.id, 'admit', wait.waitId, customer.peerToken), 403, 'forbidden');
    expectError(await decide(other.session.id, 'admit', wait.waitId), 404, 'not_found');
    expectError(await decide(session.id, 'admit', 'A'.repeat(22)), 404, 'not_found');
    expect((await status(wait.waitToken)).status).toBe('waiting');
  });

  it('bad input is a 400, an unknown wait token a 404', async () => {
    const bad = [
      ['/api/join-by-number', { number: '12345', name: 'Kim' }],
      ['/api/join-by-number', { number: '123456789', name: '  ' }],
      ['/api/join-by-number', { number: 123456789, name: 'Kim' }],
      ['/api/join-by-number/status', { waitToken: 'short' }],
      ['/api/join-by-number/status', { waitToken: 'A'.repeat(32), waitMs: -1 }],
      ['/api/join-by-number/status', { waitToken: 'A'.repeat(32), waitMs: 60_000 }],
      ['/api/join-by-number/cancel', {}],
    ] as const;
    for (const [path, body] of bad) expectError(await api('POST', path, { body }), 400, 'bad_request');
    expectError(await api('POST', '/api/join-by-number', { raw: '{"number":' }), 400, 'bad_request');
    expectError(await api('POST', '/api/join-by-number/status', { body: { waitToken: 'A'.repeat(32) } }), 404, 'not_found');
    expectError(await api('POST', '/api/join-by-number/cancel', { body: { waitToken: 'A'.repeat(32) } }), 404, 'not_found');
    const { session } = await newSession();
    expectError(await api('POST', `/api/sessions/${session.id}/admit`, { token, body: { waitId: '!' } }), 400, 'bad_request');
    expectError(await api('POST', `/api/sessions/${session.id}/admit`, { token }), 400, 'bad_request');
  });
});

describe('join by number is rate limited', () => {
  let limited: TestBroker;
  let limitedClock = Date.now();
  beforeAll(async () => {
    limited = await startBroker({ now: () => limitedClock });
  });
  afterAll(() => limited.close());

  const attempt = (number: string) => call(limited.url, 'POST', '/api/join-by-number', { body: { number, name: 'Guesser' } });

  it('per client address: a burst of wrong numbers gets 429 with when to try again', async () => {
    for (let i = 0; i < 10; i++) expectError(await attempt(String(100_000_000 + i)), 404, 'not_found');
    const res = await attempt('100000011');
    expectError(res, 429, 'rate_limited');
    expect(res.body.error.message).toMatch(/^Too many attempts to join from your network\. Try again in \d+ seconds\.$/);
    const seconds = Number(/in (\d+) seconds/.exec(res.body.error.message)![1]);
    expect(seconds).toBeGreaterThan(0);
    expect(res.headers.get('retry-after')).toBe(String(seconds));
    limitedClock += 61_000;
    expectError(await attempt('100000012'), 404, 'not_found');
  });
});
