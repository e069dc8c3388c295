import type { AgentState, QueueRouting } from '../../core/protocol';
import type { AcdStore, OfferRow, OfferStatus, QueueRow, TransferRow, TransferStatus } from './acdTypes';

import type { Row, Statements } from './statements';
const nullable = <T>(value: unknown) => (value === null || value === undefined ? null : (value as T));

function toQueue(r: Row): QueueRow {
  return {
    id: r.id as string,
    name: r.name as string,
    routing: r.routing as QueueRouting,
    createdAt: r.created_at as number,
    cursorRepId: nullable<string>(r.cursor_rep_id),
  };
}

function toTransfer(r: Row): TransferRow {
  return {
    id: r.id as string,
    sessionId: r.session_id as string,
    fromRepId: r.from_rep_id as string,
    fromParticipantId: r.from_participant_id as string,
    queueId: nullable<string>(r.queue_id),
    queueName: nullable<string>(r.queue_name),
    message: r.message as string,
    createdAt: r.created_at as number,
    status: r.status as TransferStatus,
    decidedAt: nullable<number>(r.decided_at),
    decidedByRepId: nullable<string>(r.decided_by_rep_id),
    position: nullable<number>(r.position),
    waitingLongAt: nullable<number>(r.waiting_long_at),
  };
}

function toOffer(r: Row): OfferRow {
  return {
    transferId: r.transfer_id as string,
    repId: r.rep_id as string,
    kind: r.kind as OfferRow['kind'],
    offeredAt: r.offered_at as number,
    expiresAt: nullable<number>(r.expires_at),
    status: r.status as OfferStatus,
    closedAt: nullable<number>(r.closed_at),
  };
}

/** WebACD tables on the broker's SQLite database (see acdTypes.ts). */
export class SqliteAcdStore implements AcdStore {
  private readonly get: Statements['get'];
  private readonly all: Statements['all'];
  private readonly run: Statements['run'];

  constructor(statements: Statements) {
    this.get = statements.get.bind(statements);
    this.all = statements.all.bind(statements);
    this.run = statements.run.bind(statements);
  }

  agentState(repId: string): { state: AgentState; since: number | null } {
    const r = this.get('SELECT agent_state, agent_state_at FROM reps WHERE id = ?', repId);
    return { state: (r?.agent_state as AgentState | undefined) ?? 'away', since: nullable<number>(r?.agent_state_at) };
  }
  setAgentState(repId: string, state: AgentState, at: number): void {
    this.run('UPDATE reps SET agent_state = ?, agent_state_at = ? WHERE id = ?', state, at, repId);
  }
  listAgentIds(): string[] {
    return this.all('SELECT id FROM reps WHERE is_agent = 1 AND disabled_at IS NULL ORDER BY name, id').map(
      (r) => r.id as string,
    );
  }
  countLiveSessionsOfRep(repId: string): number {
    return this.get(
      `SELECT COUNT(DISTINCT sessions.id) AS n FROM sessions JOIN participants ON participants.session_id = sessions.id
       WHERE participants.rep_id = ? AND participants.left_at IS NULL AND sessions.status = 'live'`,
      repId,
    )!.n as number;
  }
  lastSessionActivityOfRep(repId: string): number | null {
    return nullable<number>(
      this.get('SELECT MAX(COALESCE(left_at, joined_at)) AS at FROM participants WHERE rep_id = ?', repId)?.at,
    );
  }

  insertQueue(q: QueueRow): void {
    this.run('INSERT INTO queues (id, name, routing, created_at) VALUES (?, ?, ?, ?)', q.id, q.name, q.routing, q.createdAt);
  }
  findQueue(id: string): QueueRow | undefined {
    const r = this.get('SELECT * FROM queues WHERE id = ?', id);
    return r && toQueue(r);
  }
  findQueueByName(name: string): QueueRow | undefined {
    const r = this.get('SELECT * FROM queues WHERE name = ?', name);
    return r && toQueue(r);
  }
  listQueues(): QueueRow[] {
    return this.all('SELECT * FROM queues ORDER BY name').map(toQueue);
  }
  updateQueue(id: string, changes: Partial<Pick<QueueRow, 'name' | 'routing'>>): void {
    if (changes.name !== undefined) this.run('UPDATE queues SET name = ? WHERE id = ?', changes.name, id);
    if (changes.routing !== undefined) this.run('UPDATE queues SET routing = ? WHERE id = ?', changes.routing, id);
  }
  deleteQueue(id: string): void {
    this.run('DELETE FROM queues WHERE id = ?', id);
  }
  queueAgentIds(queueId: string): string[] {
    return this.all('SELECT rep_id FROM queue_agents WHERE queue_id = ? ORDER BY position', queueId).map(
      (r) => r.rep_id as string,
    );
  }
  setQueueAgents(queueId: string, repIds: readonly string[]): void {
    this.run('DELETE FROM queue_agents WHERE queue_id = ?', queueId);
    repIds.forEach((repId, position) =>
      this.run('INSERT INTO queue_agents (queue_id, rep_id, position) VALUES (?, ?, ?)', queueId, repId, position),
    );
  }
  setQueueCursor(queueId: string, repId: string): void {
    this.run('UPDATE queues SET cursor_rep_id = ? WHERE id = ?', repId, queueId);
  }
  queueIdsOfAgent(repId: string): string[] {
    return this.all('SELECT queue_id FROM queue_agents WHERE rep_id = ?', repId).map((r) => r.queue_id as string);
  }

  insertTransfer(t: TransferRow, targetRepIds: readonly string[]): void {
    this.run(
      `INSERT INTO transfers (id, session_id, from_rep_id, from_participant_id, queue_id, queue_name, message, created_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')`,
      t.id,
      t.sessionId,
      t.fromRepId,
      t.fromParticipantId,
      t.queueId,
      t.queueName,
      t.message,
      t.createdAt,
    );
    for (const repId of targetRepIds) this.run('INSERT INTO transfer_targets (transfer_id, rep_id) VALUES (?, ?)', t.id, repId);
  }
  findTransfer(id: string): TransferRow | undefined {
    const r = this.get('SELECT * FROM transfers WHERE id = ?', id);
    return r && toTransfer(r);
  }
  findPendingTransferOfSession(sessionId: string): TransferRow | undefined {
    const r = this.get("SELECT * FROM transfers WHERE session_id = ? AND status = 'pending'", sessionId);
    return r && toTransfer(r);
  }
  listPendingTransfers(): TransferRow[] {
    return this.all("SELECT * FROM transfers WHERE status = 'pending' ORDER BY created_at, rowid").map(toTransfer);
  }
  transferTargets(transferId: string): string[] {
    return this.all('SELECT rep_id FROM transfer_targets WHERE transfer_id = ?', transferId).map((r) => r.rep_id as string);
  }
  decideTransfer(id: string, status: Exclude<TransferStatus, 'pending'>, at: number, byRepId: string | null): boolean {
    // The one conditional write that decides a race: of two accepts at once, one changes a row.
    return (
      this.run(
        "UPDATE transfers SET status = ?, decided_at = ?, decided_by_rep_id = ? WHERE id = ? AND status = 'pending'",
        status,
        at,
        byRepId,
        id,
      ).changes === 1
    );
  }
  updateTransfer(id: string, changes: Partial<Pick<TransferRow, 'position' | 'waitingLongAt'>>): void {
    if (changes.position !== undefined) this.run('UPDATE transfers SET position = ? WHERE id = ?', changes.position, id);
    if (changes.waitingLongAt !== undefined) {
      this.run('UPDATE transfers SET waiting_long_at = ? WHERE id = ?', changes.waitingLongAt, id);
    }
  }

  insertOffer(o: OfferRow): void {
    this.run(
      `INSERT INTO transfer_offers (transfer_id, rep_id, kind, offered_at, expires_at, status) VALUES (?, ?, ?, ?, ?, 'open')`,
      o.transferId,
      o.repId,
      o.kind,
      o.offeredAt,
      o.expiresAt,
    );
  }
  listOffers(transferId: string): OfferRow[] {
    return this.all('SELECT * FROM transfer_offers WHERE transfer_id = ? ORDER BY offered_at', transferId).map(toOffer);
  }
  listOpenOffersOfRep(repId: string): OfferRow[] {
    return this.all("SELECT * FROM transfer_offers WHERE rep_id = ? AND status = 'open' ORDER BY offered_at", repId).map(toOffer);
  }
  closeOffer(transferId: string, repId: string, status: Exclude<OfferStatus, 'open'>, at: number): boolean {
    return (
      this.run(
        "UPDATE transfer_offers SET status = ?, closed_at = ? WHERE transfer_id = ? AND rep_id = ? AND status = 'open'",
        status,
        at,
        transferId,
        repId,
      ).changes === 1
    );
  }
  closeOpenOffers(transferId: string, status: Exclude<OfferStatus, 'open'>, at: number): string[] {
    const open = this.all("SELECT rep_id FROM transfer_offers WHERE transfer_id = ? AND status = 'open'", transferId);
    this.run(
      "UPDATE transfer_offers SET status = ?, closed_at = ? WHERE transfer_id = ? AND status = 'open'",
      status,
      at,
      transferId,
    );
    return open.map((r) => r.rep_id as string);
  }
}
