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
  const read = (sessionId: string): ChatEntry[] => {
    try {
      const parsed: unknown = JSON.parse(storage.getItem(prefix + sessionId) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((e): e is ChatEntry => v.is(StoredEntry, e)) : [];
    } catch {
      return [];
    }
  };
  return {
    list: async (sessionId) => read(sessionId),
    async put(entry) {
      const all = read(entry.sessionId).filter((e) => e.id !== entry.id);
      all.push(entry);
      try {
        storage.setItem(prefix + entry.sessionId, JSON.stringify(all));
      } catch {
        // Storage full or disabled: the conversation still works, it just won't survive a refresh.
      }
    },
  };
}
