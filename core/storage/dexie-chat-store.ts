import { readStoredEntry } from '../chat/stored-entry';
import { storedKey, type ChatStore } from '../chat/types';
import type { SupportDb } from './db';

export function createDexieChatStore(db: SupportDb, now: () => number = Date.now): ChatStore {
  return {
    async list(sessionId) {
      const rows = await db.messages.where('sessionId').equals(sessionId).toArray();
      return rows.flatMap(({ key: _key, ...row }) => readStoredEntry(row, now()) ?? []);
    },
    async putMany(entries) {
      await db.messages.bulkPut(entries.map((entry) => ({ ...entry, key: storedKey(entry) })));
    },
  };
}
