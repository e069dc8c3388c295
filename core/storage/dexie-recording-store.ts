import { liveQuery } from 'dexie';
import type { RecordingStore } from '../recording/types';
import type { SupportDb } from './db';

/** Where the browser keeps the extension's storage (absent in tests: no estimate, no persistence). */
export type StorageManagerLike = Pick<StorageManager, 'estimate' | 'persist'> | undefined;

/**
 * Recordings in the extension's IndexedDB: the session host writes them, the panel (same origin, same
 * database) lists, plays, saves and deletes them.
 */
export function createDexieRecordingStore(db: SupportDb, storage: StorageManagerLike): RecordingStore {
  return {
    create: async (meta) => void (await db.recordings.put(meta)),
    append: (id, seq, data, update) =>
      db.transaction('rw', db.recordings, db.recordingChunks, async () => {
        await db.recordingChunks.put({ recordingId: id, seq, data });
        await db.recordings.update(id, update);
      }),
    update: async (id, update) => void (await db.recordings.update(id, update)),
    list: () => db.recordings.orderBy('startedAt').reverse().toArray(),
    watch(onList) {
      const subscription = liveQuery(() => db.recordings.orderBy('startedAt').reverse().toArray()).subscribe({
        next: onList,
        error: () => undefined,
      });
      return () => subscription.unsubscribe();
    },
    async chunks(id) {
      const rows = await db.recordingChunks.where('[recordingId+seq]').between([id, 0], [id, Infinity]).toArray();
      return rows.map((r) => r.data);
    },
    remove: (id) =>
      db.transaction('rw', db.recordings, db.recordingChunks, async () => {
        await db.recordingChunks.where('recordingId').equals(id).delete();
        await db.recordings.delete(id);
      }),
    async estimate() {
      const e = await storage?.estimate().catch(() => undefined);
      return e?.quota === undefined ? undefined : { usage: e.usage ?? 0, quota: e.quota };
    },
    persist: async () => (await storage?.persist().catch(() => false)) ?? false,
  };
}
