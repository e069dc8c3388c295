import { readStoredEntry } from '../chat/stored-entry';
import { entryKey, type ChatEntry, type ChatStore } from '../chat/types';
import type { SupportDb } from './db';

/** A row's key: one session's messages, each known by its sender and the sender's id for it. */
export const messageKey = (entry: ChatEntry) => `${entry.sessionId}/${entryKey(entry)}`;

export function createDexieChatStore(db: SupportDb, now: () => number = Date.now): ChatStore {
  return {
    async list(sessionId) {
      const rows = await db.messages.where('sessionId').equals(sessionId).toArray();
      return rows.flatMap(({ key: _key, ...row }) => readStoredEntry(row, now()) ?? []);
    },
    async putMany(entries) {
      await db.messages.bulkPut(entries.map((entry) => ({ ...entry, key: messageKey(entry) })));
    },
  };
}
