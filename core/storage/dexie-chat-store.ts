import type { ChatEntry, ChatStore } from '../chat/types';
import type { SupportDb } from './db';

export function createDexieChatStore(db: SupportDb): ChatStore {
  return {
    async list(sessionId) {
      const rows = await db.messages.where('sessionId').equals(sessionId).toArray();
      return rows.map(({ key: _key, ...entry }) => entry);
    },
    async put(entry: ChatEntry) {
      await db.messages.put({ ...entry, key: `${entry.sessionId}/${entry.id}` });
    },
  };
}
