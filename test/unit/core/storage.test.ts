import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { ChatEntry } from '../../../core/chat/types';
import { SupportDb } from '../../../core/storage/db';
import { createDexieChatStore } from '../../../core/storage/dexie-chat-store';
import { createLocalChatStore } from '../../../core/storage/local-chat-store';
import { memoryWebStorage } from '../../helpers/storage';

const entry = (sessionId: string, id: string, text: string, senderId = 'me'): ChatEntry => ({
  sessionId,
  id,
  text,
  senderId,
  senderName: 'Me',
  thread: 'all',
  sentAt: 1,
  mine: true,
  sentTo: ['you'],
  pendingFor: ['you'],
});

const fakeIdb = () => ({ indexedDB: new IDBFactory(), IDBKeyRange });

describe('chat stores', () => {
  it('Dexie keeps messages per session and sender, and updates them in place', async () => {
    const db = new SupportDb('test-db', fakeIdb());
    const store = createDexieChatStore(db);
    await store.putMany([entry('s1', 'm1aaaaaa', 'hello'), entry('s2', 'm2aaaaaa', 'other session')]);
    await store.putMany([{ ...entry('s1', 'm1aaaaaa', 'hello'), pendingFor: [] }]);
    await store.putMany([entry('s1', 'm1aaaaaa', 'same id, other sender', 'you')]);
    expect(await store.list('s1')).toEqual([
      { ...entry('s1', 'm1aaaaaa', 'hello'), pendingFor: [] },
      entry('s1', 'm1aaaaaa', 'same id, other sender', 'you'),
    ]);
    db.close();
  });

  it('Dexie keeps whose copy a relayed message came from, and skips a row whose mark is malformed', async () => {
    const db = new SupportDb('test-db-via', fakeIdb());
    const store = createDexieChatStore(db);
    const relayed = { ...entry('s1', 'm1aaaaaa', 'relayed', 'rep'), mine: false, sentTo: [], pendingFor: [], via: 'ann' };
    await store.putMany([relayed]);
    await db.messages.put({ ...relayed, id: 'm2aaaaaa', via: 42 as unknown as string, key: 's1/rep/m2aaaaaa' });
    expect(await store.list('s1')).toEqual([relayed]);
    db.close();
  });

  it('Dexie history from before threads is re-keyed by sender and belongs to everyone', async () => {
    const idb = fakeIdb();
    const old = new Dexie('upgrade-db', idb);
    old.version(1).stores({ sessions: 'id, updatedAt', messages: 'key, sessionId, sentAt' });
    const { thread: _thread, ...before } = entry('s1', 'm1aaaaaa', 'from version 1');
    await old.table('messages').put({ ...before, key: 's1/m1aaaaaa' });
    old.close();
    const db = new SupportDb('upgrade-db', idb);
    expect(await createDexieChatStore(db).list('s1')).toEqual([entry('s1', 'm1aaaaaa', 'from version 1')]);
    expect(await db.messages.toCollection().primaryKeys()).toEqual(['s1/me/m1aaaaaa']);
    db.close();
  });

  it('a stored time no clock can show is read back as now; malformed rows are skipped, never rendered', async () => {
    const db = new SupportDb('bad-rows', fakeIdb());
    await db.messages.bulkPut([
      { ...entry('s1', 'm1aaaaaa', 'from 1e20'), sentAt: 1e20, key: 'a' },
      { ...entry('s1', 'm2aaaaaa', 'ok'), key: 'b' },
      { ...entry('s1', 'm3aaaaaa', 'x'), text: 5 as unknown as string, key: 'c' },
    ]);
    const list = await createDexieChatStore(db, () => 42).list('s1');
    expect(list.map((e) => [e.text, e.sentAt])).toEqual([
      ['from 1e20', 42],
      ['ok', 1],
    ]);
    db.close();
  });

  it('localStorage is written once per spell of messages, not per message, and at once when the page goes away', async () => {
    const storage = memoryWebStorage();
    let writes = 0;
    const setItem = storage.setItem.bind(storage);
    storage.setItem = (key, value) => (writes++, setItem(key, value));
    let leaving = () => {};
    const store = createLocalChatStore(storage, { writeEveryMs: 50, whenLeaving: (flush) => (leaving = flush) });
    for (let i = 0; i < 20; i++) await store.putMany([entry('s1', `m${i}aaaaaaa`, `line ${i}`)]);
    expect(writes).toBe(0);
    expect(await store.list('s1')).toHaveLength(20);
    await new Promise((r) => setTimeout(r, 80));
    expect(writes).toBe(1);
    expect(JSON.parse(storage.getItem('rs.chat.s1')!)).toHaveLength(20);
    // The page is hidden or unloads before the next write is due: what came meanwhile is written then.
    await store.putMany([entry('s1', 'm20aaaaaaa', 'last words')]);
    leaving();
    expect(writes).toBe(2);
    // A refreshed page reads it all back.
    expect(await createLocalChatStore(storage).list('s1')).toHaveLength(21);
  });

  it('localStorage keeps messages per session and survives garbage in storage', async () => {
    const storage = memoryWebStorage();
    const store = createLocalChatStore(storage);
    await store.putMany([entry('s1', 'm1aaaaaa', 'hello')]);
    await store.putMany([{ ...entry('s1', 'm1aaaaaa', 'hello'), pendingFor: [] }]);
    store.flush();
    expect(await store.list('s1')).toEqual([{ ...entry('s1', 'm1aaaaaa', 'hello'), pendingFor: [] }]);
    storage.setItem('rs.chat.s2', '{not json');
    expect(await store.list('s2')).toEqual([]);
    storage.setItem(
      'rs.chat.s3',
      JSON.stringify([{ id: 5 }, entry('s3', 'm3aaaaaa', 'ok'), entry('s4', 'm4aaaaaa', 'not here')]),
    );
    expect((await store.list('s3')).map((e) => e.text)).toEqual(['ok']);
  });
});
