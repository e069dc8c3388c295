import * as v from 'valibot';
import type { ChatEntry, ChatStore } from '../chat/types';

// localStorage is another program's to tamper with: every entry is checked on the way in.
const StoredEntry = v.object({
  sessionId: v.string(),
  id: v.string(),
  senderId: v.string(),
  senderName: v.string(),
  text: v.string(),
  sentAt: v.number(),
  mine: v.boolean(),
  sentTo: v.array(v.string()),
  pendingFor: v.array(v.string()),
});

/**
 * Chat history in `localStorage`, for the join page: a customer who refreshes keeps the conversation,
 * without loading an IndexedDB library before they have even joined.
 */
export function createLocalChatStore(storage: Storage, prefix = 'rs.chat.'): ChatStore {
  // Read and checked once per session, then kept here: re-reading and re-validating the whole history on
  // every message made a long chat slower with each line (issue 6, chat round trip).
  const sessions = new Map<string, Map<string, ChatEntry>>();
  const read = (sessionId: string): Map<string, ChatEntry> => {
    let entries = sessions.get(sessionId);
    if (entries) return entries;
    entries = new Map();
    try {
      const parsed: unknown = JSON.parse(storage.getItem(prefix + sessionId) ?? '[]');
      if (Array.isArray(parsed)) for (const e of parsed) if (v.is(StoredEntry, e)) entries.set(e.id, e);
    } catch {
      // Unreadable: start afresh.
    }
    sessions.set(sessionId, entries);
    return entries;
  };
  return {
    list: async (sessionId) => [...read(sessionId).values()],
    async put(entry) {
      const entries = read(entry.sessionId);
      entries.delete(entry.id); // an update moves to the end, as before
      entries.set(entry.id, entry);
      try {
        storage.setItem(prefix + entry.sessionId, JSON.stringify([...entries.values()]));
      } catch {
        // Storage full or disabled: the conversation still works, it just won't survive a refresh.
      }
    },
  };
}
