import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventsCloseCode, SessionDetail, type EventsServerMessage } from '../../../core/protocol';
import { Revocations } from '../../../broker/auth/revocations';
import { hashToken } from '../../../broker/auth/tokens';
import { startBroker, type TestBroker } from '../../helpers/broker';
import {
  Socket,
  assistByNumber,
  call,
  eventSockets,
  joinByLink,
  nextEventOf,
  recordingLogger,
  startSessionAs,
  wsUrl,
} from './support';

// /api/events against hostile and departed clients (issue 10): floods, malformed frames, revoked
// credentials, and reps who left a session.
let broker: TestBroker;
let token: string;
const revocations = new Revocations();
const logger = recordingLogger();
const events = eventSockets(() => broker.url);
const listen = events.listen;
const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) => call(broker.url, method, path, options);

beforeAll(async () => {
  broker = await startBroker({ revocations, log: logger.log });
  const rep = await broker.addRep({ name: 'Rita Rep' });
  token = await broker.login(rep.email, rep.password);
});
afterEach(events.closeAll);
afterAll(() => broker.close());

async function signedIn(name: string) {
  const rep = await broker.addRep({ name });
  return { rep, token: await broker.login(rep.email, rep.password) };
}

const join = (joinUrl: string, name: string) => joinByLink(broker.url, joinUrl, name);

/** Everything a socket says until it closes. */
async function untilClosed(socket: Socket): Promise<{ messages: EventsServerMessage[]; code: number; reason: string }> {
  const messages: EventsServerMessage[] = [];
  let done = false;
  const closed = socket.closed.then((c) => ((done = true), c));
  while (!done) {
    const message = await Promise.race([socket.next(), closed.then(() => undefined)]);
    if (message) messages.push(message);
  }
  return { messages, ...(await closed) };
}

describe('a flooding client', () => {
  it('gets pongs up to its rate, then is dropped and counted, then cut off; others carry on', async () => {
    const { session } = await startSessionAs(broker.url, token);
    const { socket } = await listen(token);
    const before = broker.diagnostics.events.rateLimited;
    for (let i = 0; i < 300; i++) socket.send({ type: 'ping' });
    const { messages, code } = await untilClosed(socket);
    const pongs = messages.filter((m) => m.type === 'pong').length;
    // Hello took one of the burst of 50.
    expect(pongs).toBeGreaterThanOrEqual(49);
    expect(pongs).toBeLessThan(80);
    expect(messages.at(-1)).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect(code).toBe(EventsCloseCode.badMessage);
    expect(broker.diagnostics.events.rateLimited - before).toBeGreaterThan(100);

    const { socket: other } = await listen(token, { [session.id]: 1 });
    other.send({ type: 'ping' });
    expect(await other.next()).toEqual({ type: 'pong' });
  });
});

describe('malformed frames', () => {
  it('close the socket and are logged as one line with a count, never a stack trace, at most once a minute', async () => {
    const before = broker.diagnostics.events.badFrames;
    const noisy = (line: { args: unknown[] }) => String(line.args[0]).startsWith('Events socket:');
    const badUtf8 = await Socket.open(wsUrl(broker.url, '/api/events'));
    badUtf8.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await badUtf8.closed).code).toBe(1007);
    const oversized = await Socket.open(wsUrl(broker.url, '/api/events'));
    oversized.send({ type: 'hello', token: 'x'.repeat(70_000) });
    expect((await oversized.closed).code).toBe(1009);

    expect(broker.diagnostics.events.badFrames - before).toBe(2);
    const lines = logger.lines.filter(noisy);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.args).toHaveLength(1);
    expect(lines[0]!.args[0]).toMatch(
      /^Events socket: closed a connection that broke the websocket protocol \(WS_ERR_\w+: .*\); \d+ so far$/,
    );
    expect(lines[0]!.args[0]).not.toContain('\n');
  });
});

describe('revoked credentials', () => {
  it('close the sockets opened with them (4401, with a reason), and no others', async () => {
    const ana = await signedIn('Ana Rep');
    const anaSecond = await broker.login(ana.rep.email, ana.rep.password);
    const bo = await signedIn('Bo Rep');
    const anaSession = await startSessionAs(broker.url, ana.token);
    const boSession = await startSessionAs(broker.url, bo.token);
    const customer = await join(anaSession.session.joinUrl!, 'Carl');
    const since = async (s: { session: { id: string } }) => ({ [s.session.id]: await broker.store.lastSeq(s.session.id) });
    const { socket: first } = await listen(ana.token, await since(anaSession));
    const { socket: other } = await listen(anaSecond, await since(anaSession));
    const { socket: bos } = await listen(bo.token, await since(boSession));
    const { socket: carl } = await listen(customer.peerToken, await since(anaSession));

    // One token signed out: only its socket closes.
    await broker.store.revokeRepToken(hashToken(ana.token), Date.now());
    revocations.revoked({ kind: 'rep-token', tokenHash: hashToken(ana.token), repId: ana.rep.id });
    const closed = await untilClosed(first);
    expect(closed.messages.at(-1)).toMatchObject({ type: 'error', code: 'unauthorized' });
    expect(closed).toMatchObject({ code: EventsCloseCode.unauthorized, reason: 'Sign-in ended' });
    await join(anaSession.session.joinUrl!, 'Dora');
    expect(await nextEventOf(other, 'participant-joined')).toMatchObject({ participant: { name: 'Dora' } });

    // Every token of the rep: the other one closes too; another rep's and the customer's stay.
    revocations.revoked({ kind: 'rep', repId: ana.rep.id });
    expect(await untilClosed(other)).toMatchObject({ code: EventsCloseCode.unauthorized, reason: 'Signed out' });
    await join(boSession.session.joinUrl!, 'Eve');
    expect(await nextEventOf(bos, 'participant-joined')).toMatchObject({ participant: { name: 'Eve' } });
    await join(anaSession.session.joinUrl!, 'Finn');
    expect(await nextEventOf(carl, 'participant-joined')).toMatchObject({ participant: { name: 'Dora' } });
    expect(await nextEventOf(carl, 'participant-joined')).toMatchObject({ participant: { name: 'Finn' } });
  });
});

describe('a rep’s socket activity', () => {
  it('renews the sign-in, and a sign-in that stopped working closes the socket at the next ping', async () => {
    const ana = await signedIn('Ana Rep');
    const { socket } = await listen(ana.token);
    socket.send({ type: 'ping' });
    expect(await socket.next()).toEqual({ type: 'pong' });
    // Ended without anyone announcing it (e.g. expired between sweeps): the heartbeat notices.
    await broker.store.revokeRepToken(hashToken(ana.token), Date.now());
    socket.send({ type: 'ping' });
    const closed = await untilClosed(socket);
    expect(closed.messages).toEqual([{ type: 'pong' }, { type: 'error', code: 'unauthorized', message: expect.any(String) }]);
    expect(closed).toMatchObject({ code: EventsCloseCode.unauthorized, reason: 'Sign-in ended' });
  });
});

describe('a rep who left a session', () => {
  it('replays it only up to their own departure, and is not subscribed live', async () => {
    const { session } = await startSessionAs(broker.url, token);
    const cora = await signedIn('Cora Colleague');
    const self = await assistByNumber(broker.url, session.number, cora.token);
    const { socket } = await listen(cora.token);
    expect((await api('POST', `/api/sessions/${session.id}/leave`, { token: cora.token, body: {} })).status).toBe(200);
    const left = await nextEventOf(socket, 'participant-left', session.id);
    expect(left.participantId).toBe(self.participantId);

    // Later: a customer joins, someone knocks.
    await join(session.joinUrl!, 'Secret Sam');
    expect((await api('POST', '/api/join-by-number', { body: { number: session.number, name: 'Knocking Kim' } })).status).toBe(
      201,
    );

    // Asking to follow again replays up to the departure, no further.
    socket.send({ type: 'follow', sessionId: session.id, since: 0 });
    const replayed: EventsServerMessage[] = [];
    for (;;) {
      const message = await socket.next();
      replayed.push(message);
      if (message.type === 'event' && message.event.seq === left.seq) break;
    }
    // A session of Cora's own starts: the next thing on the socket is that, nothing of the session she left.
    const own = await startSessionAs(broker.url, cora.token);
    const next = await socket.next();
    expect(next).toMatchObject({ type: 'event', event: { sessionId: own.session.id, type: 'participant-joined' } });

    // So does a new socket that names the session in `since`.
    const { messages } = await listen(cora.token, { [session.id]: 0 });
    const events = messages.flatMap((m) => (m.type === 'event' && m.event.sessionId === session.id ? [m.event] : []));
    expect(events.at(-1)).toMatchObject({ type: 'participant-left', participantId: self.participantId });
    expect(JSON.stringify(messages)).not.toMatch(/Secret Sam|Knocking Kim/);

    // And what she may still read of it stops where she went.
    const detail = v.parse(SessionDetail, (await api('GET', `/api/sessions/${session.id}`, { token: cora.token })).body);
    expect(detail.participants.map((p) => p.name)).toEqual(['Rita Rep', 'Cora Colleague']);
    expect(detail.online).toBeUndefined();
    expect(detail.self).toBeUndefined();
  });
});
