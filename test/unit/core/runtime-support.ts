import { WebSocket } from 'ws';
import type { BrokerClient } from '../../../core/broker/client';
import { createMemoryChatStore } from '../../../core/chat/types';
import type { createMemoryNetwork } from '../../../core/mesh/memory-transport';
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
