import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerKey } from '../../../broker/auth/serverKey';
import { DATABASE_FILE } from '../../../broker/store';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { postgresBin, startPostgres, type TestPostgres } from '../../helpers/postgres';
import { call } from './support';

/**
 * DATABASE_URL: the broker keeps its state in PostgreSQL, and two brokers on one database are one help
 * desk's state (live events across brokers are REDIS_URL's part, not this file's).
 */
describe('brokers on PostgreSQL', () => {
  let cluster: TestPostgres;
  const brokers: TestBroker[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    for (const broker of brokers.splice(0)) await broker.close();
    await cluster.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('share one state: signed in on one, known on the other; a session started on one is read on the other and outlives restarts', async () => {
    const env = { DATABASE_URL: await cluster.createDatabase() };
    // Brokers of one help desk share broker.key (docs/deploy.md): links and peer secrets are derived from it.
    const dataDir = mkdtempSync(join(tmpdir(), 'rs-pg-broker-'));
    dirs.push(dataDir);
    loadServerKey(dataDir);
    // Both start at once: one migrates the schema and makes the admin, the other waits for it.
    const [first, second] = await Promise.all([startBroker({ env, dataDir }), startBroker({ env, dataDir })]);
    brokers.push(first!, second!);
    const rep = await first!.addRep();
    const token = await second!.login(rep.email, rep.password);
    const created = await call(first!.url, 'POST', '/api/sessions', { token });
    expect(created.status).toBe(201);
    const id = created.body.session.id as string;

    const read = await call(second!.url, 'GET', `/api/sessions/${id}`, { token });
    expect(read.status).toBe(200);
    expect(read.body.self).toEqual(created.body.self);
    expect(read.body.lastSeq).toBe(1);

    await first!.restart();
    const again = await call(first!.url, 'GET', `/api/sessions/${id}`, { token });
    expect(again.body.participants).toHaveLength(1);
    const admin = await call(second!.url, 'POST', '/api/login', { body: first!.admin });
    expect(admin.body.rep.isAdmin).toBe(true);
    // Nothing of it went to SQLite.
    expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(false);
  });
});

describe('the tests’ own PostgreSQL', () => {
  it('finds Debian’s binaries, and says in one line what is wrong with a PG_BIN that holds none', () => {
    expect(postgresBin({})).toMatch(/bin$/);
    expect(() => postgresBin({ PG_BIN: '/nonexistent' })).toThrow(/^PG_BIN=\/nonexistent holds no initdb and pg_ctl/);
  });
});
