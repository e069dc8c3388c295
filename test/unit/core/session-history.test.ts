import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBrokerClient, type BrokerClient } from '../../../core/broker/client';
import { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import type { SessionRuntime } from '../../../core/session/runtime';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { runtimeOver } from './runtime-support';
import { linkToken } from '../broker/support';
import { until } from './mesh-support';

/**
 * The conversation so far reaches reps who join late, through the session runtime against a real broker
 * (its roster and presence decide whom to ask), over the in-memory mesh.
 */
describe('a rep who joins a session late', () => {
  let broker: TestBroker;
  let network: ReturnType<typeof createMemoryNetwork>;
  let runtimes: SessionRuntime[];
  /** Which peer ids asked which for history. */
  let asked: [string, string][];

  async function runtimeFor(client: BrokerClient, sessionId: string, eventsToken: string) {
    const runtime = await runtimeOver(network, client, sessionId, eventsToken);
    runtimes.push(runtime);
    return runtime;
  }

  async function rep(name: string) {
    const account = await broker.addRep({ name });
    const token = await broker.login(account.email, account.password);
    return { token, client: createBrokerClient({ baseUrl: broker.url, getToken: () => token }) };
  }

  beforeEach(async () => {
    broker = await startBroker();
    runtimes = [];
    asked = [];
    network = createMemoryNetwork({
      tap: (from, to, message) => (message as { type?: string }).type === 'history-request' && asked.push([from, to]),
    });
  });
  afterEach(async () => {
    runtimes.forEach((r) => r.dispose());
    await broker.close();
  });

  it('an assistant gets it from the rep; with the reps gone, a new one gets the customer’s thread from the customer', async () => {
    const rita = await rep('Rita Rep');
    const { session } = await rita.client.createSession();
    const ritaRuntime = await runtimeFor(rita.client, session.id, rita.token);
    const { self: annSelf } = await createBrokerClient({ baseUrl: broker.url }).join({
      invite: linkToken(session.joinUrl!),
      name: 'Ann Customer',
    });
    const annClient = createBrokerClient({ baseUrl: broker.url, getToken: () => annSelf.peerToken });
    const ann = await runtimeFor(annClient, session.id, annSelf.peerToken);
    await until(() => ann.linkStates.value.get(ritaRuntime.self.participantId) === 'connected');
    for (let i = 0; i < 30; i++) {
      if (i % 2 === 0) ann.chat.send(`Ann #${i}`, ann.self.participantId);
      else ritaRuntime.chat.send(`Rita #${i}`, ann.self.participantId);
      await until(() => ritaRuntime.chat.log.size === i + 1 && ann.chat.log.size === i + 1);
    }
    const said = ritaRuntime.chat.log.all().map((e) => [e.senderName, e.text]);

    const bob = await rep('Bob Assistant');
    await bob.client.assistByNumber(session.number);
    const bobRuntime = await runtimeFor(bob.client, session.id, bob.token);
    await until(() => bobRuntime.chat.log.size === 30 && !bobRuntime.historyLoading.value);
    expect(bobRuntime.chat.log.all().map((e) => [e.senderName, e.text, e.thread, e.via ?? null])).toEqual(
      said.map(([name, text]) => [name, text, ann.self.participantId, null]),
    );
    // A rep had it: Bob did not ask the customer.
    expect(asked.filter(([from, to]) => from === bobRuntime.self.peerId && to === annSelf.peerId)).toEqual([]);

    // Rita hands over and leaves; Bob's browser closes (he stays in control, offline).
    await ritaRuntime.passControl(bobRuntime.self.participantId);
    await until(() => ritaRuntime.permissions.value.role === 'assistant');
    await ritaRuntime.leave();
    bobRuntime.dispose();
    await until(() => ann.linkStates.value.get(bobRuntime.self.participantId) === 'offline');

    const carol = await rep('Carol Rep');
    await carol.client.assistByNumber(session.number);
    const carolRuntime = await runtimeFor(carol.client, session.id, carol.token);
    await until(() => carolRuntime.chat.log.size === 30 && !carolRuntime.historyLoading.value);
    expect(carolRuntime.chat.log.all().map((e) => [e.senderName, e.text, e.via ?? null])).toEqual(
      said.map(([name, text]) => [name, text, name === 'Rita Rep' ? ann.self.participantId : null]),
    );
    expect(asked.filter(([from]) => from === annSelf.peerId)).toEqual([]); // customers never ask
  });
});
