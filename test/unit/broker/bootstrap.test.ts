import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../broker/config';
import { silentLogger } from '../../../broker/log';
import { createRep, ensureAdmin } from '../../../broker/reps';
import { createBroker } from '../../../broker/server';
import { openSqliteStore, type Store } from '../../../broker/store';
import { call } from './support';
import { freePort } from '../../helpers/ports';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function env(extra: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-bootstrap-'));
  dirs.push(dataDir);
  return { HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, ADMIN_EMAIL: 'boss@example.test', ...extra };
}

describe('bootstrap', () => {
  it('the admin account exists before the broker takes its first request', async () => {
    const config = loadConfig(env({ ADMIN_PASSWORD: 'first-admin-password' }));
    const broker = await createBroker(config, { log: silentLogger });
    try {
      expect(broker.admin).toEqual({
        created: true,
        email: 'boss@example.test',
        password: 'first-admin-password',
        generated: false,
      });
      // The very first request after createBroker resolves (i.e. after listen) signs in.
      const login = await call(broker.url, 'POST', '/api/login', {
        body: { email: 'boss@example.test', password: 'first-admin-password' },
      });
      expect(login.status).toBe(200);
    } finally {
      await broker.close();
    }
    const again = await createBroker(config, { log: silentLogger });
    expect(again.admin).toEqual({ created: false, email: 'boss@example.test' });
    await again.close();
  });

  it('a bootstrap that cannot finish fails before listening, and says why', async () => {
    const settings = env();
    const store = openSqliteStore(settings.DATA_DIR);
    await createRep(store, { email: 'boss@example.test', name: 'Not An Admin', password: 'long enough' });
    await store.close();
    const port = await freePort();
    await expect(createBroker(loadConfig({ ...settings, PORT: String(port) }), { log: silentLogger })).rejects.toThrow(
      /boss@example.test is already a rep without admin rights/,
    );
    // Nothing answers on the port, and the data directory is free for the next start.
    await expect(
      new Promise((resolve, reject) => connect(port, '127.0.0.1').once('connect', resolve).once('error', reject)),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await openSqliteStore(settings.DATA_DIR).close();
  });

  it('of two brokers starting at once, the one that looked just before the other made the admin starts too', async () => {
    const { DATA_DIR } = env();
    const [first, second] = [openSqliteStore(DATA_DIR), openSqliteStore(DATA_DIR)];
    const setup = { email: 'boss@example.test', password: 'first-admin-password', name: 'Sam' };
    // The second broker finds no admin; the first makes it before the second's next look.
    const late: Store = Object.create(second, {
      hasAdmin: {
        value: async () => {
          const seen = await second.hasAdmin();
          expect(await ensureAdmin(first, setup)).toMatchObject({ created: true });
          return seen;
        },
      },
    });
    try {
      expect(await ensureAdmin(late, setup)).toEqual({ created: false, email: 'boss@example.test' });
    } finally {
      await first.close();
      await second.close();
    }
  });
});
