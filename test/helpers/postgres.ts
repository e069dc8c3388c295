import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './ports';

const run = promisify(execFile);

/** A PostgreSQL cluster of a test file's own, in a temp dir on a free port; stop() ends and removes it. */
export interface TestPostgres {
  /** A fresh, empty database; its connection URL. */
  createDatabase(): Promise<string>;
  /** Everything the server wrote, for a failing test to show. */
  logFile: string;
  stop(): Promise<void>;
}

/** PG_BIN, else Debian's newest /usr/lib/postgresql/<version>/bin, else pg_config's; one clear line when there is none. */
export function postgresBin(env: Record<string, string | undefined> = process.env): string {
  const hasTools = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  if (env.PG_BIN) {
    if (hasTools(env.PG_BIN)) return env.PG_BIN;
    throw new Error(`PG_BIN=${env.PG_BIN} holds no initdb and pg_ctl: point it at PostgreSQL's bin directory.`);
  }
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) if (hasTools(join(debian, version, 'bin'))) return join(debian, version, 'bin');
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new Error(
      'PostgreSQL is not installed: run "apt-get install -y postgresql" (or set PG_BIN to the directory holding initdb and pg_ctl).',
    );
  }
}

/** initdb refuses to run as root: then the cluster belongs to nobody, as Debian's own would belong to postgres. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' })));
  return { uid: uid!, gid: gid! };
}

/** Starts a throwaway cluster: trust auth on 127.0.0.1 only, its unix socket in the temp dir, no fsync (tests). */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBin();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'rs-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const as = { ...user, env: { ...process.env, LC_ALL: 'C' } };
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], as);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  await run(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', logFile, '-w', 'start'], as);
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let databases = 0;
  return {
    logFile,
    async createDatabase() {
      const name = `test_${++databases}`;
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      try {
        await run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], as);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * In a describe block (or a file): a cluster of its own for the block, started before its tests and
 * stopped after. Returns how to reach it once started.
 */
export function postgresForBlock(): () => TestPostgres {
  let cluster: TestPostgres | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    cluster = undefined;
  });
  return () => {
    if (!cluster) throw new Error('The test PostgreSQL is not running (used outside its describe block?)');
    return cluster;
  };
}
