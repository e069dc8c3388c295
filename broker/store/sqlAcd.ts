import type { AgentState, QueueRouting } from '../../core/protocol';
import type { AcdStore, OfferRow, OfferStatus, QueueRow, TransferRow, TransferStatus } from './acdTypes';

import type { Row, SqlRunner } from './sql';
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

/** WebACD's tables, on the SQL of whichever store (or transaction) it belongs to (see acdTypes.ts). */
export class SqlAcdStore implements AcdStore {
  constructor(private readonly sql: SqlRunner) {}

  async agentState(repId: string): Promise<{ state: AgentState; since: number | null }> {
    const r = await this.sql.get('SELECT agent_state, agent_state_at FROM reps WHERE id = ?', repId);
    return { state: (r?.agent_state as AgentState | undefined) ?? 'away', since: nullable<number>(r?.agent_state_at) };
  }
  async setAgentState(repId: string, state: AgentState, at: number): Promise<void> {
    await this.sql.run('UPDATE reps SET agent_state = ?, agent_state_at = ? WHERE id = ?', state, at, repId);
  }
  async listAgentIds(): Promise<string[]> {
    return (await this.sql.all('SELECT id FROM reps WHERE is_agent = 1 AND disabled_at IS NULL ORDER BY name, id')).map(
      (r) => r.id as string,
    );
  }
  async countLiveSessionsOfRep(repId: string): Promise<number> {
    return (await this.sql.get(
      `SELECT COUNT(DISTINCT sessions.id) AS n FROM sessions JOIN participants ON participants.session_id = sessions.id
       WHERE participants.rep_id = ? AND participants.left_at IS NULL AND sessions.status = 'live'`,
      repId,
    ))!.n as number;
  }
  async lastSessionActivityOfRep(repId: string): Promise<number | null> {
    return nullable<number>(
      (await this.sql.get('SELECT MAX(COALESCE(left_at, joined_at)) AS at FROM participants WHERE rep_id = ?', repId))?.at,
    );
  }

  async insertQueue(q: QueueRow): Promise<void> {
    await this.sql.run(
      'INSERT INTO queues (id, name, routing, created_at) VALUES (?, ?, ?, ?)',
      q.id,
      q.name,
      q.routing,
      q.createdAt,
    );
  }
  async findQueue(id: string): Promise<QueueRow | undefined> {
    const r = await this.sql.get('SELECT * FROM queues WHERE id = ?', id);
    return r && toQueue(r);
  }
  async findQueueByName(name: string): Promise<QueueRow | undefined> {
    const r = await this.sql.get('SELECT * FROM queues WHERE lower(name) = lower(?)', name);
    return r && toQueue(r);
  }
  async listQueues(): Promise<QueueRow[]> {
    return (await this.sql.all('SELECT * FROM queues ORDER BY lower(name), name')).map(toQueue);
  }
  async updateQueue(id: string, changes: Partial<Pick<QueueRow, 'name' | 'routing'>>): Promise<void> {
    if (changes.name !== undefined) await this.sql.run('UPDATE queues SET name = ? WHERE id = ?', changes.name, id);
    if (changes.routing !== undefined) await this.sql.run('UPDATE queues SET routing = ? WHERE id = ?', changes.routing, id);
  }
  async deleteQueue(id: string): Promise<void> {
    await this.sql.run('DELETE FROM queues WHERE id = ?', id);
  }
  async queueAgentIds(queueId: string): Promise<string[]> {
    return (await this.sql.all('SELECT rep_id FROM queue_agents WHERE queue_id = ? ORDER BY position', queueId)).map(
      (r) => r.rep_id as string,
    );
  }
  async setQueueAgents(queueId: string, repIds: readonly string[]): Promise<void> {
    await this.sql.run('DELETE FROM queue_agents WHERE queue_id = ?', queueId);
    for (const [position, repId] of repIds.entries()) {
      await this.sql.run('INSERT INTO queue_agents (queue_id, rep_id, position) VALUES (?, ?, ?)', queueId, repId, position);
    }
  }
  async setQueueCursor(queueId: string, repId: string): Promise<void> {
    await this.sql.run('UPDATE queues SET cursor_rep_id = ? WHERE id = ?', repId, queueId);
  }
  async queueIdsOfAgent(repId: string): Promise<string[]> {
    return (await this.sql.all('SELECT queue_id FROM queue_agents WHERE rep_id = ?', repId)).map((r) => r.queue_id as string);
  }

  async insertTransfer(t: TransferRow, targetRepIds: readonly string[]): Promise<void> {
    await this.sql.run(
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
    for (const repId of targetRepIds)
      await this.sql.run('INSERT INTO transfer_targets (transfer_id, rep_id) VALUES (?, ?)', t.id, repId);
  }
  async findTransfer(id: string): Promise<TransferRow | undefined> {
    const r = await this.sql.get('SELECT * FROM transfers WHERE id = ?', id);
    return r && toTransfer(r);
  }
  async findPendingTransferOfSession(sessionId: string): Promise<TransferRow | undefined> {
    const r = await this.sql.get("SELECT * FROM transfers WHERE session_id = ? AND status = 'pending'", sessionId);
    return r && toTransfer(r);
  }
  async listPendingTransfers(): Promise<TransferRow[]> {
    return (await this.sql.all("SELECT * FROM transfers WHERE status = 'pending' ORDER BY created_at, rowid")).map(toTransfer);
  }
  async transferTargets(transferId: string): Promise<string[]> {
    return (await this.sql.all('SELECT rep_id FROM transfer_targets WHERE transfer_id = ?', transferId)).map(
      (r) => r.rep_id as string,
    );
  }
  async decideTransfer(
    id: string,
    status: Exclude<TransferStatus, 'pending'>,
    at: number,
    byRepId: string | null,
  ): Promise<boolean> {
    // The one conditional write that decides a race: of two accepts at once, one changes a row.
    return (
      (await this.sql.run(
        "UPDATE transfers SET status = ?, decided_at = ?, decided_by_rep_id = ? WHERE id = ? AND status = 'pending'",
        status,
        at,
        byRepId,
        id,
      )) === 1
    );
  }
  async updateTransfer(id: string, changes: Partial<Pick<TransferRow, 'position' | 'waitingLongAt'>>): Promise<void> {
    if (changes.position !== undefined)
      await this.sql.run('UPDATE transfers SET position = ? WHERE id = ?', changes.position, id);
    if (changes.waitingLongAt !== undefined) {
      await this.sql.run('UPDATE transfers SET waiting_long_at = ? WHERE id = ?', changes.waitingLongAt, id);
    }
  }

  async insertOffer(o: OfferRow): Promise<void> {
    await this.sql.run(
      `INSERT INTO transfer_offers (transfer_id, rep_id, kind, offered_at, expires_at, status) VALUES (?, ?, ?, ?, ?, 'open')`,
      o.transferId,
      o.repId,
      o.kind,
      o.offeredAt,
      o.expiresAt,
    );
  }
  async listOffers(transferId: string): Promise<OfferRow[]> {
    return (
      await this.sql.all('SELECT * FROM transfer_offers WHERE transfer_id = ? ORDER BY offered_at, rep_id', transferId)
    ).map(toOffer);
  }
  async listOpenOffersOfRep(repId: string): Promise<OfferRow[]> {
    return (
      await this.sql.all(
        "SELECT * FROM transfer_offers WHERE rep_id = ? AND status = 'open' ORDER BY offered_at, transfer_id",
        repId,
      )
    ).map(toOffer);
  }
  async closeOffer(transferId: string, repId: string, status: Exclude<OfferStatus, 'open'>, at: number): Promise<boolean> {
    return (
      (await this.sql.run(
        "UPDATE transfer_offers SET status = ?, closed_at = ? WHERE transfer_id = ? AND rep_id = ? AND status = 'open'",
        status,
        at,
        transferId,
        repId,
      )) === 1
    );
  }
  async closeOpenOffers(transferId: string, status: Exclude<OfferStatus, 'open'>, at: number): Promise<string[]> {
    const open = await this.sql.all("SELECT rep_id FROM transfer_offers WHERE transfer_id = ? AND status = 'open'", transferId);
    await this.sql.run(
      "UPDATE transfer_offers SET status = ?, closed_at = ? WHERE transfer_id = ? AND status = 'open'",
      status,
      at,
      transferId,
    );
    return open.map((r) => r.rep_id as string);
  }
}
