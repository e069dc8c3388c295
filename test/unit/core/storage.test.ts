import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { ChatEntry } from '../../../core/chat/types';
import { SupportDb } from '../../../core/storage/db';
import { createDexieChatStore } from '../../../core/storage/dexie-chat-store';
import { createLocalChatStore } from '../../../core/storage/local-chat-store';
import { memoryWebStorage } from '../../helpers/storage';

const entry = (sessionId: string, id: string, text: string): ChatEntry => ({
  sessionId,
  id,
  text,
  senderId: 'me',
  senderName: 'Me',
  sentAt: 1,
  mine: true,
  sentTo: ['you'],
  pendingFor: ['you'],
});

describe('chat stores', () => {
  it('Dexie keeps messages per session and updates them in place', async () => {
    const db = new SupportDb('test-db', { indexedDB: new IDBFactory(), IDBKeyRange });
    const store = createDexieChatStore(db);
    await store.put(entry('s1', 'm1', 'hello'));
    await store.put(entry('s2', 'm2', 'other session'));
    await store.put({ ...entry('s1', 'm1', 'hello'), pendingFor: [] });
    expect(await store.list('s1')).toEqual([{ ...entry('s1', 'm1', 'hello'), pendingFor: [] }]);
    db.close();
  });

  it('localStorage keeps messages per session and survives garbage in storage', async () => {
    const storage = memoryWebStorage();
    const store = createLocalChatStore(storage);
    await store.put(entry('s1', 'm1', 'hello'));
    await store.put({ ...entry('s1', 'm1', 'hello'), pendingFor: [] });
    expect(await store.list('s1')).toEqual([{ ...entry('s1', 'm1', 'hello'), pendingFor: [] }]);
    storage.setItem('rs.chat.s2', '{not json');
    expect(await store.list('s2')).toEqual([]);
    storage.setItem('rs.chat.s3', JSON.stringify([{ id: 5 }, entry('s3', 'm3', 'ok')]));
    expect((await store.list('s3')).map((e) => e.text)).toEqual(['ok']);
  });
});
