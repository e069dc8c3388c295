import type { SupportDb } from './db';
import { createDexieChatStore } from './dexie-chat-store';
import { createDexieRecordingStore, type StorageManagerLike } from './dexie-recording-store';

/** The extension's stores over its one Dexie database: chat history and recordings. */
export const extensionStores = (db: SupportDb, storage: StorageManagerLike) => ({
  chatStore: createDexieChatStore(db),
  recordings: createDexieRecordingStore(db, storage),
});
