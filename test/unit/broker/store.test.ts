import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations, schemaVersion } from '../../../broker/store/migrations';
import { DATABASE_FILE, DuplicateEmailError, openSqliteStore } from '../../../broker/store';
import { startBroker } from '../../helpers/broker';
import { call } from './support';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const rep = (id: string, email: string) => ({
  id,
  email,
  name: id,
  passwordHash: 'scrypt$x',
  isAdmin: false,
  isAgent: false,
  maxCustomers: 5,
  mode: 'single' as const,
  maxSessions: null,
  createdAt: 1,
  disabledAt: null,
});

describe('SQLite store', () => {
  it('creates DATA_DIR, applies every migration once, uses WAL and foreign keys', () => {
    const dir = join(tempDir(), 'nested', 'data');
    const store = openSqliteStore(dir);
    expect(schemaVersion(store.db)).toBe(migrations.length);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    store.close();
    // Re-opening is a no-op.
    const again = openSqliteStore(dir);
    expect(schemaVersion(again.db)).toBe(migrations.length);
    again.close();
  });

  it('refuses a database from a newer broker', () => {
    const dir = tempDir();
    openSqliteStore(dir).close();
    const db = new Database(join(dir, DATABASE_FILE));
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openSqliteStore(dir)).toThrow(/newer than this broker knows/);
  });

  it('keeps emails unique and rolls back failed transactions', () => {
    const store = openSqliteStore(tempDir());
    store.insertRep(rep('a', 'a@example.com'));
    expect(() => store.insertRep(rep('b', 'a@example.com'))).toThrow(DuplicateEmailError);
    expect(() =>
      store.transaction(() => {
        store.insertRep(rep('c', 'c@example.com'));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.findRepByEmail('c@example.com')).toBeUndefined();
    store.close();
  });

  it('numbers events per session and never reuses a live number', () => {
    const store = openSqliteStore(tempDir());
    store.insertRep(rep('r', 'r@example.com'));
    const session = (id: string, number: string) => ({
      id,
      number,
      controllerRepId: 'r',
      status: 'live' as const,
      createdAt: 1,
      endedAt: null,
      linkInviteId: null,
      activeCustomerId: null,
      controlEpoch: 0,
    });
    store.insertSession(session('s1', '123456789'));
    expect(store.isLiveNumberTaken('123456789')).toBe(true);
    expect(() => store.insertSession(session('s2', '123456789'))).toThrow(/UNIQUE/);
    store.endSession('s1', 2);
    store.insertSession(session('s2', '123456789')); // free again once s1 ended
    expect(store.appendEvent({ sessionId: 's1', type: 't', payload: {}, at: 1 })).toBe(1);
    expect(store.appendEvent({ sessionId: 's1', type: 't', payload: { a: 1 }, at: 2 })).toBe(2);
    expect(store.appendEvent({ sessionId: 's2', type: 't', payload: {}, at: 3 })).toBe(1);
    expect(store.eventsAfter('s1', 1)).toEqual([{ sessionId: 's1', seq: 2, type: 't', payload: { a: 1 }, at: 2 }]);
    store.close();
  });

  it('finds rep credentials that ended in a time range through indexes, not by reading every token', () => {
    const store = openSqliteStore(tempDir());
    store.insertRep(rep('r', 'r@example.com'));
    store.transaction(() => {
      for (let i = 0; i < 3000; i++)
        store.insertRepToken({ tokenHash: `t${i}`, repId: 'r', createdAt: i, expiresAt: 10_000 + i });
    });
    store.revokeRepToken('t5', 20_000);
    store.setRepDisabled('r', 20_001);
    expect(store.listRepTokensEndedBetween(19_999, 20_000)).toEqual([{ tokenHash: 't5', repId: 'r' }]);
    expect(store.listRepTokensEndedBetween(10_000, 10_002)).toEqual([
      { tokenHash: 't1', repId: 'r' },
      { tokenHash: 't2', repId: 'r' },
    ]);
    expect(store.listRepsDisabledBetween(20_000, 20_001)).toEqual([{ repId: 'r', disabledAt: 20_001 }]);
    const plans = [
      'SELECT token_hash, rep_id FROM rep_tokens WHERE revoked_at > 1 AND revoked_at <= 2',
      'SELECT token_hash, rep_id FROM rep_tokens WHERE revoked_at IS NULL AND expires_at > 1 AND expires_at <= 2',
      'SELECT id, disabled_at FROM reps WHERE disabled_at > 1 AND disabled_at <= 2',
    ].map((sql) => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join());
    expect(plans).toEqual([
      expect.stringContaining('USING INDEX rep_tokens_revoked'),
      expect.stringContaining('USING INDEX rep_tokens_expiry'),
      expect.stringContaining('USING INDEX reps_disabled'),
    ]);
    store.close();
  });

  it('keeps everything across a broker restart on the same DATA_DIR', async () => {
    const broker = await startBroker();
    try {
      const r = await broker.addRep();
      const token = await broker.login(r.email, r.password);
      const created = (await call(broker.url, 'POST', '/api/sessions', { token })).body;
      await broker.restart();
      // Same token, same session, same customer link, same peer secret.
      const detail = await call(broker.url, 'GET', `/api/sessions/${created.session.id}`, { token });
      expect(detail.status).toBe(200);
      expect(detail.body.self).toEqual(created.self);
      expect(detail.body.session.joinUrl).toBe(created.session.joinUrl.replace(/:\d+\//, `:${broker.port}/`));
      expect(detail.body.lastSeq).toBe(1);
      const admin = await call(broker.url, 'POST', '/api/login', { body: broker.admin });
      expect(admin.body.rep.isAdmin).toBe(true);
    } finally {
      await broker.close();
    }
  });
});
