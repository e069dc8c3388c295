import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOf, fillPath, routes, type RouteName } from '../../../core/protocol';
import { createBrokerClient, type BrokerClient } from '../../../core/broker/client';
import { BrokerError } from '../../../core/broker/errors';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { call } from './support';

// One wire contract: the broker registers every route of core/protocol/routes.ts and the client calls
// each by its entry, so a path or method written twice cannot drift apart.
let broker: TestBroker;
beforeAll(async () => {
  broker = await startBroker();
});
afterAll(() => broker.close());

const NOWHERE = 'There is nothing at this address';
const names = Object.keys(routes) as RouteName[];
const sample = { id: 'AAAAAAAAAAAAAAAA', number: '123456789' };

describe('the route table', () => {
  it.each(names)('%s is registered, and a call without credentials or body answers a declared code', async (name) => {
    const def = routes[name];
    const res = await call(broker.url, def.method, fillPath(def.path, sample), def.method === 'POST' ? { body: {} } : {});
    if (res.status < 400) return expect(name).toBe('capabilities'); // the one route that needs nothing
    expect(res.body.error.message).not.toBe(NOWHERE);
    expect(errorsOf(def)).toContain(res.body.error.code);
  });

  it('validates path parameters with the table before anything else runs', async () => {
    const token = await broker.login(...(await broker.addRep().then((r) => [r.email, r.password] as const)));
    for (const id of ['A'.repeat(5000), 'short', 'has%20space']) {
      const res = await call(broker.url, 'GET', `/api/sessions/${id}`, { token });
      expect(res.status, id).toBe(400);
      expect(res.body.error).toEqual({ code: 'bad_request', message: 'Malformed id' });
    }
    const res = await call(broker.url, 'POST', '/api/sessions/by-number/12345/assist', { token, body: {} });
    expect(res.body.error).toEqual({ code: 'bad_request', message: 'A session number has 9 digits' });
  });

  it('answers 404 for a method or path the table does not have', async () => {
    expect((await call(broker.url, 'GET', '/api/login')).body.error.message).toBe(NOWHERE);
    expect((await call(broker.url, 'POST', '/api/sessions/AAAAAAAAAAAAAAAA/nothing', { body: {} })).status).toBe(404);
  });
});

describe('the client', () => {
  /** Arguments for every client method (the type makes this list complete). */
  const args: { [K in RouteName]: Parameters<BrokerClient[K]> } = {
    capabilities: [],
    login: [{ email: 'nobody@example.com', password: 'x' }],
    logout: [],
    me: [],
    createSession: [],
    listSessions: [],
    getSession: [sample.id],
    getIce: [sample.id],
    listInvites: [sample.id],
    createInvite: [sample.id, { role: 'customer', send: 'none' }],
    revokeInvites: [sample.id],
    admit: [sample.id, sample.id],
    decline: [sample.id, sample.id],
    setActiveCustomer: [sample.id, sample.id],
    passControl: [sample.id, sample.id],
    setRecording: [sample.id, true],
    leave: [sample.id],
    remove: [sample.id, sample.id],
    end: [sample.id],
    saveSummary: [sample.id, { notes: 'Printer fixed', ticket: 'T-1' }],
    rate: [sample.id, { score: 5 }],
    assistByNumber: ['123 456 789'],
    assist: ['AAAAAAAAAAAAAAAA'],
    checkInvite: ['AAAAAAAAAAAAAAAA'],
    join: [{ invite: 'AAAAAAAAAAAAAAAA', name: 'Ann' }],
    joinByNumber: [{ number: '123456789', name: 'Ann' }],
    waitStatus: [{ waitToken: 'AAAAAAAAAAAAAAAA' }],
    cancelWait: ['AAAAAAAAAAAAAAAA'],
    transfer: [sample.id, { queueId: sample.id }],
    listTransfers: [],
    acceptTransfer: [sample.id],
    declineTransfer: [sample.id],
    cancelTransfer: [sample.id],
    listQueues: [],
    listAgents: [],
    setAgentState: ['away'],
  };

  it('has one method per route, and each calls its route', async () => {
    const sent: { method: string; path: string }[] = [];
    const client = createBrokerClient({
      baseUrl: broker.url,
      // The real fetch to the real broker; only noted on the way.
      fetch: (input, init) => {
        sent.push({ method: init?.method ?? 'GET', path: new URL(String(input)).pathname });
        return fetch(input, init);
      },
    });
    expect(
      Object.keys(client)
        .filter((k) => k !== 'baseUrl')
        .sort(),
    ).toEqual([...names].sort());
    for (const name of names) {
      const method = client[name] as (...a: unknown[]) => Promise<unknown>;
      const error = await method(...args[name]).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (name !== 'capabilities') expect(error, name).toBeInstanceOf(BrokerError);
      const pattern = new RegExp(`^${routes[name].path.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
      expect(sent.pop(), name).toEqual({ method: routes[name].method, path: expect.stringMatching(pattern) });
    }
  });

  it('encodes path parameters, so an id cannot reach another route', async () => {
    const client = createBrokerClient({ baseUrl: broker.url });
    const error = await client.getSession('AAAAAAAA/invites').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
    const token = await broker.login(...(await broker.addRep().then((r) => [r.email, r.password] as const)));
    const signedIn = createBrokerClient({ baseUrl: broker.url, getToken: () => token });
    expect(await signedIn.getSession('AAAAAAAA/invites').catch((e: unknown) => e)).toMatchObject({
      status: 400,
      code: 'bad_request',
    });
  });
});
