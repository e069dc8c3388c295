import { resolve } from 'node:path';
import { openPostgresDatabase } from './postgresDatabase';
import { openSqliteDatabase, type SqliteDatabase } from './sqliteDatabase';
import { SqlStore } from './sqlStore';
import type { Store } from './types';

export type SqliteStore = SqlStore & { readonly database: SqliteDatabase };

/** The embedded store: SQLite in dataDir, created and brought up to date. */
export function openSqliteStore(dataDir: string): SqliteStore {
  return SqlStore.on(openSqliteDatabase(dataDir)) as SqliteStore;
}

/** PostgreSQL when DATABASE_URL is set (several brokers may share it), else SQLite in DATA_DIR. */
export async function openStore(settings: { dataDir: string; databaseUrl: string | null }): Promise<Store> {
  if (settings.databaseUrl === null) return openSqliteStore(settings.dataDir);
  return SqlStore.on(await openPostgresDatabase(settings.databaseUrl));
}

/** Where the state is, for the start banner: never the database password. */
export function describeStore(settings: { dataDir: string; databaseUrl: string | null }): string {
  if (settings.databaseUrl === null) return `SQLite in ${resolve(settings.dataDir)}`;
  const url = new URL(settings.databaseUrl);
  const host = url.host || url.searchParams.get('host') || 'the local socket';
  return `PostgreSQL at ${host}${url.pathname}`;
}
