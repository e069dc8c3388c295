import { WebSocket } from 'ws';
import { createBrokerClient, type BrokerClient } from '../../../core/broker/client';
import { createMemoryChatStore } from '../../../core/chat/types';
import type { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import type { TestBroker } from '../../helpers/broker';
import { createSessionRuntime, type SessionRuntime, type SessionRuntimeDeps } from '../../../core/session/runtime';

/** A participant's session runtime against a real broker, its mesh over the in-memory network. */
export async function runtimeOver(
  network: ReturnType<typeof createMemoryNetwork>,
  client: BrokerClient,
  sessionId: string,
  eventsToken: string,
  extra: Partial<Pick<SessionRuntimeDeps, 'onSignedOut' | 'media' | 'recordings'>> = {},
): Promise<SessionRuntime> {
  const detail = await client.getSession(sessionId);
  return createSessionRuntime({
    broker: client,
    eventsToken,
    detail: { ...detail, self: detail.self! },
    chatStore: createMemoryChatStore(),
    createTransport: (self) => network.join(self.peerId),
    media: {},
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    ...extra,
  });
}

/** A rep signed in, as a broker client and its token. */
async function signedInRep(broker: TestBroker, name: string) {
  const rep = await broker.addRep({ name });
  const token = await broker.login(rep.email, rep.password);
  return { token, client: createBrokerClient({ baseUrl: broker.url, getToken: () => token }) };
}

/** Rita's session with Bob assisting (by number), for runtimes of several people against a real broker. */
export async function sessionWithAssistant(broker: TestBroker) {
  const rita = await signedInRep(broker, 'Rita Rep');
  const bob = await signedInRep(broker, 'Bob Assistant');
  const { session } = await rita.client.createSession();
  await bob.client.assistByNumber(session.number);
  return { session, rita, bob };
}
