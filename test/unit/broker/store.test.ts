import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations, schemaVersion } from '../../../broker/store/migrations';
import { DATABASE_FILE, describeStore, openSqliteStore } from '../../../broker/store';
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

describe('where the state is', () => {
  it('is said at start without the database password', () => {
    expect(describeStore({ dataDir: '/var/lib/rs', databaseUrl: null })).toBe('SQLite in /var/lib/rs');
    expect(describeStore({ dataDir: 'x', databaseUrl: 'postgres://rs:secret@db.example.com:5432/remote_support' })).toBe(
      'PostgreSQL at db.example.com:5432/remote_support',
    );
    expect(describeStore({ dataDir: 'x', databaseUrl: 'postgres:///remote_support?host=/run/postgresql' })).toBe(
      'PostgreSQL at /run/postgresql/remote_support',
    );
  });
});

describe('SQLite store', () => {
  // What every store does is in store-contract.test.ts; here, what only the embedded one does.
  it('creates DATA_DIR, applies every migration once, uses WAL and foreign keys', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const store = openSqliteStore(dir);
    const { db } = store.database;
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    await store.close();
    // Re-opening is a no-op.
    const again = openSqliteStore(dir);
    expect(schemaVersion(again.database.db)).toBe(migrations.length);
    await again.close();
  });

  it('refuses a database from a newer broker', async () => {
    const dir = tempDir();
    await openSqliteStore(dir).close();
    const db = new Database(join(dir, DATABASE_FILE));
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openSqliteStore(dir)).toThrow(/newer than this broker knows/);
  });

  it('counts the events of sessions logged before the counter existed (migration 9)', async () => {
    const dir = tempDir();
    await openSqliteStore(dir).close();
    const db = new Database(join(dir, DATABASE_FILE));
    db.pragma(`user_version = ${migrations.length - 1}`);
    db.exec('ALTER TABLE sessions DROP COLUMN last_seq');
    db.exec(`INSERT INTO reps (id, email, name, password_hash, created_at) VALUES ('r', 'r@example.com', 'r', 'x', 1)`);
    db.exec(`INSERT INTO sessions (id, number, controller_rep_id, status, created_at) VALUES ('s', '123456789', 'r', 'live', 1)`);
    for (const seq of [1, 2, 3])
      db.exec(`INSERT INTO events (session_id, seq, type, payload, at) VALUES ('s', ${seq}, 't', '{}', 1)`);
    db.close();
    const store = openSqliteStore(dir);
    expect(await store.lastSeq('s')).toBe(3);
    expect(await store.appendEvent({ sessionId: 's', type: 't', payload: {}, at: 2 })).toBe(4);
    await store.close();
  });

  it('finds rep credentials that ended in a time range through indexes, not by reading every token', async () => {
    const store = openSqliteStore(tempDir());
    await store.insertRep(rep('r', 'r@example.com'));
    await store.transaction(async (tx) => {
      for (let i = 0; i < 3000; i++)
        await tx.insertRepToken({ tokenHash: `t${i}`, repId: 'r', createdAt: i, expiresAt: 10_000 + i });
    });
    await store.revokeRepToken('t5', 20_000);
    await store.setRepDisabled('r', 20_001);
    expect(await store.listRepTokensEndedBetween(19_999, 20_000)).toEqual([{ tokenHash: 't5', repId: 'r' }]);
    expect(await store.listRepTokensEndedBetween(10_000, 10_002)).toEqual([
      { tokenHash: 't1', repId: 'r' },
      { tokenHash: 't2', repId: 'r' },
    ]);
    expect(await store.listRepsDisabledBetween(20_000, 20_001)).toEqual([{ repId: 'r', disabledAt: 20_001 }]);
    const plans = [
      'SELECT token_hash, rep_id FROM rep_tokens WHERE revoked_at > 1 AND revoked_at <= 2',
      'SELECT token_hash, rep_id FROM rep_tokens WHERE revoked_at IS NULL AND expires_at > 1 AND expires_at <= 2',
      'SELECT id, disabled_at FROM reps WHERE disabled_at > 1 AND disabled_at <= 2',
    ].map((sql) =>
      (store.database.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(),
    );
    expect(plans).toEqual([
      expect.stringContaining('USING INDEX rep_tokens_revoked'),
      expect.stringContaining('USING INDEX rep_tokens_expiry'),
      expect.stringContaining('USING INDEX reps_disabled'),
    ]);
    await store.close();
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
