import { SqlAcdStore } from './sqlAcd';
import type { SqlDatabase, SqlRunner } from './sql';
import { assertOutsideTransaction, withinTransaction } from './transactionScope';
import { num, nullableNum, nullableStr, str, toEvent, toInvite, toParticipant, toRep, toSession, toWait } from './rows';
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
  type Outbox,
  type WaitRow,
  type WaitStatusValue,
} from './types';

type CommitListener = (outbox: Outbox) => void;
type OpenOutbox = { events: StoredEvent[]; audit: AuditEntry[] };

/** The database's own runner, refusing use from inside one of its transactions (see transactionScope.ts). */
function guarded(database: SqlDatabase): SqlRunner {
  return {
    get: (text, ...params) => (assertOutsideTransaction(database), database.get(text, ...params)),
    all: (text, ...params) => (assertOutsideTransaction(database), database.all(text, ...params)),
    run: (text, ...params) => (assertOutsideTransaction(database), database.run(text, ...params)),
  };
}

/**
 * The store on SQL written once for SQLite and PostgreSQL (see sql.ts). A transaction's store is another
 * instance on the transaction's runner, with the transaction's outbox: the events it appended, handed
 * to listeners after COMMIT.
 */
export class SqlStore implements Store {
  readonly acd: SqlAcdStore;

  private constructor(
    readonly database: SqlDatabase,
    private readonly sql: SqlRunner,
    private readonly outbox: OpenOutbox | null,
    private readonly listeners: Set<CommitListener>,
  ) {
    this.acd = new SqlAcdStore(sql);
  }

  static on(database: SqlDatabase): SqlStore {
    return new SqlStore(database, guarded(database), null, new Set());
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.outbox) return fn(this);
    assertOutsideTransaction(this.database);
    let outbox: OpenOutbox = { events: [], audit: [] };
    const result = await withinTransaction(this.database, () =>
      this.database.transaction((sql) => {
        // A retried transaction (PostgreSQL, after a deadlock) starts with an empty outbox again.
        outbox = { events: [], audit: [] };
        return fn(new SqlStore(this.database, sql, outbox, this.listeners));
      }),
    );
    if (outbox.events.length + outbox.audit.length > 0) for (const listener of [...this.listeners]) listener(outbox);
    return result;
  }

  onCommitted(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async setSessionController(sessionId: string, repId: string): Promise<void> {
    await this.sql.run('UPDATE sessions SET controller_rep_id = ? WHERE id = ?', repId, sessionId);
  }

  async insertRep(rep: RepRow): Promise<void> {
    try {
      await this.sql.run(
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
      if (this.database.isUniqueViolation(error, 'reps', 'email')) {
        throw new DuplicateEmailError(rep.email);
      }
      throw error;
    }
  }

  async findRepById(id: string): Promise<RepRow | undefined> {
    const r = await this.sql.get('SELECT * FROM reps WHERE id = ?', id);
    return r && toRep(r);
  }

  async findRepByEmail(email: string): Promise<RepRow | undefined> {
    const r = await this.sql.get('SELECT * FROM reps WHERE email = ?', email);
    return r && toRep(r);
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.sql.get('SELECT 1 FROM reps WHERE is_admin = 1 LIMIT 1')) !== undefined;
  }

  async updateRep(id: string, changes: RepChanges): Promise<void> {
    const columns: [string, unknown][] = [];
    if (changes.name !== undefined) columns.push(['name', changes.name]);
    if (changes.maxCustomers !== undefined) columns.push(['max_customers', changes.maxCustomers]);
    if (changes.mode !== undefined) columns.push(['mode', changes.mode]);
    if (changes.isAgent !== undefined) columns.push(['is_agent', changes.isAgent ? 1 : 0]);
    if (changes.maxSessions !== undefined) columns.push(['max_sessions', changes.maxSessions]);
    if (columns.length === 0) return;
    // Column names are our own constants; values are bound.
    await this.sql.run(
      `UPDATE reps SET ${columns.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`,
      ...columns.map(([, value]) => value),
      id,
    );
  }

  async setRepDisabled(id: string, at: number | null): Promise<void> {
    await this.sql.run('UPDATE reps SET disabled_at = ? WHERE id = ?', at, id);
  }

  async setRepPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.sql.run('UPDATE reps SET password_hash = ? WHERE id = ?', passwordHash, id);
  }

  async listRepsDisabledBetween(from: number, to: number): Promise<{ repId: string; disabledAt: number }[]> {
    return (await this.sql.all('SELECT id, disabled_at FROM reps WHERE disabled_at > ? AND disabled_at <= ?', from, to)).map(
      (r) => ({
        repId: str(r.id),
        disabledAt: num(r.disabled_at),
      }),
    );
  }

  async insertRepToken(token: { tokenHash: string; repId: string; createdAt: number; expiresAt: number }): Promise<void> {
    await this.sql.run(
      'INSERT INTO rep_tokens (token_hash, rep_id, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      token.tokenHash,
      token.repId,
      token.createdAt,
      token.createdAt,
      token.expiresAt,
    );
  }

  async findRepToken(tokenHash: string): Promise<{ token: RepTokenRow; rep: RepRow } | undefined> {
    const r = await this.sql.get(
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

  async renewRepToken(tokenHash: string, at: number, expiresAt: number): Promise<boolean> {
    const result = await this.sql.run(
      `UPDATE rep_tokens SET last_used_at = ?, expires_at = CASE WHEN expires_at > ? THEN expires_at ELSE ? END
       WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?`,
      at,
      expiresAt,
      expiresAt,
      tokenHash,
      at,
    );
    return result === 1;
  }

  async hasLiveRepToken(repId: string, at: number): Promise<boolean> {
    return (
      (await this.sql.get(
        `SELECT 1 FROM rep_tokens JOIN reps ON reps.id = rep_tokens.rep_id
         WHERE rep_tokens.rep_id = ? AND rep_tokens.revoked_at IS NULL AND rep_tokens.expires_at > ?
           AND reps.disabled_at IS NULL
         LIMIT 1`,
        repId,
        at,
      )) !== undefined
    );
  }

  async revokeRepToken(tokenHash: string, at: number): Promise<void> {
    await this.sql.run('UPDATE rep_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL', at, tokenHash);
  }

  async revokeRepTokensOfRep(repId: string, at: number): Promise<number> {
    return await this.sql.run(
      'UPDATE rep_tokens SET revoked_at = ? WHERE rep_id = ? AND revoked_at IS NULL AND expires_at > ?',
      at,
      repId,
      at,
    );
  }

  async startRepTokenClocks(at: number, expiresAt: number): Promise<number> {
    return await this.sql.run(
      'UPDATE rep_tokens SET last_used_at = ?, expires_at = ? WHERE expires_at IS NULL AND revoked_at IS NULL',
      at,
      expiresAt,
    );
  }

  async listRepTokensEndedBetween(from: number, to: number): Promise<{ tokenHash: string; repId: string }[]> {
    // Two indexed ranges rather than one OR, which SQLite would answer with a scan.
    const revoked = await this.sql.all(
      'SELECT token_hash, rep_id FROM rep_tokens WHERE revoked_at > ? AND revoked_at <= ?',
      from,
      to,
    );
    const expired = await this.sql.all(
      'SELECT token_hash, rep_id FROM rep_tokens WHERE revoked_at IS NULL AND expires_at > ? AND expires_at <= ?',
      from,
      to,
    );
    return [...revoked, ...expired].map((r) => ({ tokenHash: str(r.token_hash), repId: str(r.rep_id) }));
  }

  async insertSession(s: SessionRow): Promise<void> {
    await this.sql.run(
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

  async findSession(id: string): Promise<SessionRow | undefined> {
    const r = await this.sql.get('SELECT * FROM sessions WHERE id = ?', id);
    return r && toSession(r);
  }

  async isLiveNumberTaken(number: string): Promise<boolean> {
    return (await this.sql.get("SELECT 1 FROM sessions WHERE number = ? AND status = 'live'", number)) !== undefined;
  }

  async listLiveSessionsOfRep(repId: string): Promise<SessionRow[]> {
    return (
      await this.sql.all(
        `SELECT DISTINCT sessions.* FROM sessions JOIN participants ON participants.session_id = sessions.id
       WHERE participants.rep_id = ? AND participants.left_at IS NULL AND sessions.status = 'live'
       ORDER BY sessions.created_at DESC, sessions.rowid DESC`,
        repId,
      )
    ).map(toSession);
  }

  async listSessionIdsOfRep(repId: string): Promise<string[]> {
    return (await this.sql.all('SELECT DISTINCT session_id FROM participants WHERE rep_id = ?', repId)).map((r) =>
      str(r.session_id),
    );
  }

  async listLiveSessionsControlledBy(repId: string): Promise<SessionRow[]> {
    return (
      await this.sql.all(
        `SELECT DISTINCT sessions.* FROM sessions JOIN participants ON participants.session_id = sessions.id
       WHERE participants.rep_id = ? AND participants.role = 'controller' AND participants.left_at IS NULL
         AND sessions.status = 'live'
       ORDER BY sessions.created_at DESC, sessions.rowid DESC`,
        repId,
      )
    ).map(toSession);
  }

  async passControl(sessionId: string, fromId: string, toId: string): Promise<number> {
    await this.sql.run("UPDATE participants SET role = 'assistant' WHERE id = ? AND session_id = ?", fromId, sessionId);
    await this.sql.run("UPDATE participants SET role = 'controller' WHERE id = ? AND session_id = ?", toId, sessionId);
    await this.sql.run('UPDATE sessions SET control_epoch = control_epoch + 1 WHERE id = ?', sessionId);
    return num((await this.sql.get('SELECT control_epoch FROM sessions WHERE id = ?', sessionId))!.control_epoch);
  }

  async setActiveCustomer(sessionId: string, participantId: string | null): Promise<void> {
    await this.sql.run('UPDATE sessions SET active_customer_id = ? WHERE id = ?', participantId, sessionId);
  }

  async endSession(id: string, at: number): Promise<void> {
    await this.atomically(async (sql) => {
      await sql.run("UPDATE sessions SET status = 'ended', ended_at = ? WHERE id = ? AND status = 'live'", at, id);
      await sql.run(
        "UPDATE participants SET left_at = ?, left_reason = 'ended' WHERE session_id = ? AND left_at IS NULL",
        at,
        id,
      );
      await sql.run('UPDATE invites SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL', at, id);
    });
  }

  async insertParticipant(p: ParticipantRow): Promise<void> {
    await this.sql.run(
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

  async findParticipant(id: string): Promise<ParticipantRow | undefined> {
    const r = await this.sql.get('SELECT * FROM participants WHERE id = ?', id);
    return r && toParticipant(r);
  }

  async findParticipantByTokenHash(tokenHash: string): Promise<ParticipantRow | undefined> {
    const r = await this.sql.get('SELECT * FROM participants WHERE token_hash = ?', tokenHash);
    return r && toParticipant(r);
  }

  async findParticipantByPeerId(peerId: string): Promise<ParticipantRow | undefined> {
    const r = await this.sql.get('SELECT * FROM participants WHERE peer_id = ?', peerId);
    return r && toParticipant(r);
  }

  async findRepParticipants(sessionId: string, repId: string): Promise<ParticipantRow[]> {
    return (
      await this.sql.all(
        `SELECT * FROM participants WHERE session_id = ? AND rep_id = ?
       ORDER BY (left_at IS NULL) DESC, joined_at DESC`,
        sessionId,
        repId,
      )
    ).map(toParticipant);
  }

  async listParticipants(sessionId: string): Promise<ParticipantRow[]> {
    return (await this.sql.all('SELECT * FROM participants WHERE session_id = ? ORDER BY joined_at, rowid', sessionId)).map(
      toParticipant,
    );
  }

  async countCurrentCustomers(sessionId: string): Promise<number> {
    return num(
      (await this.sql.get(
        "SELECT COUNT(*) AS n FROM participants WHERE session_id = ? AND role = 'customer' AND left_at IS NULL",
        sessionId,
      ))!.n,
    );
  }

  async listPresentParticipants(): Promise<ParticipantRow[]> {
    return (
      await this.sql.all(
        `SELECT participants.* FROM participants JOIN sessions ON sessions.id = participants.session_id
       WHERE participants.left_at IS NULL AND sessions.status = 'live'`,
      )
    ).map(toParticipant);
  }

  async markParticipantLeft(id: string, at: number, reason: LeftReason): Promise<boolean> {
    return (
      (await this.sql.run(
        'UPDATE participants SET left_at = ?, left_reason = ? WHERE id = ? AND left_at IS NULL',
        at,
        reason,
        id,
      )) > 0
    );
  }

  async setParticipantTokenHash(id: string, tokenHash: string): Promise<void> {
    await this.sql.run('UPDATE participants SET token_hash = ? WHERE id = ?', tokenHash, id);
  }

  async insertInvite(i: InviteRow): Promise<void> {
    await this.sql.run(
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

  async findInvite(id: string): Promise<InviteRow | undefined> {
    const r = await this.sql.get('SELECT * FROM invites WHERE id = ?', id);
    return r && toInvite(r);
  }

  async findInviteByTokenHash(tokenHash: string): Promise<InviteRow | undefined> {
    const r = await this.sql.get('SELECT * FROM invites WHERE token_hash = ?', tokenHash);
    return r && toInvite(r);
  }

  async listInvites(sessionId: string): Promise<InviteRow[]> {
    return (await this.sql.all('SELECT * FROM invites WHERE session_id = ? ORDER BY created_at DESC, rowid DESC', sessionId)).map(
      toInvite,
    );
  }

  async revokeInvites(sessionId: string, at: number, inviteId?: string): Promise<string[]> {
    return this.atomically(async (sql) => {
      const outstanding = (
        await sql.all(
          // The session's own link admits while the session lives, whatever its stored expiry (sessions/invites.ts).
          "SELECT id FROM invites WHERE session_id = ? AND revoked_at IS NULL AND (expires_at > ? OR channel = 'link')",
          sessionId,
          at,
        )
      ).map((r) => str(r.id));
      const ids = inviteId === undefined ? outstanding : outstanding.filter((id) => id === inviteId);
      for (const id of ids) await sql.run('UPDATE invites SET revoked_at = ? WHERE id = ?', at, id);
      return ids;
    });
  }

  async setSessionLinkInvite(sessionId: string, inviteId: string): Promise<void> {
    await this.sql.run('UPDATE sessions SET link_invite_id = ? WHERE id = ?', inviteId, sessionId);
  }

  async findLiveSessionByNumber(number: string): Promise<SessionRow | undefined> {
    const r = await this.sql.get("SELECT * FROM sessions WHERE number = ? AND status = 'live'", number);
    return r && toSession(r);
  }

  async insertWait(w: WaitRow): Promise<void> {
    await this.sql.run(
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

  async findWait(id: string): Promise<WaitRow | undefined> {
    const r = await this.sql.get('SELECT * FROM waits WHERE id = ?', id);
    return r && toWait(r);
  }

  async findWaitByTokenHash(tokenHash: string): Promise<WaitRow | undefined> {
    const r = await this.sql.get('SELECT * FROM waits WHERE token_hash = ?', tokenHash);
    return r && toWait(r);
  }

  async decideWait(
    id: string,
    status: Exclude<WaitStatusValue, 'waiting'>,
    at: number,
    participantId?: string,
  ): Promise<boolean> {
    const result = await this.sql.run(
      "UPDATE waits SET status = ?, decided_at = ?, participant_id = ? WHERE id = ? AND status = 'waiting'",
      status,
      at,
      participantId ?? null,
      id,
    );
    return result === 1;
  }

  async listWaitingWaits(sessionId: string, at: number): Promise<WaitRow[]> {
    return (
      await this.sql.all(
        "SELECT * FROM waits WHERE session_id = ? AND status = 'waiting' AND expires_at > ? ORDER BY created_at, rowid",
        sessionId,
        at,
      )
    ).map(toWait);
  }

  async listOverdueWaits(at: number): Promise<WaitRow[]> {
    return (
      await this.sql.all(
        `SELECT waits.* FROM waits JOIN sessions ON sessions.id = waits.session_id
       WHERE waits.status = 'waiting' AND waits.expires_at <= ? AND sessions.status = 'live'
       ORDER BY waits.expires_at`,
        at,
      )
    ).map(toWait);
  }

  async appendEvent(e: { sessionId: string; type: string; payload: object; at: number }): Promise<number> {
    if (!this.outbox) return this.transaction((tx) => tx.appendEvent(e));
    // Not MAX(seq) + 1, which two brokers could both read: the counter's row stays locked (PostgreSQL) or
    // under the write lock (SQLite) until commit, so the next writer reads the number after ours.
    const counted = await this.sql.get(
      'UPDATE sessions SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq',
      e.sessionId,
    );
    if (!counted) throw new Error(`There is no session ${e.sessionId} to log an event in`);
    const seq = num(counted.last_seq);
    const payload = JSON.stringify(e.payload);
    await this.sql.run(
      'INSERT INTO events (session_id, seq, type, payload, at) VALUES (?, ?, ?, ?, ?)',
      e.sessionId,
      seq,
      e.type,
      payload,
      e.at,
    );
    this.outbox.events.push({
      sessionId: e.sessionId,
      seq,
      type: e.type,
      payload: JSON.parse(payload) as Record<string, unknown>,
      at: e.at,
    });
    return seq;
  }

  async eventsAfter(sessionId: string, seq: number): Promise<StoredEvent[]> {
    return (await this.sql.all('SELECT * FROM events WHERE session_id = ? AND seq > ? ORDER BY seq', sessionId, seq)).map(
      toEvent,
    );
  }

  async eventsOfType(sessionId: string, type: string): Promise<StoredEvent[]> {
    return (await this.sql.all('SELECT * FROM events WHERE session_id = ? AND type = ? ORDER BY seq', sessionId, type)).map(
      toEvent,
    );
  }

  async lastSeq(sessionId: string): Promise<number> {
    const row = await this.sql.get('SELECT last_seq FROM sessions WHERE id = ?', sessionId);
    return row ? num(row.last_seq) : 0;
  }

  async saveSummary(s: SessionSummaryRow): Promise<void> {
    await this.sql.run(
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

  async saveRating(r: RatingRow): Promise<void> {
    await this.sql.run(
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

  async listReport(since: number): Promise<ReportRow[]> {
    const sessions = await this.sql.all(
      `SELECT s.id, s.number, s.created_at, s.ended_at, r.email AS rep_email, m.notes, m.ticket,
         (SELECT COUNT(DISTINCT lower(trim(p.name))) FROM participants p
          WHERE p.session_id = s.id AND p.role = 'customer') AS customers
       FROM sessions s JOIN reps r ON r.id = s.controller_rep_id LEFT JOIN session_summaries m ON m.session_id = s.id
       WHERE s.created_at >= ? ORDER BY s.created_at, s.rowid`,
      since,
    );
    const report: ReportRow[] = [];
    for (const row of sessions) {
      const ratings = await this.sql.all('SELECT score, comment FROM ratings WHERE session_id = ? ORDER BY rated_at', row.id);
      report.push({
        sessionId: String(row.id),
        number: String(row.number),
        createdAt: Number(row.created_at),
        endedAt: row.ended_at === null ? null : Number(row.ended_at),
        repEmail: String(row.rep_email),
        customers: Number(row.customers),
        notes: row.notes === null ? null : String(row.notes),
        ticket: row.ticket === null ? null : String(row.ticket),
        ratings: ratings.map((r) => ({ score: Number(r.score), comment: r.comment === null ? null : String(r.comment) })),
      });
    }
    return report;
  }

  async audit(entry: AuditEntry): Promise<void> {
    if (!this.outbox) return this.transaction((tx) => tx.audit(entry));
    this.outbox.audit.push(entry);
    await this.sql.run(
      'INSERT INTO audit (at, actor, action, session_id, detail) VALUES (?, ?, ?, ?, ?)',
      entry.at,
      entry.actor,
      entry.action,
      entry.sessionId,
      entry.detail === null ? null : JSON.stringify(entry.detail),
    );
  }

  async listAudit(sessionId?: string): Promise<(AuditEntry & { id: number })[]> {
    const rows =
      sessionId === undefined
        ? await this.sql.all('SELECT * FROM audit ORDER BY id')
        : await this.sql.all('SELECT * FROM audit WHERE session_id = ? ORDER BY id', sessionId);
    return rows.map((r) => ({
      id: num(r.id),
      at: num(r.at),
      actor: str(r.actor),
      action: str(r.action),
      sessionId: nullableStr(r.session_id),
      detail: r.detail === null ? null : (JSON.parse(str(r.detail)) as Record<string, unknown>),
    }));
  }

  async close(): Promise<void> {
    await this.database.close();
  }

  /** fn's statements in one transaction: this one's, or a new one. */
  private atomically<T>(fn: (sql: SqlRunner) => Promise<T>): Promise<T> {
    if (this.outbox) return fn(this.sql);
    return this.transaction((tx) => (tx as unknown as SqlStore).atomically(fn));
  }
}
