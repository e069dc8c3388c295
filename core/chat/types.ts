/** One chat message as kept on this device. */
export interface ChatEntry {
  sessionId: string;
  id: string;
  senderId: string;
  senderName: string;
  text: string;
  sentAt: number;
  /** True for messages this participant wrote. */
  mine: boolean;
  /** For own messages: everyone it is addressed to (those in the session when it was sent). */
  sentTo: string[];
  /** For own messages: participants that have not acknowledged it yet. Resent when their link opens. */
  pendingFor: string[];
}

/** Where chat history lives: Dexie in the extension, localStorage on the join page, memory in tests. */
export interface ChatStore {
  list(sessionId: string): Promise<ChatEntry[]>;
  put(entry: ChatEntry): Promise<void>;
}

export function createMemoryChatStore(): ChatStore {
  const entries = new Map<string, ChatEntry>();
  return {
    list: async (sessionId) => [...entries.values()].filter((e) => e.sessionId === sessionId),
    put: async (entry) => void entries.set(`${entry.sessionId}/${entry.id}`, structuredClone(entry)),
  };
}
