import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createBrokerClient } from '../../../core/broker/client';
import { BrokerError } from '../../../core/broker/errors';
import { createMemoryChatStore } from '../../../core/chat/types';
import { createHostClient, type HostClient } from '../../../core/host/host-client';
import { createSessionHost, type SessionHost } from '../../../core/host/session-host';
import { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import type { SessionRuntime } from '../../../core/session/runtime';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { linkToken } from '../broker/support';
import { until } from './mesh-support';
import { runtimeOver } from './runtime-support';

/**
 * The session host and its views over a real BroadcastChannel (Node has one), a real broker, and the
 * in-memory mesh: a view's runtime reads and acts like a local one, views come and go without the
 * session noticing, and nothing a view sends can break the host.
 */
describe('the session host: the rep’s sessions outlive the panel that opened them', () => {
  let broker: TestBroker;
  let host: SessionHost;
  let channelName: string;
  let views: HostClient[];
  let customer: SessionRuntime;
  let token: string;
  let sessionId: string;
  let repId: string;

  const view = () => {
    const client = createHostClient(new BroadcastChannel(channelName));
    views.push(client);
    return client;
  };
  const detailFor = async () => {
    const detail = await createBrokerClient({ baseUrl: broker.url, getToken: () => token }).getSession(sessionId);
    return { ...detail, self: detail.self! };
  };
  const open = async (client: HostClient, onSignedOut: (reason: string) => void = () => undefined) =>
    client.open({ brokerUrl: broker.url, token, detail: await detailFor(), onSignedOut });

  beforeEach(async () => {
    broker = await startBroker();
    views = [];
    channelName = `host-test-${Math.random()}`;
    const network = createMemoryNetwork();
    host = createSessionHost({
      channel: new BroadcastChannel(channelName),
      chatStore: createMemoryChatStore(),
      createTransport: (_url, self) => network.join(self.peerId),
      media: {},
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const rita = await broker.addRep({ name: 'Rita Rep' });
    token = await broker.login(rita.email, rita.password);
    repId = rita.id;
    const { session } = await createBrokerClient({ baseUrl: broker.url, getToken: () => token }).createSession();
    sessionId = session.id;
    const { self } = await createBrokerClient({ baseUrl: broker.url }).join({
      invite: linkToken(session.joinUrl!),
      name: 'Ann Customer',
    });
    customer = await runtimeOver(
      network,
      createBrokerClient({ baseUrl: broker.url, getToken: () => self.peerToken }),
      session.id,
      self.peerToken,
    );
  });
  afterEach(async () => {
    customer.dispose();
    views.forEach((v) => v.close());
    host.close();
    await broker.close();
  });

  it('a view’s runtime follows the host’s signals, chats both ways, and its actions run at the host', async () => {
    const rep = await open(view());
    await until(() => rep.status.value === 'live' && rep.linkStates.value.get(customer.self.participantId) === 'connected');
    expect(rep.nameOf(customer.self.participantId)).toBe('Ann Customer');
    expect(rep.permissions.value.isController).toBe(true);

    await rep.chat.send('Hello from the host', customer.self.participantId);
    await until(() => customer.chat.log.all().some((e) => e.text === 'Hello from the host'));
    // A reply in the same millisecond would tie on time, and ties go by random ids: answer a moment later.
    await new Promise((resolve) => setTimeout(resolve, 5));
    customer.chat.send('Hello back', customer.self.participantId);
    await until(() => rep.chat.log.all().some((e) => e.text === 'Hello back'));
    // What a rep may read in the customer's thread is worked out in the view, synchronously.
    const window = rep.chat.log.window(10, rep.chatRules.inThread(customer.self.participantId));
    expect(window.entries.map((e) => e.text)).toEqual(['Hello from the host', 'Hello back']);
    // Acked: the view hears of the change to the rep's own entry.
    await until(() => rep.chat.log.all().find((e) => e.text === 'Hello from the host')?.pendingFor.length === 0);
  });

  it('a view that goes and a new one that comes find the same runtime: no new link, the history is there', async () => {
    const first = view();
    const rep = await open(first);
    await until(() => rep.linkStates.value.get(customer.self.participantId) === 'connected');
    await rep.chat.send('Before the panel closed', customer.self.participantId);
    first.close(); // the panel closes: nothing is said to the host
    customer.chat.send('While it was closed', customer.self.participantId);
    await until(() => customer.chat.log.all().length === 2);

    const again = await open(view());
    expect(host.size).toBe(1);
    expect(again.linkStates.value.get(customer.self.participantId)).toBe('connected');
    await until(() => again.chat.log.all().some((e) => e.text === 'While it was closed'));
    expect(again.chat.log.all().map((e) => e.text)).toContain('Before the panel closed');
  });

  it('a broker refusal reaches the view as the same BrokerError a local runtime throws', async () => {
    const rep = await open(view());
    const failure = await rep.remove('not-a-participant-id').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BrokerError);
    expect((failure as BrokerError).status).toBeGreaterThanOrEqual(400);
  });

  it('dispose from a view ends the runtime at the host; a revoked token signs every view out', async () => {
    const rep = await open(view());
    rep.dispose();
    await until(() => host.size === 0);

    let signedOut = '';
    await open(view(), (reason) => (signedOut = reason));
    expect(host.size).toBe(1);
    broker.store.revokeRepTokensOfRep(repId, Date.now()); // what `npm run admin -- revoke-tokens` does
    await until(() => signedOut !== '');
    await until(() => host.size === 0);
  });

  it('a view notices when the host stops answering (closed by the browser): it is told, to open its sessions again', async () => {
    let lost = false;
    const client = createHostClient(new BroadcastChannel(channelName), undefined, {
      onLost: () => (lost = true),
      livenessMs: 20,
    });
    views.push(client);
    await open(client);
    await new Promise((r) => setTimeout(r, 100));
    expect(lost).toBe(false); // it answers while it runs
    host.close();
    await until(() => lost);
  });

  it('a hostile or confused sender on the channel breaks nothing: malformed, oversized, unknown runtimes and actions', async () => {
    const rep = await open(view());
    await until(() => rep.status.value === 'live');
    const rogue = new BroadcastChannel(channelName);
    const replies: unknown[] = [];
    rogue.onmessage = (event) => replies.push(event.data);
    const before = host.rejectedCount;
    rogue.postMessage('not an object');
    rogue.postMessage({ type: 'open', view: 'x', req: 1, brokerUrl: 'not a url', token: '', detail: {} });
    rogue.postMessage({ type: 'call', view: 'x'.repeat(65), req: 1, runtime: 'r1', path: ['end'], args: [] });
    rogue.postMessage({
      type: 'call',
      view: 'rogue',
      req: 2,
      runtime: 'r1',
      path: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      args: [],
    });
    rogue.postMessage({ type: 'call', view: 'rogue', req: 3, runtime: 'r1', path: ['x'.repeat(65)], args: [] });
    // Well formed, but naming nothing the runtime has: refused with a reason, nothing runs.
    rogue.postMessage({ type: 'call', view: 'rogue', req: 4, runtime: 'r1', path: ['constructor'], args: [] });
    rogue.postMessage({ type: 'call', view: 'rogue', req: 5, runtime: 'r1', path: ['self', 'toString'], args: [] });
    rogue.postMessage({ type: 'call', view: 'rogue', req: 6, runtime: 'nope', path: ['end'], args: [] });
    rogue.postMessage({ type: 'want-stream', view: 'rogue', stream: 's999' });
    rogue.postMessage({ type: 'want-picture', view: 'rogue', key: 'x'.repeat(201) });
    rogue.postMessage({ type: 'want-picture', view: 'rogue', key: 'camera:nobody' });
    await until(() => replies.filter((r) => (r as { view?: string }).view === 'rogue').length >= 5);
    expect(host.rejectedCount - before).toBe(6);
    const failures = replies.filter((r) => (r as { type: string }).type === 'failed');
    expect(failures).toHaveLength(3);
    expect(replies).toContainEqual({ type: 'no-stream', view: 'rogue', stream: 's999' });
    expect(replies).toContainEqual({ type: 'picture', view: 'rogue', key: 'camera:nobody' });
    // The session is untouched.
    expect(rep.status.value).toBe('live');
    expect(host.size).toBe(1);
    rogue.close();
  });
});
