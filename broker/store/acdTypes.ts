import type { AgentState, QueueRouting } from '../../core/protocol';

/**
 * WebACD's persistence: agents' own state and limits, queues, transfers and the offers they make. Its
 * own interface beside `Store` (one concept per module); every call runs inside the caller's
 * transaction when it is a transaction's (`tx.acd`). Times are epoch milliseconds.
 */
export interface AcdStore {
  /** An agent's own state (sign-in resets it to available), and when it last changed. */
  agentState(repId: string): Promise<{ state: AgentState; since: number | null }>;
  setAgentState(repId: string, state: AgentState, at: number): Promise<void>;
  /** Reps the admin marked as WebACD agents, not disabled, by name. */
  listAgentIds(): Promise<string[]>;
  /** Live sessions the rep is in now (any role). */
  countLiveSessionsOfRep(repId: string): Promise<number>;
  /** When the rep last joined or left a session (most-idle routing); null: never. */
  lastSessionActivityOfRep(repId: string): Promise<number | null>;

  insertQueue(queue: QueueRow): Promise<void>;
  findQueue(id: string): Promise<QueueRow | undefined>;
  findQueueByName(name: string): Promise<QueueRow | undefined>;
  listQueues(): Promise<QueueRow[]>;
  updateQueue(id: string, changes: Partial<Pick<QueueRow, 'name' | 'routing'>>): Promise<void>;
  deleteQueue(id: string): Promise<void>;
  /** The queue's agents in the order the admin gave them (round robin follows it). */
  queueAgentIds(queueId: string): Promise<string[]>;
  setQueueAgents(queueId: string, repIds: readonly string[]): Promise<void>;
  /** Round robin: the agent offered last. */
  setQueueCursor(queueId: string, repId: string): Promise<void>;
  /** Queues the agent is in. */
  queueIdsOfAgent(repId: string): Promise<string[]>;

  insertTransfer(transfer: TransferRow, targetRepIds: readonly string[]): Promise<void>;
  findTransfer(id: string): Promise<TransferRow | undefined>;
  findPendingTransferOfSession(sessionId: string): Promise<TransferRow | undefined>;
  /** Every pending transfer, oldest first (queue order). */
  listPendingTransfers(): Promise<TransferRow[]>;
  transferTargets(transferId: string): Promise<string[]>;
  /** Moves a pending transfer to an outcome; false when it was no longer pending (someone decided first). */
  decideTransfer(id: string, status: Exclude<TransferStatus, 'pending'>, at: number, byRepId: string | null): Promise<boolean>;
  updateTransfer(id: string, changes: Partial<Pick<TransferRow, 'position' | 'waitingLongAt'>>): Promise<void>;

  insertOffer(offer: OfferRow): Promise<void>;
  listOffers(transferId: string): Promise<OfferRow[]>;
  /** Offers open to the rep, oldest first. */
  listOpenOffersOfRep(repId: string): Promise<OfferRow[]>;
  /** Closes one open offer; false when it was not open (taken, withdrawn, expired meanwhile). */
  closeOffer(transferId: string, repId: string, status: Exclude<OfferStatus, 'open'>, at: number): Promise<boolean>;
  /** Closes every open offer of the transfer; returns whose they were. */
  closeOpenOffers(transferId: string, status: Exclude<OfferStatus, 'open'>, at: number): Promise<string[]>;
}

export interface QueueRow {
  id: string;
  name: string;
  routing: QueueRouting;
  createdAt: number;
  /** Round robin: the agent offered last. */
  cursorRepId: string | null;
}

export type TransferStatus = 'pending' | 'accepted' | 'cancelled' | 'taken-back' | 'abandoned';

export interface TransferRow {
  id: string;
  sessionId: string;
  fromRepId: string;
  fromParticipantId: string;
  /** Null for a transfer to named agents (or when the queue was removed meanwhile). */
  queueId: string | null;
  /** The queue's name as it was, for people reading the transfer. */
  queueName: string | null;
  message: string;
  createdAt: number;
  status: TransferStatus;
  decidedAt: number | null;
  decidedByRepId: string | null;
  /** Last place in the queue's line told to the session. */
  position: number | null;
  /** When the queue wait limit passed without an agent. */
  waitingLongAt: number | null;
}

export type OfferStatus = 'open' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

export interface OfferRow {
  transferId: string;
  repId: string;
  /** 'take-back': offered to the rep who transferred, once every named agent declined. */
  kind: 'agent' | 'take-back';
  offeredAt: number;
  /** Null: open until someone takes the session. */
  expiresAt: number | null;
  status: OfferStatus;
  closedAt: number | null;
}
