import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openSqliteStore } from '../../../broker/store';
import { loadServerKey, SERVER_KEY_FILE } from '../../../broker/auth/serverKey';
import { startBroker } from '../../helpers/broker';
import { call } from './support';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-data-'));
  dirs.push(dir);
  return dir;
};

const mode = (path: string) => statSync(path).mode & 0o777;
/** Every file the broker keeps in DATA_DIR: the database, its WAL and shared memory, the server key. */
const privateFiles = [DATABASE_FILE, `${DATABASE_FILE}-wal`, `${DATABASE_FILE}-shm`, SERVER_KEY_FILE];

describe('DATA_DIR', { skip: process.platform === 'win32' }, () => {
  it('is made 0700 with every file in it 0600', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const broker = await startBroker({ dataDir });
    try {
      // Write something so SQLite has made its WAL and shared-memory files.
      expect((await call(broker.url, 'POST', '/api/login', { body: broker.admin })).status).toBe(200);
      expect(mode(dataDir)).toBe(0o700);
      expect(readdirSync(dataDir).sort()).toEqual([...privateFiles].sort());
      for (const file of privateFiles) expect(mode(join(dataDir, file)), file).toBe(0o600);
    } finally {
      await broker.close();
    }
  });

  it('is tightened at start when an older broker left it readable by others', async () => {
    const dataDir = tempDir();
    const first = await startBroker({ dataDir });
    await first.login(first.admin.email, first.admin.password);
    await first.stop();
    chmodSync(dataDir, 0o755);
    for (const file of readdirSync(dataDir)) chmodSync(join(dataDir, file), 0o644);

    const again = await startBroker({ dataDir });
    try {
      expect(mode(dataDir)).toBe(0o700);
      for (const file of readdirSync(dataDir)) expect(mode(join(dataDir, file)), file).toBe(0o600);
    } finally {
      await again.close();
    }
  });

  it('the admin CLI’s store is private too', async () => {
    const dataDir = join(tempDir(), 'cli');
    mkdirSync(dataDir, { mode: 0o755 });
    writeFileSync(join(dataDir, DATABASE_FILE), '', { mode: 0o644 });
    await openSqliteStore(dataDir).close();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, DATABASE_FILE))).toBe(0o600);
  });
});

describe('the server key', () => {
  it('is made once, whole and private, and kept: a second start (another broker on the folder) reads the same key, and no candidate file is left', () => {
    const dataDir = tempDir();
    const first = loadServerKey(dataDir);
    expect(first).toHaveLength(32);
    expect(loadServerKey(dataDir).equals(first)).toBe(true);
    expect(readdirSync(dataDir)).toEqual([SERVER_KEY_FILE]);
    if (process.platform !== 'win32') expect(mode(join(dataDir, SERVER_KEY_FILE))).toBe(0o600);
  });
});
