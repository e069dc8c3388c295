import { readStoredEntry } from '../chat/stored-entry';
import { entryKey, type ChatEntry, type ChatStore } from '../chat/types';

/**
 * Chat history in `localStorage`, for the join page: a customer who refreshes keeps the conversation,
 * without loading an IndexedDB library before they have even joined.
 */
export function createLocalChatStore(storage: Storage, prefix = 'rs.chat.', now: () => number = Date.now): ChatStore {
  // Read and checked once per session, then kept here: re-reading and re-validating the whole history on
  // every message made a long chat slower with each line (issue 6, chat round trip).
  const sessions = new Map<string, Map<string, ChatEntry>>();
  const read = (sessionId: string): Map<string, ChatEntry> => {
    let entries = sessions.get(sessionId);
    if (entries) return entries;
    entries = new Map();
    try {
      const parsed: unknown = JSON.parse(storage.getItem(prefix + sessionId) ?? '[]');
      if (Array.isArray(parsed)) {
        for (const row of parsed) {
          const entry = readStoredEntry(row, now());
          if (entry?.sessionId === sessionId) entries.set(entryKey(entry), entry);
        }
      }
    } catch {
      // Unreadable: start afresh.
    }
    sessions.set(sessionId, entries);
    return entries;
  };
  return {
    list: async (sessionId) => [...read(sessionId).values()],
    async putMany(batch) {
      const touched = new Set<string>();
      for (const entry of batch) {
        read(entry.sessionId).set(entryKey(entry), entry);
        touched.add(entry.sessionId);
      }
      for (const sessionId of touched) {
        try {
          storage.setItem(prefix + sessionId, JSON.stringify([...read(sessionId).values()]));
        } catch {
          // Storage full or disabled: the conversation still works, it just won't survive a refresh.
        }
      }
    },
  };
}
