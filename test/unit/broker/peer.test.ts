import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateSessionResponse, Self } from '../../../core/protocol';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { call, Socket, wsUrl } from './support';

let broker: TestBroker;
let token: string;

beforeAll(async () => {
  broker = await startBroker();
  const rep = await broker.addRep();
  token = await broker.login(rep.email, rep.password);
});
afterAll(() => broker.close());

const peerUrl = (id: string, peerToken: string) =>
  wsUrl(
    broker.url,
    `/peerjs/peerjs?key=peerjs&id=${encodeURIComponent(id)}&token=${encodeURIComponent(peerToken)}&version=1.5.5`,
  );

async function setup(): Promise<{ created: CreateSessionResponse; customer: Self }> {
  const created: CreateSessionResponse = (await call(broker.url, 'POST', '/api/sessions', { token })).body;
  const invite = created.session.joinUrl!.split('#')[1];
  const customer: Self = (await call(broker.url, 'POST', '/api/join', { body: { invite, name: 'Carl' } })).body.self;
  return { created, customer };
}

async function connect(id: string, peerToken: string): Promise<Socket> {
  const socket = await Socket.open(peerUrl(id, peerToken));
  expect(await socket.next()).toEqual({ type: 'OPEN' });
  return socket;
}

describe('PeerServer door', () => {
  it('admits a participant with its own id and token', async () => {
    const { created, customer } = await setup();
    const rep = await connect(created.self.peerId, created.self.peerToken);
    const cust = await connect(customer.peerId, customer.peerToken);
    // Signaling passes between them.
    const payload = { sdp: { type: 'offer', sdp: 'x' }, type: 'data', connectionId: 'dc_1', serialization: 'json' };
    rep.send({ type: 'OFFER', dst: customer.peerId, payload });
    expect(await cust.next()).toMatchObject({ type: 'OFFER', src: created.self.peerId, payload });
    await Promise.all([rep.close(), cust.close()]);
  });

  it('refuses a wrong token, someone else’s id, an unknown id and missing parameters', async () => {
    const { created, customer } = await setup();
    await expect(Socket.open(peerUrl(customer.peerId, created.self.peerToken))).rejects.toThrow(/401/);
    await expect(Socket.open(peerUrl(customer.peerId, 'A'.repeat(43)))).rejects.toThrow(/401/);
    await expect(Socket.open(peerUrl('p' + 'A'.repeat(24), customer.peerToken))).rejects.toThrow(/401/);
    await expect(Socket.open(wsUrl(broker.url, '/peerjs/peerjs?key=peerjs'))).rejects.toThrow(/401/);
  });

  it('closes the socket of a participant who leaves, and refuses it from then on', async () => {
    const { created, customer } = await setup();
    const socket = await connect(customer.peerId, customer.peerToken);
    await call(broker.url, 'POST', `/api/sessions/${created.session.id}/leave`, { token: customer.peerToken });
    await socket.closed;
    await expect(Socket.open(peerUrl(customer.peerId, customer.peerToken))).rejects.toThrow(/401/);
  });

  it('closes every socket of a session that ends', async () => {
    const { created, customer } = await setup();
    const rep = await connect(created.self.peerId, created.self.peerToken);
    const cust = await connect(customer.peerId, customer.peerToken);
    await call(broker.url, 'POST', `/api/sessions/${created.session.id}/end`, { token });
    await Promise.all([rep.closed, cust.closed]);
    await expect(Socket.open(peerUrl(created.self.peerId, created.self.peerToken))).rejects.toThrow(/401/);
  });

  it('does not offer peer discovery', async () => {
    expect((await call(broker.url, 'GET', '/peerjs/peerjs/peers')).status).toBe(401);
  });
});

describe('PeerServer capacity', () => {
  it('admits as many peers as PEER_CONCURRENT_LIMIT says, not PeerServer’s own default', async () => {
    const small = await startBroker({ env: { PEER_CONCURRENT_LIMIT: '1' } });
    try {
      const rep = await small.addRep();
      const repToken = await small.login(rep.email, rep.password);
      const created: CreateSessionResponse = (await call(small.url, 'POST', '/api/sessions', { token: repToken })).body;
      const invite = created.session.joinUrl!.split('#')[1];
      const customer: Self = (await call(small.url, 'POST', '/api/join', { body: { invite, name: 'Cy' } })).body.self;
      const url = (self: Self) =>
        wsUrl(small.url, `/peerjs/peerjs?key=peerjs&id=${self.peerId}&token=${encodeURIComponent(self.peerToken)}`);
      const first = await Socket.open(url(created.self));
      expect(await first.next()).toEqual({ type: 'OPEN' });
      const second = await Socket.open(url(customer));
      expect(await second.next()).toMatchObject({
        type: 'ERROR',
        payload: { msg: expect.stringMatching(/concurrent user limit/) },
      });
      await Promise.all([first.close(), second.closed]);
    } finally {
      await small.close();
    }
  });
});
