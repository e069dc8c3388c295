import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate } from './migrations';
import { SqliteAcdStore } from './sqliteAcd';
import { Statements, type Row } from './statements';
import { makePrivateDir, makePrivateFile } from './privateFiles';
import {
  DuplicateEmailError,
  type AuditEntry,
  type InviteRow,
  type LeftReason,
  type ParticipantRow,
  type RepChanges,
  type RepRow,
  type RatingRow,
  type ReportRow,
  type RepTokenRow,
  type SessionSummaryRow,
  type SessionRow,
  type StoredEvent,
  type Store,
  type WaitRow,
  type WaitStatusValue,
} from './types';

export const DATABASE_FILE = 'remote-support.sqlite';

/** Opens (creating if needed) the SQLite store in dataDir and brings its schema up to date. Files are private (0600). */
export function openSqliteStore(dataDir: string): SqliteStore {
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
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteStore(db);
}

const bool = (value: unknown) => value === 1;
const num = (value: unknown) => value as number;
const str = (value: unknown) => value as string;
const nullableNum = (value: unknown) => (value === null ? null : (value as number));
const nullableStr = (value: unknown) => (value === null ? null : (value as string));

function toRep(r: Row): RepRow {
  return {
    id: str(r.id),
    email: str(r.email),
    name: str(r.name),
    passwordHash: str(r.password_hash),
    isAdmin: bool(r.is_admin),
    isAgent: bool(r.is_agent),
    maxCustomers: num(r.max_customers),
    mode: str(r.mode) as RepRow['mode'],
    maxSessions: nullableNum(r.max_sessions),
    createdAt: num(r.created_at),
    disabledAt: nullableNum(r.disabled_at),
  };
}

function toEvent(r: Row): StoredEvent {
  return {
    sessionId: str(r.session_id),
    seq: num(r.seq),
    type: str(r.type),
    payload: JSON.parse(str(r.payload)) as Record<string, unknown>,
    at: num(r.at),
  };
}

function toSession(r: Row): SessionRow {
  return {
    id: str(r.id),
    number: str(r.number),
    controllerRepId: str(r.controller_rep_id),
    status: str(r.status) as SessionRow['status'],
    createdAt: num(r.created_at),
    endedAt: nullableNum(r.ended_at),
    linkInviteId: nullableStr(r.link_invite_id),
    activeCustomerId: nullableStr(r.active_customer_id),
    controlEpoch: num(r.control_epoch),
  };
}

function toParticipant(r: Row): ParticipantRow {
  return {
    id: str(r.id),
    sessionId: str(r.session_id),
    role: str(r.role) as ParticipantRow['role'],
    name: str(r.name),
    repId: nullableStr(r.rep_id),
    peerId: str(r.peer_id),
    tokenHash: str(r.token_hash),
    joinedAt: num(r.joined_at),
    leftAt: nullableNum(r.left_at),
    leftReason: nullableStr(r.left_reason) as ParticipantRow['leftReason'],
  };
}

function toInvite(r: Row): InviteRow {
  return {
    id: str(r.id),
    sessionId: str(r.session_id),
    role: str(r.role) as InviteRow['role'],
    tokenHash: str(r.token_hash),
    createdByRepId: str(r.created_by_rep_id),
    channel: str(r.channel) as InviteRow['channel'],
    email: nullableStr(r.email),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    revokedAt: nullableNum(r.revoked_at),
  };
}

function toWait(r: Row): WaitRow {
  return {
    id: str(r.id),
    sessionId: str(r.session_id),
    name: str(r.name),
    tokenHash: str(r.token_hash),
    clientAddress: nullableStr(r.client_address),
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    status: str(r.status) as WaitStatusValue,
    decidedAt: nullableNum(r.decided_at),
    participantId: nullableStr(r.participant_id),
  };
}

export class SqliteStore implements Store {
  readonly acd: SqliteAcdStore;

  constructor(readonly db: Database.Database) {
    // Statements are prepared once, on first use; WebACD's tables share the cache.
    const statements = new Statements(db);
    this.get = statements.get.bind(statements);
    this.all = statements.all.bind(statements);
    this.run = statements.run.bind(statements);
    this.acd = new SqliteAcdStore(statements);
  }

  setSessionController(sessionId: string, repId: string): void {
    this.run('UPDATE sessions SET controller_rep_id = ? WHERE id = ?', repId, sessionId);
  }

  private readonly get: Statements['get'];
  private readonly all: Statements['all'];
  private readonly run: Statements['run'];

  transaction<T>(fn: () => T): T {
    // IMMEDIATE: take the write lock up front. A deferred transaction that reads, then writes, fails at
    // once (SQLITE_BUSY, which busy_timeout does not retry) if another connection — the admin CLI —
    // wrote in between. Nested transactions become savepoints.
    return this.db.transaction(fn).immediate();
  }

  insertRep(rep: RepRow): void {
    try {
      this.run(
        `INSERT INTO reps (id, email, name, password_hash, is_admin, is_agent, max_customers, mode, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        rep.id,
        rep.email,
        rep.name,
        rep.passwordHash,
        rep.isAdmin ? 1 : 0,
        rep.isAgent ? 1 : 0,
        rep.maxCustomers,
        rep.mode,
        rep.createdAt,
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && String(error).includes('reps.email')) {
        throw new DuplicateEmailError(rep.email);
      }
      throw error;
    }
  }

  findRepById(id: string): RepRow | undefined {
    const r = this.get('SELECT * FROM reps WHERE id = ?', id);
    return r && toRep(r);
  }

  findRepByEmail(email: string): RepRow | undefined {
    const r = this.get('SELECT * FROM reps WHERE email = ?', email);
    return r && toRep(r);
  }

  hasAdmin(): boolean {
    return this.get('SELECT 1 FROM reps WHERE is_admin = 1 LIMIT 1') !== undefined;
  }

  updateRep(id: string, changes: RepChanges): void {
    const columns: [string, unknown][] = [];
    if (changes.name !== undefined) columns.push(['name', changes.name]);
    if (changes.maxCustomers !== undefined) columns.push(['max_customers', changes.maxCustomers]);
    if (changes.mode !== undefined) columns.push(['mode', changes.mode]);
    if (changes.isAgent !== undefined) columns.push(['is_agent', changes.isAgent ? 1 : 0]);
    if (changes.maxSessions !== undefined) columns.push(['max_sessions', changes.maxSessions]);
    if (columns.length === 0) return;
    // Column names are our own constants; values are bound.
    this.run(
      `UPDATE reps SET ${columns.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`,
      ...columns.map(([, value]) => value),
      id,
    );
  }

  setRepDisabled(id: string, at: number | null): void {
    this.run('UPDATE reps SET disabled_at = ? WHERE id = ?', at, id);
  }

  setRepPasswordHash(id: string, passwordHash: string): void {
    this.run('UPDATE reps SET password_hash = ? WHERE id = ?', passwordHash, id);
  }

  listRepsDisabledBetween(from: number, to: number): { repId: string; disabledAt: number }[] {
    return this.all('SELECT id, disabled_at FROM reps WHERE disabled_at > ? AND disabled_at <= ?', from, to).map((r) => ({
      repId: str(r.id),
      disabledAt: num(r.disabled_at),
    }));
  }

  insertRepToken(token: { tokenHash: string; repId: string; createdAt: number; expiresAt: number }): void {
    this.run(
      'INSERT INTO rep_tokens (token_hash, rep_id, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      token.tokenHash,
      token.repId,
      token.createdAt,
      token.createdAt,
      token.expiresAt,
    );
  }

  findRepToken(tokenHash: string): { token: RepTokenRow; rep: RepRow } | undefined {
    const r = this.get(
      `SELECT reps.*, rep_tokens.token_hash, rep_tokens.created_at AS token_created_at, rep_tokens.revoked_at,
              rep_tokens.last_used_at, rep_tokens.expires_at
       FROM rep_tokens JOIN reps ON reps.id = rep_tokens.rep_id WHERE rep_tokens.token_hash = ?`,
      tokenHash,
    );
    if (!r) return undefined;
    const token: RepTokenRow = {
      tokenHash: str(r.token_hash),
      repId: str(r.id),
      createdAt: num(r.token_created_at),
      revokedAt: nullableNum(r.revoked_at),
      lastUsedAt: nullableNum(r.last_used_at),
      expiresAt: nullableNum(r.expires_at),
    };
    return { token, rep: toRep(r) };
  }

  renewRepToken(tokenHash: string, at: number, expiresAt: number): boolean {
    const result = this.run(
      `UPDATE rep_tokens SET last_used_at = ?, expires_at = MAX(expires_at, ?)
       WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?`,
      at,
      expiresAt,
      tokenHash,
      at,
    );
    return result.changes === 1;
  }

  hasLiveRepToken(repId: string, at: number): boolean {
    return (
      this.get(
        `SELECT 1 FROM rep_tokens JOIN reps ON reps.id = rep_tokens.rep_id
         WHERE rep_tokens.rep_id = ? AND rep_tokens.revoked_at IS NULL AND rep_tokens.expires_at > ?
           AND reps.disabled_at IS NULL
         LIMIT 1`,
        repId,
        at,
      ) !== undefined
    );
  }

  revokeRepToken(tokenHash: string, at: number): void {
    this.run('UPDATE rep_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL', at, tokenHash);
  }

  revokeRepTokensOfRep(repId: string, at: number): number {
    return this.run(
      'UPDATE rep_tokens SET revoked_at = ? WHERE rep_id = ? AND revoked_at IS NULL AND expires_at > ?',
      at,
      repId,
      at,
    ).changes;
  }

  startRepTokenClocks(at: number, expiresAt: number): number {
    return this.run(
      'UPDATE rep_tokens SET last_used_at = ?, expires_at = ? WHERE expires_at IS NULL AND revoked_at IS NULL',
      at,
      expiresAt,
    ).changes;
  }

  listRepTokensEndedBetween(from: number, to: number): { tokenHash: string; repId: string }[] {
    // Two indexed ranges rather than one OR, which SQLite would answer with a scan.
    const revoked = this.all('SELECT token_hash, rep_id FROM rep_tokens WHERE revoked_at > ? AND revoked_at <= ?', from, to);
    const expired = this.all(
      'SELECT token_hash, rep_id FROM rep_tokens WHERE revoked_at IS NULL AND expires_at > ? AND expires_at <= ?',
      from,
      to,
    );
    return [...revoked, ...expired].map((r) => ({ tokenHash: str(r.token_hash), repId: str(r.rep_id) }));
  }

  insertSession(s: SessionRow): void {
    this.run(
      `INSERT INTO sessions (id, number, controller_rep_id, status, created_at, ended_at, link_invite_id, active_customer_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      s.id,
      s.number,
      s.controllerRepId,
      s.status,
      s.createdAt,
      s.endedAt,
      s.linkInviteId,
      s.activeCustomerId,
    );
  }

  findSession(id: string): SessionRow | undefined {
    const r = this.get('SELECT * FROM sessions WHERE id = ?', id);
    return r && toSession(r);
  }

  isLiveNumberTaken(number: string): boolean {
    return this.get("SELECT 1 FROM sessions WHERE number = ? AND status = 'live'", number) !== undefined;
  }

  listLiveSessionsOfRep(repId: string): SessionRow[] {
    return this.all(
      `SELECT DISTINCT sessions.* FROM sessions JOIN participants ON participants.session_id = sessions.id
       WHERE participants.rep_id = ? AND participants.left_at IS NULL AND sessions.status = 'live'
       ORDER BY sessions.created_at DESC, sessions.rowid DESC`,
      repId,
    ).map(toSession);
  }

  listSessionIdsOfRep(repId: string): string[] {
    return this.all('SELECT DISTINCT session_id FROM participants WHERE rep_id = ?', repId).map((r) => str(r.session_id));
  }

  listLiveSessionsControlledBy(repId: string): SessionRow[] {
    return this.all(
      `SELECT DISTINCT sessions.* FROM sessions JOIN participants ON participants.session_id = sessions.id
       WHERE participants.rep_id = ? AND participants.role = 'controller' AND participants.left_at IS NULL
         AND sessions.status = 'live'
       ORDER BY sessions.created_at DESC, sessions.rowid DESC`,
      repId,
    ).map(toSession);
  }

  passControl(sessionId: string, fromId: string, toId: string): number {
    this.run("UPDATE participants SET role = 'assistant' WHERE id = ? AND session_id = ?", fromId, sessionId);
    this.run("UPDATE participants SET role = 'controller' WHERE id = ? AND session_id = ?", toId, sessionId);
    this.run('UPDATE sessions SET control_epoch = control_epoch + 1 WHERE id = ?', sessionId);
    return num(this.get('SELECT control_epoch FROM sessions WHERE id = ?', sessionId)!.control_epoch);
  }

  setActiveCustomer(sessionId: string, participantId: string | null): void {
    this.run('UPDATE sessions SET active_customer_id = ? WHERE id = ?', participantId, sessionId);
  }

  endSession(id: string, at: number): void {
    this.transaction(() => {
      this.run("UPDATE sessions SET status = 'ended', ended_at = ? WHERE id = ? AND status = 'live'", at, id);
      this.run("UPDATE participants SET left_at = ?, left_reason = 'ended' WHERE session_id = ? AND left_at IS NULL", at, id);
      this.run('UPDATE invites SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL', at, id);
    });
  }

  insertParticipant(p: ParticipantRow): void {
    this.run(
      `INSERT INTO participants (id, session_id, role, name, rep_id, peer_id, token_hash, joined_at, left_at, left_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      p.id,
      p.sessionId,
      p.role,
      p.name,
      p.repId,
      p.peerId,
      p.tokenHash,
      p.joinedAt,
      p.leftAt,
      p.leftReason,
    );
  }

  findParticipant(id: string): ParticipantRow | undefined {
    const r = this.get('SELECT * FROM participants WHERE id = ?', id);
    return r && toParticipant(r);
  }

  findParticipantByTokenHash(tokenHash: string): ParticipantRow | undefined {
    const r = this.get('SELECT * FROM participants WHERE token_hash = ?', tokenHash);
    return r && toParticipant(r);
  }

  findParticipantByPeerId(peerId: string): ParticipantRow | undefined {
    const r = this.get('SELECT * FROM participants WHERE peer_id = ?', peerId);
    return r && toParticipant(r);
  }

  findRepParticipants(sessionId: string, repId: string): ParticipantRow[] {
    return this.all(
      `SELECT * FROM participants WHERE session_id = ? AND rep_id = ?
       ORDER BY (left_at IS NULL) DESC, joined_at DESC`,
      sessionId,
      repId,
    ).map(toParticipant);
  }

  listParticipants(sessionId: string): ParticipantRow[] {
    return this.all('SELECT * FROM participants WHERE session_id = ? ORDER BY joined_at, rowid', sessionId).map(toParticipant);
  }

  countCurrentCustomers(sessionId: string): number {
    return num(
      this.get(
        "SELECT COUNT(*) AS n FROM participants WHERE session_id = ? AND role = 'customer' AND left_at IS NULL",
        sessionId,
      )!.n,
    );
  }

  listPresentParticipants(): ParticipantRow[] {
    return this.all(
      `SELECT participants.* FROM participants JOIN sessions ON sessions.id = participants.session_id
       WHERE participants.left_at IS NULL AND sessions.status = 'live'`,
    ).map(toParticipant);
  }

  markParticipantLeft(id: string, at: number, reason: LeftReason): boolean {
    return (
      this.run('UPDATE participants SET left_at = ?, left_reason = ? WHERE id = ? AND left_at IS NULL', at, reason, id).changes >
      0
    );
  }

  setParticipantTokenHash(id: string, tokenHash: string): void {
    this.run('UPDATE participants SET token_hash = ? WHERE id = ?', tokenHash, id);
  }

  insertInvite(i: InviteRow): void {
    this.run(
      `INSERT INTO invites (id, session_id, role, token_hash, created_by_rep_id, channel, email, created_at, expires_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      i.id,
      i.sessionId,
      i.role,
      i.tokenHash,
      i.createdByRepId,
      i.channel,
      i.email,
      i.createdAt,
      i.expiresAt,
      i.revokedAt,
    );
  }

  findInvite(id: string): InviteRow | undefined {
    const r = this.get('SELECT * FROM invites WHERE id = ?', id);
    return r && toInvite(r);
  }

  findInviteByTokenHash(tokenHash: string): InviteRow | undefined {
    const r = this.get('SELECT * FROM invites WHERE token_hash = ?', tokenHash);
    return r && toInvite(r);
  }

  listInvites(sessionId: string): InviteRow[] {
    return this.all('SELECT * FROM invites WHERE session_id = ? ORDER BY created_at DESC, rowid DESC', sessionId).map(toInvite);
  }

  revokeInvites(sessionId: string, at: number, inviteId?: string): string[] {
    return this.transaction(() => {
      const outstanding = this.all(
        // The session's own link admits while the session lives, whatever its stored expiry (sessions/invites.ts).
        "SELECT id FROM invites WHERE session_id = ? AND revoked_at IS NULL AND (expires_at > ? OR channel = 'link')",
        sessionId,
        at,
      ).map((r) => str(r.id));
      const ids = inviteId === undefined ? outstanding : outstanding.filter((id) => id === inviteId);
      for (const id of ids) this.run('UPDATE invites SET revoked_at = ? WHERE id = ?', at, id);
      return ids;
    });
  }

  setSessionLinkInvite(sessionId: string, inviteId: string): void {
    this.run('UPDATE sessions SET link_invite_id = ? WHERE id = ?', inviteId, sessionId);
  }

  findLiveSessionByNumber(number: string): SessionRow | undefined {
    const r = this.get("SELECT * FROM sessions WHERE number = ? AND status = 'live'", number);
    return r && toSession(r);
  }

  insertWait(w: WaitRow): void {
    this.run(
      `INSERT INTO waits (id, session_id, name, token_hash, client_address, created_at, expires_at, status, decided_at, participant_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      w.id,
      w.sessionId,
      w.name,
      w.tokenHash,
      w.clientAddress,
      w.createdAt,
      w.expiresAt,
      w.status,
      w.decidedAt,
      w.participantId,
    );
  }

  findWait(id: string): WaitRow | undefined {
    const r = this.get('SELECT * FROM waits WHERE id = ?', id);
    return r && toWait(r);
  }

  findWaitByTokenHash(tokenHash: string): WaitRow | undefined {
    const r = this.get('SELECT * FROM waits WHERE token_hash = ?', tokenHash);
    return r && toWait(r);
  }

  decideWait(id: string, status: Exclude<WaitStatusValue, 'waiting'>, at: number, participantId?: string): boolean {
    const result = this.run(
      "UPDATE waits SET status = ?, decided_at = ?, participant_id = ? WHERE id = ? AND status = 'waiting'",
      status,
      at,
      participantId ?? null,
      id,
    );
    return result.changes === 1;
  }

  listWaitingWaits(sessionId: string, at: number): WaitRow[] {
    return this.all(
      "SELECT * FROM waits WHERE session_id = ? AND status = 'waiting' AND expires_at > ? ORDER BY created_at, rowid",
      sessionId,
      at,
    ).map(toWait);
  }

  listOverdueWaits(at: number): WaitRow[] {
    return this.all(
      `SELECT waits.* FROM waits JOIN sessions ON sessions.id = waits.session_id
       WHERE waits.status = 'waiting' AND waits.expires_at <= ? AND sessions.status = 'live'
       ORDER BY waits.expires_at`,
      at,
    ).map(toWait);
  }

  appendEvent(e: { sessionId: string; type: string; payload: object; at: number }): number {
    // Read-then-insert is safe: better-sqlite3 is synchronous and the (session_id, seq) key rejects a race.
    return this.transaction(() => {
      const seq = this.lastSeq(e.sessionId) + 1;
      this.run(
        'INSERT INTO events (session_id, seq, type, payload, at) VALUES (?, ?, ?, ?, ?)',
        e.sessionId,
        seq,
        e.type,
        JSON.stringify(e.payload),
        e.at,
      );
      return seq;
    });
  }

  eventsAfter(sessionId: string, seq: number): StoredEvent[] {
    return this.all('SELECT * FROM events WHERE session_id = ? AND seq > ? ORDER BY seq', sessionId, seq).map(toEvent);
  }

  eventsOfType(sessionId: string, type: string): StoredEvent[] {
    return this.all('SELECT * FROM events WHERE session_id = ? AND type = ? ORDER BY seq', sessionId, type).map(toEvent);
  }

  lastSeq(sessionId: string): number {
    return num(this.get('SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE session_id = ?', sessionId)!.seq);
  }

  saveSummary(s: SessionSummaryRow): void {
    this.run(
      `INSERT INTO session_summaries (session_id, rep_id, notes, ticket, saved_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET rep_id = excluded.rep_id, notes = excluded.notes,
         ticket = excluded.ticket, saved_at = excluded.saved_at`,
      s.sessionId,
      s.repId,
      s.notes,
      s.ticket,
      s.savedAt,
    );
  }

  saveRating(r: RatingRow): void {
    this.run(
      `INSERT INTO ratings (session_id, participant_id, score, comment, rated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_id, participant_id) DO UPDATE SET score = excluded.score, comment = excluded.comment,
         rated_at = excluded.rated_at`,
      r.sessionId,
      r.participantId,
      r.score,
      r.comment,
      r.ratedAt,
    );
  }

  listReport(since: number): ReportRow[] {
    const sessions = this.all(
      `SELECT s.id, s.number, s.created_at, s.ended_at, r.email AS rep_email, m.notes, m.ticket,
         (SELECT COUNT(DISTINCT lower(trim(p.name))) FROM participants p
          WHERE p.session_id = s.id AND p.role = 'customer') AS customers
       FROM sessions s JOIN reps r ON r.id = s.controller_rep_id LEFT JOIN session_summaries m ON m.session_id = s.id
       WHERE s.created_at >= ? ORDER BY s.created_at, s.rowid`,
      since,
    );
    return sessions.map((row) => ({
      sessionId: String(row.id),
      number: String(row.number),
      createdAt: Number(row.created_at),
      endedAt: row.ended_at === null ? null : Number(row.ended_at),
      repEmail: String(row.rep_email),
      customers: Number(row.customers),
      notes: row.notes === null ? null : String(row.notes),
      ticket: row.ticket === null ? null : String(row.ticket),
      ratings: this.all('SELECT score, comment FROM ratings WHERE session_id = ? ORDER BY rated_at', row.id).map((r) => ({
        score: Number(r.score),
        comment: r.comment === null ? null : String(r.comment),
      })),
    }));
  }

  audit(entry: AuditEntry): void {
    this.run(
      'INSERT INTO audit (at, actor, action, session_id, detail) VALUES (?, ?, ?, ?, ?)',
      entry.at,
      entry.actor,
      entry.action,
      entry.sessionId,
      entry.detail === null ? null : JSON.stringify(entry.detail),
    );
  }

  listAudit(sessionId?: string): (AuditEntry & { id: number })[] {
    const rows =
      sessionId === undefined
        ? this.all('SELECT * FROM audit ORDER BY id')
        : this.all('SELECT * FROM audit WHERE session_id = ? ORDER BY id', sessionId);
    return rows.map((r) => ({
      id: num(r.id),
      at: num(r.at),
      actor: str(r.actor),
      action: str(r.action),
      sessionId: nullableStr(r.session_id),
      detail: r.detail === null ? null : (JSON.parse(str(r.detail)) as Record<string, unknown>),
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
