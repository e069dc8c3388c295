import pg from 'pg';
import { migrationSql, migrations, pendingMigrations } from './migrations';
import type { Row, SqlDatabase, SqlRunner } from './sql';

/** Several brokers may start at once against one database: one migrates, the others wait for it. */
const MIGRATION_LOCK = 0x52_53_4d_49; // "RSMI"
/** Deadlocks and serialization failures: PostgreSQL aborts one side, which may simply try again. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;
const INT8_OID = 20;

/** Epoch milliseconds and counts are BIGINT; as JS numbers they stay exact far past any date we store. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** `?` placeholders (what the store writes for both dialects) as PostgreSQL's $1, $2…; none sits in a literal. */
const numbered = new Map<string, string>();
function numberPlaceholders(text: string): string {
  let converted = numbered.get(text);
  if (converted === undefined) {
    let n = 0;
    converted = text.replace(/\?/g, () => `$${++n}`);
    numbered.set(text, converted);
  }
  return converted;
}

function runnerOn(queryable: pg.Pool | pg.PoolClient): SqlRunner {
  const query = (text: string, params: unknown[]) => queryable.query(numberPlaceholders(text), params);
  return {
    get: async (text, ...params) => (await query(text, params)).rows[0] as Row | undefined,
    all: async (text, ...params) => (await query(text, params)).rows as Row[],
    run: async (text, ...params) => (await query(text, params)).rowCount ?? 0,
  };
}

/**
 * PostgreSQL through node-postgres's Pool: a statement outside transactions takes any pooled connection;
 * a transaction holds one from BEGIN to COMMIT. Read committed: the store's races are decided by
 * conditional writes (`… WHERE status = 'pending'`), which row locks make one-winner.
 */
export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres';
  private readonly outside: SqlRunner;

  constructor(readonly pool: pg.Pool) {
    this.outside = runnerOn(pool);
  }

  get(text: string, ...params: unknown[]): Promise<Row | undefined> {
    return this.outside.get(text, ...params);
  }
  all(text: string, ...params: unknown[]): Promise<Row[]> {
    return this.outside.all(text, ...params);
  }
  run(text: string, ...params: unknown[]): Promise<number> {
    return this.outside.run(text, ...params);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(fn);
      } catch (error) {
        if (attempt >= ATTEMPTS || !RETRYABLE.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
  }

  isUniqueViolation(error: unknown, table: string, column: string): boolean {
    const e = error as { code?: string; table?: string; detail?: string };
    return e.code === '23505' && e.table === table && (e.detail ?? '').includes(`(${column})`);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  private async once<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(runnerOn(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is not handed to anyone else.
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

/** Connects to DATABASE_URL and brings its schema up to date. */
export async function openPostgresDatabase(url: string, options: { max?: number } = {}): Promise<PostgresDatabase> {
  const pool = new pg.Pool({ connectionString: url, types, max: options.max ?? 10 });
  // An idle connection the server dropped must not take the broker down; the next query reconnects.
  pool.on('error', () => undefined);
  const database = new PostgresDatabase(pool);
  try {
    await migratePostgres(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

async function migratePostgres(database: PostgresDatabase): Promise<void> {
  await database.transaction(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock(?)', MIGRATION_LOCK);
    await tx.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = await tx.get('SELECT version FROM schema_version');
    const current = row ? Number(row.version) : 0;
    const pending = pendingMigrations(current);
    if (pending.length === 0) return;
    // Without parameters node-postgres sends a simple query, which may hold several statements.
    for (const migration of pending) await tx.run(migrationSql(migration, 'postgres'));
    if (row) await tx.run('UPDATE schema_version SET version = ?', migrations.length);
    else await tx.run('INSERT INTO schema_version (version) VALUES (?)', migrations.length);
  });
}
