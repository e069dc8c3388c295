import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ConnectionLock } from './connectionLock';
import { migrateSqlite } from './migrations';
import { makePrivateDir, makePrivateFile } from './privateFiles';
import type { Row, SqlDatabase, SqlRunner } from './sql';

export const DATABASE_FILE = 'remote-support.sqlite';
/** How long a statement waits for another process's write lock (the admin CLI, a second broker on the file). */
const BUSY_TIMEOUT_MS = 5000;

/** SQL on one connection, each statement prepared once, on first use. better-sqlite3 is synchronous. */
class Statements {
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private sql(text: string): Database.Statement {
    let statement = this.prepared.get(text);
    if (!statement) this.prepared.set(text, (statement = this.db.prepare(text)));
    return statement;
  }
  get(text: string, params: unknown[]): Row | undefined {
    return this.sql(text).get(...params) as Row | undefined;
  }
  all(text: string, params: unknown[]): Row[] {
    return this.sql(text).all(...params) as Row[];
  }
  run(text: string, params: unknown[]): number {
    return this.sql(text).run(...params).changes;
  }
}

/**
 * The embedded database: one better-sqlite3 connection. A transaction holds the connection from BEGIN
 * to COMMIT, awaits and all; other work waits for it in order (`ConnectionLock`), so nothing interleaves
 * with it. Outside transactions a statement runs at once when the connection is free.
 */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite';
  private readonly statements: Statements;
  private readonly lock = new ConnectionLock();
  private readonly inTransaction: SqlRunner;

  constructor(readonly db: Database.Database) {
    this.statements = new Statements(db);
    const s = this.statements;
    this.inTransaction = {
      get: async (text, ...params) => s.get(text, params),
      all: async (text, ...params) => s.all(text, params),
      run: async (text, ...params) => s.run(text, params),
    };
  }

  get(text: string, ...params: unknown[]): Promise<Row | undefined> {
    return this.whenFree(() => this.statements.get(text, params));
  }
  all(text: string, ...params: unknown[]): Promise<Row[]> {
    return this.whenFree(() => this.statements.all(text, params));
  }
  run(text: string, ...params: unknown[]): Promise<number> {
    return this.whenFree(() => this.statements.run(text, params));
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      await this.begin();
      try {
        const result = await fn(this.inTransaction);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /**
   * BEGIN IMMEDIATE: take the write lock up front. A deferred transaction that reads, then writes, fails
   * at once (SQLITE_BUSY, which busy_timeout does not retry) if another connection wrote in between. The
   * wait for the lock is asynchronous: SQLite's own busy wait would block the event loop, and with it a
   * transaction of another connection in this process that holds the lock across an await.
   */
  private async begin(): Promise<void> {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    this.db.pragma('busy_timeout = 0');
    try {
      for (let pause = 1; ; pause = Math.min(2 * pause, 50)) {
        try {
          return void this.db.exec('BEGIN IMMEDIATE');
        } catch (error) {
          if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  isUniqueViolation(error: unknown, table: string, column: string): boolean {
    return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && String(error).includes(`${table}.${column}`);
  }

  async close(): Promise<void> {
    await this.lock.run(() => {
      if (this.db.open) this.db.close();
    });
  }

  /** A statement outside transactions: now if the connection is free (the usual case), else in turn. */
  private whenFree<T>(statement: () => T): Promise<T> {
    if (this.lock.busy) return this.lock.run(statement);
    try {
      return Promise.resolve(statement());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
}

/** Opens (creating if needed) the SQLite database in dataDir and brings its schema up to date. Files are private (0600). */
export function openSqliteDatabase(dataDir: string): SqliteDatabase {
  makePrivateDir(dataDir);
  const file = join(dataDir, DATABASE_FILE);
  // SQLite gives -wal and -shm the database file's mode, so the file is made 0600 before SQLite opens it.
  makePrivateFile(file, true);
  for (const suffix of ['-wal', '-shm']) makePrivateFile(file + suffix);
  const db = new Database(file);
  try {
    // WAL lets readers (and the admin CLI) work while the broker writes.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrateSqlite(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteDatabase(db);
}
