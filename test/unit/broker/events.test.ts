import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventsCloseCode, type CreateSessionResponse, type EventsServerMessage } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { call, eventSummary, Socket, wsUrl } from './support';

let broker: TestBroker;
let token: string;
const sockets: Socket[] = [];

beforeEach(async () => {
  broker = await startBroker();
  const rep = await broker.addRep();
  token = await broker.login(rep.email, rep.password);
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await broker.close();
});

async function events(): Promise<Socket> {
  const socket = await Socket.open(wsUrl(broker.url, '/api/events'));
  sockets.push(socket);
  return socket;
}

async function hello(message: Record<string, unknown>): Promise<{ socket: Socket; messages: EventsServerMessage[] }> {
  const socket = await events();
  socket.send({ type: 'hello', ...message });
  return { socket, messages: await socket.untilReady() };
}

async function createSession(): Promise<CreateSessionResponse> {
  return (await call(broker.url, 'POST', '/api/sessions', { token })).body;
}

async function joinCustomer(created: CreateSessionResponse, name = 'Carl') {
  const invite = created.session.joinUrl!.split('#')[1];
  return (await call(broker.url, 'POST', '/api/join', { body: { invite, name } })).body.self;
}

describe('WS /api/events', () => {
  it('replays a rep’s sessions, says ready, then streams live events', async () => {
    const created = await createSession();
    const { socket, messages } = await hello({ token });
    expect(eventSummary(messages)).toEqual(['participant-joined:1']);
    expect(messages.at(-1)).toEqual({ type: 'ready', sessionIds: [created.session.id] });

    await joinCustomer(created);
    const live = await socket.next();
    expect(live).toMatchObject({
      type: 'event',
      event: {
        type: 'participant-joined',
        seq: 2,
        sessionId: created.session.id,
        participant: { name: 'Carl', role: 'customer' },
      },
    });
  });

  it('follows sessions the rep starts after hello', async () => {
    const { socket, messages } = await hello({ token });
    expect(messages).toEqual([{ type: 'ready', sessionIds: [] }]);
    const created = await createSession();
    expect(await socket.next()).toMatchObject({
      type: 'event',
      event: { type: 'participant-joined', seq: 1, sessionId: created.session.id },
    });
  });

  it('after a reconnect, sends only what was missed', async () => {
    const created = await createSession();
    const first = await hello({ token });
    await first.socket.close();
    await joinCustomer(created, 'One');
    await joinCustomer(created, 'Two');
    const { messages } = await hello({ token, since: { [created.session.id]: 1 } });
    // The first customer becomes the active one at once.
    expect(eventSummary(messages)).toEqual(['participant-joined:2', 'active-customer:3', 'participant-joined:4']);
  });

  it('after a broker restart, still sends what was missed', async () => {
    const created = await createSession();
    const customer = await joinCustomer(created);
    await call(broker.url, 'POST', `/api/sessions/${created.session.id}/leave`, { token: customer.peerToken });
    await call(broker.url, 'POST', `/api/sessions/${created.session.id}/end`, { token });
    await broker.restart();
    // The session ended while the rep was away: because the client names it in `since`, it hears so.
    const { messages } = await hello({ token, since: { [created.session.id]: 3 } });
    expect(eventSummary(messages)).toEqual(['participant-left:4', 'active-customer:5', 'session-ended:6']);
    expect(messages.at(-1)).toEqual({ type: 'ready', sessionIds: [created.session.id] });
  });

  it('gives a customer its own session only, and closes its socket when the session ends', async () => {
    const created = await createSession();
    const other = await createSession();
    const customer = await joinCustomer(created);
    const { socket, messages } = await hello({ token: customer.peerToken, since: { [other.session.id]: 0 } });
    expect(messages.at(-1)).toEqual({ type: 'ready', sessionIds: [created.session.id] });
    expect(eventSummary(messages)).toEqual(['participant-joined:1', 'participant-joined:2', 'active-customer:3']);

    socket.send({ type: 'follow', sessionId: other.session.id, since: 0 });
    expect(await socket.next()).toMatchObject({ type: 'error', code: 'forbidden' });

    await call(broker.url, 'POST', `/api/sessions/${created.session.id}/end`, { token });
    expect(await socket.next()).toMatchObject({ type: 'event', event: { type: 'session-ended', seq: 4 } });
    expect((await socket.closed).code).toBe(1000);
    // Its token no longer opens the stream.
    const again = await events();
    again.send({ type: 'hello', token: customer.peerToken });
    expect(await again.next()).toMatchObject({ type: 'error', code: 'unauthorized' });
    expect((await again.closed).code).toBe(EventsCloseCode.unauthorized);
  });

  it('follow replays a session from a given point', async () => {
    const created = await createSession();
    await joinCustomer(created);
    const { socket } = await hello({ token, since: { [created.session.id]: 2 } });
    socket.send({ type: 'follow', sessionId: created.session.id, since: 0 });
    expect(await socket.next()).toMatchObject({ type: 'event', event: { seq: 1 } });
    expect(await socket.next()).toMatchObject({ type: 'event', event: { seq: 2 } });
  });

  it('refuses a bad token with 4401 and a bad first message with 4400', async () => {
    const bad = await events();
    bad.send({ type: 'hello', token: 'x'.repeat(43) });
    expect(await bad.next()).toMatchObject({ type: 'error', code: 'unauthorized' });
    expect((await bad.closed).code).toBe(EventsCloseCode.unauthorized);

    for (const first of [
      'not json',
      JSON.stringify({ type: 'follow', sessionId: 'AAAAAAAAAAAA', since: 0 }),
      JSON.stringify({ type: 'hello' }),
    ]) {
      const socket = await events();
      socket.send(first);
      expect(await socket.next()).toMatchObject({ type: 'error', code: 'bad_request' });
      expect((await socket.closed).code).toBe(EventsCloseCode.badMessage);
    }
  });

  it('ignores malformed messages after hello and keeps going', async () => {
    const created = await createSession();
    const { socket } = await hello({ token, since: { [created.session.id]: 1 } });
    socket.send('{{{');
    socket.send({ type: 'follow', sessionId: '!!', since: -1 });
    socket.send({ type: 'nonsense' });
    await joinCustomer(created);
    expect(await socket.next()).toMatchObject({ type: 'event', event: { seq: 2 } });
  });

  it('refuses websocket upgrades on other paths', async () => {
    await expect(Socket.open(wsUrl(broker.url, '/api/other'))).rejects.toThrow(/404/);
  });
});
