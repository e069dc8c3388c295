import { signal, type ReadonlySignal } from '@preact/signals-core';
import type { ChatMessage, MeshMessage } from '../protocol';
import { randomId } from '../ids';
import type { ChatEntry, ChatStore } from './types';

export interface ChatDeps {
  sessionId: string;
  self: { participantId: string; name: string };
  store: ChatStore;
  /** Sends over the participant's reliable link; false when there is no open link right now. */
  send(participantId: string, message: MeshMessage): boolean;
  /** Who should receive a message sent now (everyone in the session but me). */
  recipients(): string[];
  /** A participant's name from the roster (the sender is known from the connection, never the message). */
  nameOf(participantId: string): string;
  now?: () => number;
}

const byTime = (a: ChatEntry, b: ChatEntry) => a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Chat with delivery you can trust: every message has an id, receivers acknowledge it, the sender keeps
 * resending to whoever has not acknowledged it each time their link (re)opens, and receivers drop duplicates.
 */
export function createChat(deps: ChatDeps) {
  const now = deps.now ?? Date.now;
  const entries = signal<ChatEntry[]>([]);
  const byId = new Map<string, ChatEntry>();

  function remember(entry: ChatEntry): void {
    byId.set(entry.id, entry);
    entries.value = [...byId.values()].sort(byTime);
    void deps.store.put(entry);
  }

  function wire(entry: ChatEntry): ChatMessage {
    return {
      type: 'chat',
      id: entry.id,
      text: entry.text,
      sentAt: entry.sentAt,
      thread: 'all',
    };
  }

  return {
    entries: entries as ReadonlySignal<ChatEntry[]>,

    /** Loads history from the store (call once, before messages flow). */
    async load(): Promise<void> {
      for (const entry of await deps.store.list(deps.sessionId)) byId.set(entry.id, entry);
      entries.value = [...byId.values()].sort(byTime);
    },

    send(text: string): void {
      const trimmed = text.trim();
      if (!trimmed) return;
      const recipients = deps.recipients();
      const entry: ChatEntry = {
        sessionId: deps.sessionId,
        id: randomId(),
        senderId: deps.self.participantId,
        senderName: deps.self.name,
        text: trimmed,
        sentAt: now(),
        mine: true,
        sentTo: recipients,
        pendingFor: [...recipients],
      };
      remember(entry);
      for (const participantId of entry.pendingFor) deps.send(participantId, wire(entry));
    },

    /** A chat message or acknowledgement arrived from `from` (already validated). */
    receive(from: string, message: MeshMessage): void {
      if (message.type === 'chat') {
        // Acknowledge even a duplicate: the first ack may have been lost.
        deps.send(from, { type: 'chat-ack', id: message.id });
        if (byId.has(message.id)) return;
        const { id, text, sentAt } = message;
        const senderName = deps.nameOf(from);
        remember({
          sessionId: deps.sessionId,
          id,
          text,
          sentAt,
          senderId: from,
          senderName,
          mine: false,
          sentTo: [],
          pendingFor: [],
        });
      } else if (message.type === 'chat-ack') {
        const entry = byId.get(message.id);
        if (!entry?.mine || !entry.pendingFor.includes(from)) return;
        remember({ ...entry, pendingFor: entry.pendingFor.filter((p) => p !== from) });
      }
    },

    /** `participantId`'s link opened: resend what they have not acknowledged. */
    linkOpened(participantId: string): void {
      for (const entry of byId.values()) {
        if (entry.mine && entry.pendingFor.includes(participantId)) deps.send(participantId, wire(entry));
      }
    },

    /**
     * `participantId` joined at `joinedAt` (broker time). Messages I sent since then are theirs too, even if
     * I sent them before the news of their arrival reached me.
     */
    participantJoined(participantId: string, joinedAt: number): void {
      for (const entry of byId.values()) {
        if (!entry.mine || entry.sentAt < joinedAt || entry.sentTo.includes(participantId)) continue;
        remember({ ...entry, sentTo: [...entry.sentTo, participantId], pendingFor: [...entry.pendingFor, participantId] });
        deps.send(participantId, wire(entry));
      }
    },

    /** `participantId` left the session: stop waiting for their acknowledgements. */
    participantLeft(participantId: string): void {
      for (const entry of byId.values()) {
        if (entry.mine && entry.pendingFor.includes(participantId)) {
          remember({ ...entry, pendingFor: entry.pendingFor.filter((p) => p !== participantId) });
        }
      }
    },
  };
}

export type Chat = ReturnType<typeof createChat>;
