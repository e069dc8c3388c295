import type Database from 'better-sqlite3';

/**
 * Numbered schema migrations, one list for both dialects. Each is written for SQLite; PostgreSQL runs
 * the same text translated by `forPostgres` (mechanical: 64-bit integers, identity columns, no WITHOUT
 * ROWID, no NOCASE), plus `postgres` where the dialects must differ. SQLite counts applied migrations in
 * `PRAGMA user_version`, PostgreSQL in `schema_version`; each start applies the rest in one transaction.
 * Append new migrations; never edit old ones.
 */
export const migrations: readonly Migration[] = [
  // 1: accounts, sessions, participants, invites, the event log and the audit log.
  {
    sql: `
  CREATE TABLE reps (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    is_agent INTEGER NOT NULL DEFAULT 0,
    max_customers INTEGER NOT NULL DEFAULT 5,
    mode TEXT NOT NULL DEFAULT 'single' CHECK (mode IN ('single', 'multi')),
    created_at INTEGER NOT NULL
  );

  CREATE TABLE rep_tokens (
    token_hash TEXT PRIMARY KEY,
    rep_id TEXT NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX rep_tokens_rep ON rep_tokens(rep_id);

  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL,
    controller_rep_id TEXT NOT NULL REFERENCES reps(id),
    status TEXT NOT NULL CHECK (status IN ('live', 'ended')),
    created_at INTEGER NOT NULL,
    ended_at INTEGER,
    link_invite_id TEXT
  );
  -- Numbers are reused over time but never by two live sessions at once.
  CREATE UNIQUE INDEX sessions_live_number ON sessions(number) WHERE status = 'live';

  CREATE TABLE participants (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('controller', 'assistant', 'customer')),
    name TEXT NOT NULL,
    rep_id TEXT REFERENCES reps(id),
    peer_id TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    joined_at INTEGER NOT NULL,
    left_at INTEGER
  );
  CREATE INDEX participants_session ON participants(session_id);
  CREATE INDEX participants_rep ON participants(rep_id);

  CREATE TABLE invites (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('customer', 'rep')),
    token_hash TEXT NOT NULL UNIQUE,
    created_by_rep_id TEXT NOT NULL REFERENCES reps(id),
    channel TEXT NOT NULL,
    email TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX invites_session ON invites(session_id);

  CREATE TABLE events (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    session_id TEXT,
    detail TEXT
  );
  CREATE INDEX audit_session ON audit(session_id);
  `,
    // SQLite orders ties by its implicit rowid; PostgreSQL gets the same as a column.
    postgres: `
  ALTER TABLE sessions ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
  ALTER TABLE participants ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
  ALTER TABLE invites ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
  `,
  },
  // 2: customers knocking by session number on the support site, waiting for the controller.
  {
    sql: `
  CREATE TABLE waits (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    client_address TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'admitted', 'declined', 'cancelled', 'expired')),
    decided_at INTEGER,
    participant_id TEXT REFERENCES participants(id)
  );
  CREATE INDEX waits_session ON waits(session_id);
  CREATE INDEX waits_waiting ON waits(expires_at) WHERE status = 'waiting';
  `,
    postgres: `
  ALTER TABLE waits ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
  `,
  },
  // 3: the customer the controller is helping now (several customers per session).
  {
    sql: `
  ALTER TABLE sessions ADD COLUMN active_customer_id TEXT;
  `,
  },
  // 4: hardening (issue 10): why participants left, disabled reps, expiring rep tokens.
  {
    sql: `
  ALTER TABLE participants ADD COLUMN left_reason TEXT
    CHECK (left_reason IS NULL OR left_reason IN ('left', 'removed', 'timeout', 'ended'));
  UPDATE participants SET left_reason = 'left' WHERE left_at IS NOT NULL;
  ALTER TABLE reps ADD COLUMN disabled_at INTEGER;
  -- Tokens from before expiry existed live for one more idle period from the upgrade on.
  ALTER TABLE rep_tokens ADD COLUMN last_used_at INTEGER;
  ALTER TABLE rep_tokens ADD COLUMN expires_at INTEGER;
  `,
  },
  // 5: the credential sweep asks every few seconds what stopped working since it last looked; with
  // tokens piling up over the years, only indexes keep that cheap.
  {
    sql: `
  CREATE INDEX rep_tokens_revoked ON rep_tokens(revoked_at) WHERE revoked_at IS NOT NULL;
  CREATE INDEX rep_tokens_expiry ON rep_tokens(expires_at) WHERE revoked_at IS NULL;
  CREATE INDEX reps_disabled ON reps(disabled_at) WHERE disabled_at IS NOT NULL;
  `,
  },
  // 6: passing control (issue 11): how many times control changed hands, so clients converge.
  {
    sql: `
  ALTER TABLE sessions ADD COLUMN control_epoch INTEGER NOT NULL DEFAULT 0;
  `,
  },
  // 7: WebACD (issue 12): agents' state and limits, queues, transfers and the offers they make.
  {
    sql: `
  ALTER TABLE reps ADD COLUMN max_sessions INTEGER;
  ALTER TABLE reps ADD COLUMN agent_state TEXT NOT NULL DEFAULT 'available' CHECK (agent_state IN ('available', 'away'));
  ALTER TABLE reps ADD COLUMN agent_state_at INTEGER;

  CREATE TABLE queues (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    routing TEXT NOT NULL CHECK (routing IN ('everybody', 'most-idle', 'round-robin')),
    created_at INTEGER NOT NULL,
    cursor_rep_id TEXT
  );
  CREATE TABLE queue_agents (
    queue_id TEXT NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
    rep_id TEXT NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (queue_id, rep_id)
  ) WITHOUT ROWID;
  CREATE INDEX queue_agents_rep ON queue_agents(rep_id);

  CREATE TABLE transfers (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    from_rep_id TEXT NOT NULL REFERENCES reps(id),
    from_participant_id TEXT NOT NULL,
    queue_id TEXT REFERENCES queues(id) ON DELETE SET NULL,
    queue_name TEXT,
    message TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'cancelled', 'taken-back', 'abandoned')),
    decided_at INTEGER,
    decided_by_rep_id TEXT,
    position INTEGER,
    waiting_long_at INTEGER
  );
  -- One open transfer per session: a second one waits until the first is decided.
  CREATE UNIQUE INDEX transfers_pending_session ON transfers(session_id) WHERE status = 'pending';
  CREATE INDEX transfers_pending ON transfers(created_at) WHERE status = 'pending';
  CREATE TABLE transfer_targets (
    transfer_id TEXT NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
    rep_id TEXT NOT NULL REFERENCES reps(id),
    PRIMARY KEY (transfer_id, rep_id)
  ) WITHOUT ROWID;
  -- At most one offer per agent per transfer: never offered twice to the same agent.
  CREATE TABLE transfer_offers (
    transfer_id TEXT NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
    rep_id TEXT NOT NULL REFERENCES reps(id),
    kind TEXT NOT NULL CHECK (kind IN ('agent', 'take-back')),
    offered_at INTEGER NOT NULL,
    expires_at INTEGER,
    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired', 'withdrawn')),
    closed_at INTEGER,
    PRIMARY KEY (transfer_id, rep_id)
  ) WITHOUT ROWID;
  CREATE INDEX transfer_offers_open ON transfer_offers(rep_id) WHERE status = 'open';
  `,
    // Queue names are unique whatever their case (SQLite: COLLATE NOCASE).
    postgres: `
  ALTER TABLE transfers ADD COLUMN rowid BIGINT GENERATED ALWAYS AS IDENTITY;
  CREATE UNIQUE INDEX queues_name_nocase ON queues (lower(name));
  `,
  },
  // 8: after the session (issue 17): the controller's notes and ticket reference, customers' ratings.
  // Never chat content: the broker does not see it.
  {
    sql: `
  CREATE TABLE session_summaries (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id),
    rep_id TEXT NOT NULL REFERENCES reps(id),
    notes TEXT NOT NULL,
    ticket TEXT,
    saved_at INTEGER NOT NULL
  );
  CREATE TABLE ratings (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    participant_id TEXT NOT NULL REFERENCES participants(id),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT,
    rated_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, participant_id)
  );
  CREATE INDEX sessions_created ON sessions(created_at);
  `,
  },
  // 9 (issue 16): each session counts its events, so the next sequence number comes from one row that
  // a writer locks (PostgreSQL) or holds under the write lock (SQLite): gap-free with several brokers.
  {
    sql: `
  ALTER TABLE sessions ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
  UPDATE sessions SET last_seq = (SELECT COALESCE(MAX(seq), 0) FROM events WHERE events.session_id = sessions.id);
  `,
  },
];

export interface Migration {
  /** SQLite's text; PostgreSQL runs it translated. */
  sql: string;
  /** PostgreSQL only, after the translated text. */
  postgres?: string;
}

/** The migration's SQL in one dialect. */
export function migrationSql(migration: Migration, dialect: 'sqlite' | 'postgres'): string {
  return dialect === 'sqlite' ? migration.sql : forPostgres(migration.sql) + (migration.postgres ?? '');
}

/** SQLite types and clauses PostgreSQL lacks, by their PostgreSQL equivalent. */
function forPostgres(sql: string): string {
  return sql
    .replace(/INTEGER PRIMARY KEY AUTOINCREMENT/g, 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\) WITHOUT ROWID;/g, ');')
    .replace(/ COLLATE NOCASE/g, '');
}

/** The migrations a database at `current` lacks; refuses a database written by a newer broker. */
export function pendingMigrations(current: number): readonly Migration[] {
  if (current > migrations.length) {
    throw new Error(
      `The database has schema version ${current}, newer than this broker knows (${migrations.length}). ` +
        'Upgrade the broker or use another DATA_DIR (or DATABASE_URL).',
    );
  }
  return migrations.slice(current);
}

/** Brings a SQLite schema up to date. */
export function migrateSqlite(db: Database.Database): void {
  // Immediate: the version is read under the write lock, so a broker starting at the same moment on the
  // same file waits for the other's migrations and then finds nothing pending (read outside it, both
  // saw version 0 and the second failed with "table reps already exists").
  db.transaction(() => {
    const pending = pendingMigrations(schemaVersion(db));
    if (pending.length === 0) return;
    for (const migration of pending) db.exec(migration.sql);
    // PRAGMA takes no bound parameters; the value is our own integer.
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}

/** The schema version of an open SQLite database, for tests and diagnostics. */
export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}
