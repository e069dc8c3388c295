import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventsServerMessage, SessionEvent } from '../../../core/protocol';
import { MAX_WAITING_KNOCKS } from '../../../broker/limits';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { callFrom, loopback } from './addresses';
import { Socket, call, expectError, linkToken, startSessionAs, wsUrl } from './support';

let broker: TestBroker;
let clock = Date.now();
let token: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  broker = await startBroker({
    now: () => clock,
    env: { JOIN_BY_NUMBER_LIMIT: '5', JOIN_BY_NUMBER_PER_NUMBER_LIMIT: '3', KNOCK_TTL_SECONDS: '300' },
  });
  const rep = await broker.addRep({ name: 'Rita Rep' });
  token = await broker.login(rep.email, rep.password);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  clock += 6 * 60_000; // fresh windows, and every wait of the last test ran out
});
afterAll(() => broker.close());

let addresses = 0;
const fresh = () => loopback(addresses++);
const knock = (from: string, number: string, name = 'Kim Customer') =>
  callFrom(from, broker.url, 'POST', '/api/join-by-number', { body: { number, name } });

/** Replays a session's events as this bearer sees them. */
async function replay(bearer: string, sessionId: string): Promise<SessionEvent[]> {
  const socket = await Socket.open(wsUrl(broker.url, '/api/events'));
  sockets.push(socket);
  socket.send({ type: 'hello', token: bearer, since: { [sessionId]: 0 } });
  const messages: EventsServerMessage[] = await socket.untilReady();
  return messages.flatMap((m) => (m.type === 'event' && m.event.sessionId === sessionId ? [m.event] : []));
}

describe('knocks', () => {
  it('one address knocking a lot is refused; the real customer, from another address, still gets through', async () => {
    const { session } = await startSessionAs(broker.url, token);
    const attacker = fresh();
    for (let i = 0; i < 5; i++) expect((await knock(attacker, session.number, 'Mallory')).status).toBe(201);
    const refused = await knock(attacker, session.number, 'Mallory');
    expectError(refused, 429, 'rate_limited');
    expect(refused.body.error.message).toBe('Too many attempts to join from your network. Try again in 60 seconds.');
    expect(refused.headers.get('retry-after')).toBe('60');

    const customer = await knock(fresh(), session.number, 'Real Customer');
    expect(customer.status).toBe(201);
    clock += 60_000;
    expect((await knock(attacker, session.number, 'Mallory')).status).toBe(201);
    // Refusals are audited once a minute per address, not once a request.
    const audited = (await broker.store.listAudit()).filter(
      (a) => a.action === 'knock-refused' && a.detail?.address === attacker,
    );
    expect(audited).toHaveLength(1);
  });

  it('many knocks on one number warn the reps once a minute; customers never hear of it', async () => {
    const { session } = await startSessionAs(broker.url, token);
    const lou = (
      await call(broker.url, 'POST', '/api/join', { body: { invite: linkToken(session.joinUrl!), name: 'Linked Lou' } })
    ).body.self;
    for (let i = 0; i < 6; i++) expect((await knock(fresh(), session.number)).status).toBe(201);
    clock += 60_000;
    for (let i = 0; i < 3; i++) expect((await knock(fresh(), session.number)).status).toBe(201);
    expect((await knock(fresh(), session.number)).status).toBe(201);

    const repEvents = await replay(token, session.id);
    const warnings = repEvents.filter((e) => e.type === 'many-knocks');
    // The fourth knock of each minute: over JOIN_BY_NUMBER_PER_NUMBER_LIMIT (3), once, while it lasts.
    expect(warnings).toEqual([expect.objectContaining({ count: 4 }), expect.objectContaining({ count: 4 })]);
    expect(repEvents.filter((e) => e.type === 'knock')).toHaveLength(10);
    const louEvents = await replay(lou.peerToken, session.id);
    expect(louEvents.map((e) => `${e.type}:${e.seq}`)).toEqual([
      'participant-joined:1',
      'participant-joined:2',
      'active-customer:3',
    ]);
    expect((await broker.store.listAudit(session.id)).filter((a) => a.action === 'many-knocks')).toHaveLength(2);
  });

  it('one address keeps at most three knocks waiting: a fourth replaces its oldest', async () => {
    const { session } = await startSessionAs(broker.url, token);
    const here = fresh();
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push((await knock(here, session.number, `Kim ${i}`)).body);
    const status = (waitToken: string) =>
      call(broker.url, 'POST', '/api/join-by-number/status', { body: { waitToken } }).then((r) => r.body.status);
    expect(await status(waits[0].waitToken)).toBe('cancelled');
    for (const wait of waits.slice(1)) expect(await status(wait.waitToken)).toBe('waiting');
    const detail = (await call(broker.url, 'GET', `/api/sessions/${session.id}`, { token })).body;
    expect(detail.knocks.map((k: { name: string }) => k.name)).toEqual(['Kim 1', 'Kim 2', 'Kim 3']);
    const ended = (await replay(token, session.id)).filter((e) => e.type === 'knock-ended');
    expect(ended).toEqual([expect.objectContaining({ waitId: waits[0].waitId, outcome: 'cancelled' })]);
  });

  it(`at most ${MAX_WAITING_KNOCKS} knocks wait on one session; beyond that 429 until a place frees up`, async () => {
    const { session } = await startSessionAs(broker.url, token);
    const first = await knock(fresh(), session.number, 'First');
    clock += 60_000;
    for (let i = 1; i < MAX_WAITING_KNOCKS; i++) expect((await knock(fresh(), session.number)).status).toBe(201);
    const full = await knock(fresh(), session.number, 'One Too Many');
    expectError(full, 429, 'rate_limited');
    expect(full.body.error.message).toBe(
      'Many people are waiting to join this session right now; your representative can also send you a link. Try again in 4 minutes.',
    );
    // The first knock runs out in 4 minutes, which frees its place.
    expect(full.headers.get('retry-after')).toBe('240');
    clock += 240_000;
    expect((await knock(fresh(), session.number, 'Next')).status).toBe(201);
    expect(first.status).toBe(201);
    expect((await broker.store.listAudit(session.id)).filter((a) => a.action === 'knock-refused')).toEqual([
      expect.objectContaining({ detail: { reason: 'full' } }),
    ]);
  });
});
