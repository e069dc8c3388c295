import type { Role } from '../../core/protocol';
import type { AcdStore } from './acdTypes';

/**
 * The broker's persistence, as one interface: every SQL statement lives behind it, on SQLite (embedded,
 * the default) or PostgreSQL (DATABASE_URL, several brokers). Every method is async.
 * Times are epoch milliseconds. Secrets are never stored: only SHA-256 hashes of tokens.
 */
export interface Store {
  /**
   * Runs fn in one transaction. `tx` is the store bound to it: everything fn reads and writes goes
   * through tx (using the store itself inside throws). The events and audit entries written through tx
   * are its outbox: `onCommitted` listeners get them once it commits; a rollback publishes nothing.
   * On a tx, joins it.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Hears each committed transaction's outbox (events in sequence order), once. */
  onCommitted(listener: (outbox: Outbox) => void): () => void;

  insertRep(rep: RepRow): Promise<void>;
  findRepById(id: string): Promise<RepRow | undefined>;
  findRepByEmail(email: string): Promise<RepRow | undefined>;
  hasAdmin(): Promise<boolean>;
  /** Changes a rep's admin-set fields; the others stay as they are. */
  updateRep(id: string, changes: RepChanges): Promise<void>;
  /** Disables (at) or enables (null) a rep. */
  setRepDisabled(id: string, at: number | null): Promise<void>;
  setRepPasswordHash(id: string, passwordHash: string): Promise<void>;
  /** Reps disabled at a time in (from, to] and still disabled. */
  listRepsDisabledBetween(from: number, to: number): Promise<{ repId: string; disabledAt: number }[]>;

  insertRepToken(token: { tokenHash: string; repId: string; createdAt: number; expiresAt: number }): Promise<void>;
  /** A rep token in any state (revoked, expired) with its rep; the caller decides what it is worth. */
  findRepToken(tokenHash: string): Promise<{ token: RepTokenRow; rep: RepRow } | undefined>;
  /** A use of a working token: last used `at`, expiring at `expiresAt` unless it expired later already. False when it no longer works. */
  renewRepToken(tokenHash: string, at: number, expiresAt: number): Promise<boolean>;
  revokeRepToken(tokenHash: string, at: number): Promise<void>;
  /** Revokes every working token of the rep; returns how many. */
  revokeRepTokensOfRep(repId: string, at: number): Promise<number>;
  /** Does the rep, not disabled, have a token that is neither revoked nor expired at `at`? */
  hasLiveRepToken(repId: string, at: number): Promise<boolean>;
  /** Tokens from before expiry existed (no expiry yet): last used `at`, expiring at `expiresAt`. Returns how many. */
  startRepTokenClocks(at: number, expiresAt: number): Promise<number>;
  /** Tokens that stopped working at a time in (from, to]: revoked then, or expired then unrevoked. */
  listRepTokensEndedBetween(from: number, to: number): Promise<{ tokenHash: string; repId: string }[]>;

  insertSession(session: SessionRow): Promise<void>;
  findSession(id: string): Promise<SessionRow | undefined>;
  isLiveNumberTaken(number: string): Promise<boolean>;
  /** Live sessions where the rep is a participant who has not left, newest first. */
  listLiveSessionsOfRep(repId: string): Promise<SessionRow[]>;
  /** Every session the rep has ever been a participant of. */
  listSessionIdsOfRep(repId: string): Promise<string[]>;
  /** Marks the session ended, every participant left (reason 'ended'), every invite revoked. */
  endSession(id: string, at: number): Promise<void>;
  /** Live sessions where the rep is the controller (and has not left), newest first. */
  listLiveSessionsControlledBy(repId: string): Promise<SessionRow[]>;
  /**
   * Control passes: `fromId` becomes an assistant, `toId` the controller, the session's control epoch goes
   * up by one. Returns the new epoch. Call inside a transaction, after checking both roles there.
   */
  passControl(sessionId: string, fromId: string, toId: string): Promise<number>;
  /** Records the customer the controller helps now (null: nobody). */
  setActiveCustomer(sessionId: string, participantId: string | null): Promise<void>;

  insertParticipant(participant: ParticipantRow): Promise<void>;
  findParticipant(id: string): Promise<ParticipantRow | undefined>;
  findParticipantByTokenHash(tokenHash: string): Promise<ParticipantRow | undefined>;
  findParticipantByPeerId(peerId: string): Promise<ParticipantRow | undefined>;
  /** The rep's participant entries in a session, the current one (not left) first. */
  findRepParticipants(sessionId: string, repId: string): Promise<ParticipantRow[]>;
  listParticipants(sessionId: string): Promise<ParticipantRow[]>;
  /** Customers in the session who have not left. */
  countCurrentCustomers(sessionId: string): Promise<number>;
  /** Participants of live sessions who have not left (the presence grace clock starts for them at boot). */
  listPresentParticipants(): Promise<ParticipantRow[]>;
  /** Marks a participant out of the session (no-op when already out); false when nothing changed. */
  markParticipantLeft(id: string, at: number, reason: LeftReason): Promise<boolean>;
  setParticipantTokenHash(id: string, tokenHash: string): Promise<void>;

  insertInvite(invite: InviteRow): Promise<void>;
  findInvite(id: string): Promise<InviteRow | undefined>;
  findInviteByTokenHash(tokenHash: string): Promise<InviteRow | undefined>;
  /** A session's invites, newest first. */
  listInvites(sessionId: string): Promise<InviteRow[]>;
  /** Revokes invites of a session that still admit at `at`, its own link included whatever its expiry (one, or all when inviteId is absent); returns their ids. */
  revokeInvites(sessionId: string, at: number, inviteId?: string): Promise<string[]>;
  /** Points the session's customer link at another invite. */
  setSessionLinkInvite(sessionId: string, inviteId: string): Promise<void>;
  /** The live session with this number, if any. */
  findLiveSessionByNumber(number: string): Promise<SessionRow | undefined>;

  insertWait(wait: WaitRow): Promise<void>;
  findWait(id: string): Promise<WaitRow | undefined>;
  findWaitByTokenHash(tokenHash: string): Promise<WaitRow | undefined>;
  /** Moves a wait out of 'waiting'; false when it was no longer waiting (someone decided first). */
  decideWait(id: string, status: Exclude<WaitStatusValue, 'waiting'>, at: number, participantId?: string): Promise<boolean>;
  /** A session's waits still 'waiting' and not run out at `at`, oldest first. */
  listWaitingWaits(sessionId: string, at: number): Promise<WaitRow[]>;
  /** Waits of live sessions still 'waiting' whose time ran out by `at`. */
  listOverdueWaits(at: number): Promise<WaitRow[]>;

  /**
   * Stores an event with the session's next sequence number and returns that number: gap-free and in
   * commit order per session, with any number of writers (the session row's counter, locked by the write).
   */
  appendEvent(event: { sessionId: string; type: string; payload: object; at: number }): Promise<number>;
  eventsAfter(sessionId: string, seq: number): Promise<StoredEvent[]>;
  /** A session's events of one type, oldest first. */
  eventsOfType(sessionId: string, type: string): Promise<StoredEvent[]>;
  lastSeq(sessionId: string): Promise<number>;

  /** The controller's notes after the session (replaces earlier ones). */
  saveSummary(summary: SessionSummaryRow): Promise<void>;
  /** A customer's rating (replaces their earlier one). */
  saveRating(rating: RatingRow): Promise<void>;
  /** Sessions started at or after `since`, oldest first, with what the report shows. */
  listReport(since: number): Promise<ReportRow[]>;
  /** WebACD: agents' state, queues, transfers and offers. */
  readonly acd: AcdStore;
  /** The session's controlling rep now (a transfer hands it to another). */
  setSessionController(sessionId: string, repId: string): Promise<void>;

  audit(entry: AuditEntry): Promise<void>;
  listAudit(sessionId?: string): Promise<(AuditEntry & { id: number })[]>;

  close(): Promise<void>;
}

/** What a transaction wrote that others hear of after it commits. */
export interface Outbox {
  events: readonly StoredEvent[];
  audit: readonly AuditEntry[];
}

export type RepMode = 'single' | 'multi';

export interface RepRow {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  isAdmin: boolean;
  isAgent: boolean;
  maxCustomers: number;
  mode: RepMode;
  /** WebACD: at most this many live sessions at once; null: as the mode has it (single 1, multi any). */
  maxSessions: number | null;
  createdAt: number;
  /** Set while an admin has disabled the account: no sign-in, no tokens. */
  disabledAt: number | null;
}

/** A rep's sign-in. `expiresAt` moves with use (idle limit) but never past createdAt + the maximum. */
export interface RepTokenRow {
  tokenHash: string;
  repId: string;
  createdAt: number;
  revokedAt: number | null;
  /** Renewed at most once a minute; null only before the broker first started with expiry. */
  lastUsedAt: number | null;
  expiresAt: number | null;
}

/** What `set-rep` may change. */
export type RepChanges = Partial<Pick<RepRow, 'name' | 'maxCustomers' | 'mode' | 'isAgent' | 'maxSessions'>>;

export interface SessionRow {
  id: string;
  number: string;
  controllerRepId: string;
  status: 'live' | 'ended';
  createdAt: number;
  endedAt: number | null;
  /** The invite behind the session's customer link (re-derivable, see auth/tokens.ts). */
  linkInviteId: string | null;
  /** The customer the controller is helping now; null when nobody is chosen. */
  activeCustomerId: string | null;
  /** How many times control changed hands (0 when new; insertSession ignores it). */
  controlEpoch: number;
}

export interface ParticipantRow {
  id: string;
  sessionId: string;
  role: Role;
  name: string;
  repId: string | null;
  peerId: string;
  tokenHash: string;
  joinedAt: number;
  leftAt: number | null;
  /** Set with leftAt. */
  leftReason: LeftReason | null;
}

export type LeftReason = 'left' | 'removed' | 'timeout' | 'ended';

export type InviteRole = 'customer' | 'rep';
export type InviteChannel = 'link' | 'server' | 'client' | 'none';

export interface InviteRow {
  id: string;
  sessionId: string;
  role: InviteRole;
  tokenHash: string;
  createdByRepId: string;
  /** How the invite was handed out; 'link' is the session's own customer link. */
  channel: InviteChannel;
  email: string | null;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export type WaitStatusValue = 'waiting' | 'admitted' | 'declined' | 'cancelled' | 'expired';

/** A customer who entered a session number on the support site and waits for the controller. */
export interface WaitRow {
  id: string;
  sessionId: string;
  name: string;
  /** SHA-256 of the customer's wait token. */
  tokenHash: string;
  clientAddress: string | null;
  createdAt: number;
  expiresAt: number;
  status: WaitStatusValue;
  decidedAt: number | null;
  /** The customer's participant once admitted. */
  participantId: string | null;
}

export interface StoredEvent {
  sessionId: string;
  seq: number;
  type: string;
  payload: Record<string, unknown>;
  at: number;
}

/** Who did what and when — never what was said or shared. */
export interface SessionSummaryRow {
  sessionId: string;
  repId: string;
  notes: string;
  ticket: string | null;
  savedAt: number;
}

export interface RatingRow {
  sessionId: string;
  participantId: string;
  score: number;
  comment: string | null;
  ratedAt: number;
}

/** One line of `npm run admin -- report`. */
export interface ReportRow {
  sessionId: string;
  number: string;
  createdAt: number;
  endedAt: number | null;
  /** Who started it (email). */
  repEmail: string;
  /** Customers by name: someone who left and joined again with the link counts once. */
  customers: number;
  notes: string | null;
  ticket: string | null;
  ratings: { score: number; comment: string | null }[];
}

export interface AuditEntry {
  at: number;
  /** e.g. "rep:<id>", "participant:<id>", "email:<address>" for failed sign-ins. */
  actor: string;
  action: string;
  sessionId: string | null;
  detail: Record<string, unknown> | null;
}

export class DuplicateEmailError extends Error {
  override name = 'DuplicateEmailError';
  constructor(email: string) {
    super(`A rep with the email ${email} already exists`);
  }
}
