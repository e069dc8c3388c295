/** One chat message as kept on this device. */
export interface ChatEntry {
  sessionId: string;
  /** Chosen by the sender: unique among that sender's messages only (see `entryKey`). */
  id: string;
  /** Who sent it, as the connection it came over says (never as the message claims). */
  senderId: string;
  /** The sender's name from the roster when it arrived. */
  senderName: string;
  /** A customer's participant id (that customer's conversation with the reps) or 'all' (to everyone). */
  thread: string;
  text: string;
  /** The sender's clock, or the receive time when the sender's was more than a day off. */
  sentAt: number;
  /** True for messages this participant wrote. */
  mine: boolean;
  /** For own messages: everyone it is addressed to. */
  sentTo: string[];
  /** For own messages: participants that have not acknowledged it yet. Resent when their link opens. */
  pendingFor: string[];
  /** For own messages: someone had not acknowledged it in time (the UI offers Retry). */
  failed?: boolean;
  /**
   * Not heard from its author: a customer's copy of their own conversation (history sync) said a rep
   * wrote it. The customer's participant id; shown as such, and replaced by a rep's or the author's copy.
   */
  via?: string;
}

/** Ids are the sender's own: two senders may pick the same one, so a message is known by both. */
export const entryKey = (entry: { senderId: string; id: string }) => `${entry.senderId}/${entry.id}`;

/** Where a store keeps an entry: one session's messages, each known by its sender and the sender's id. */
export const storedKey = (entry: { sessionId: string; senderId: string; id: string }) => `${entry.sessionId}/${entryKey(entry)}`;

/** Where chat history lives: Dexie in the extension, localStorage on the join page, memory in tests. */
export interface ChatStore {
  list(sessionId: string): Promise<ChatEntry[]>;
  /** Writes (or overwrites) entries; called with batches, so a burst of messages is one write. */
  putMany(entries: readonly ChatEntry[]): Promise<void>;
}

export function createMemoryChatStore(): ChatStore {
  const entries = new Map<string, ChatEntry>();
  return {
    list: async (sessionId) => [...entries.values()].filter((e) => e.sessionId === sessionId),
    putMany: async (batch) => batch.forEach((entry) => entries.set(storedKey(entry), structuredClone(entry))),
  };
}
