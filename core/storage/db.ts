import Dexie, { type EntityTable } from 'dexie';
import { storedKey, type ChatEntry } from '../chat/types';
import type { CreateSessionResponse } from '../protocol';
import type { RecordingMeta } from '../recording/types';

/** What the side panel remembers about a session it takes part in, to resume after a reload. */
export interface StoredSession {
  id: string;
  session: CreateSessionResponse['session'];
  self: CreateSessionResponse['self'];
  /** The broker it lives on: a rep may switch brokers. */
  brokerUrl: string;
  updatedAt: number;
}

/** The extension's IndexedDB: sessions and chat history survive panel reloads and browser restarts. */
export interface RecordingChunk {
  recordingId: string;
  seq: number;
  data: Blob;
}

export class SupportDb extends Dexie {
  sessions!: EntityTable<StoredSession, 'id'>;
  messages!: EntityTable<ChatEntry & { key: string }, 'key'>;
  recordings!: EntityTable<RecordingMeta, 'id'>;
  /** A recording's video in the order MediaRecorder gave it, a few seconds a chunk. */
  recordingChunks!: Dexie.Table<RecordingChunk, [string, number]>;

  constructor(name = 'remote-support', indexedDB?: { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange }) {
    super(name, indexedDB);
    this.version(1).stores({
      sessions: 'id, updatedAt',
      messages: 'key, sessionId, sentAt',
    });
    // 2 (issue 10): a message is known by its sender and the sender's id (two senders may pick the same
    // id), and belongs to a thread; rows from before threads belong to everyone.
    this.version(2)
      .stores({ messages: 'key, sessionId, sentAt' })
      .upgrade(async (tx) => {
        const table = tx.table<Record<string, unknown>, string>('messages');
        const rows = await table.toArray();
        await table.clear();
        await table.bulkPut(
          rows.map((row) => ({ ...row, thread: row.thread ?? 'all', key: storedKey(row as Parameters<typeof storedKey>[0]) })),
        );
      });
    // 3 (issue 14): recordings, written a chunk at a time as they run.
    this.version(3).stores({ recordings: 'id, startedAt', recordingChunks: '[recordingId+seq], recordingId' });
  }
}
