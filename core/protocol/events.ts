import * as v from 'valibot';
import { OpaqueId } from './ids';
import { Knock, LeftReason, Participant, RecordingState, TransferOutcome } from './api';
import { AgentStatus, OfferClosedReason, SentTransfer, TransferOffer, TransferTarget } from './acd';

/**
 * Session events: every change to a session is one of these, numbered per session (`seq` from 1),
 * stored by the broker and pushed over WS /api/events. A client that reconnects says where it stopped
 * and receives what it missed.
 */
export const KnockOutcome = v.picklist(['admitted', 'declined', 'cancelled', 'expired']);
export type KnockOutcome = v.InferOutput<typeof KnockOutcome>;

const base = { sessionId: OpaqueId, seq: v.pipe(v.number(), v.integer(), v.minValue(1)), at: v.number() };

export const SessionEvent = v.variant('type', [
  v.object({ ...base, type: v.literal('participant-joined'), participant: Participant }),
  /** `reason` absent means 'left' (events stored before reasons existed). */
  v.object({ ...base, type: v.literal('participant-left'), participantId: OpaqueId, reason: v.optional(LeftReason) }),
  v.object({ ...base, type: v.literal('session-ended') }),
  /** A customer on the support site asks to join by number (reps only see these). */
  v.object({ ...base, type: v.literal('knock'), knock: Knock }),
  /**
   * The controller now helps this customer (null: nobody). Every participant stops any share it runs:
   * a switch means the old screen is no longer the subject.
   */
  v.object({ ...base, type: v.literal('active-customer'), participantId: v.nullable(OpaqueId) }),
  /** A customer was turned away because the rep is at maxCustomers (reps only). */
  v.object({ ...base, type: v.literal('customer-refused'), name: v.string() }),
  /** The knock is over: admitted, declined, cancelled by the customer, or timed out (reps only). */
  v.object({ ...base, type: v.literal('knock-ended'), waitId: OpaqueId, outcome: KnockOutcome }),
  /**
   * Unusually many knocks on this session's number within a minute (reps only): someone may be
   * guessing numbers or flooding. Sent once per minute while it lasts; the knocks themselves still arrive.
   */
  v.object({ ...base, type: v.literal('many-knocks'), count: v.number() }),
  /**
   * Control passed from one rep to another (`from` becomes an assistant, `to` the controller). `epoch`
   * goes up by one on every change, so a client that reloads or reconnects converges on the newest.
   * Every participant stops every running activity (shares, files, video, recording; not voice).
   */
  v.object({
    ...base,
    type: v.literal('control-changed'),
    from: OpaqueId,
    to: OpaqueId,
    epoch: v.pipe(v.number(), v.integer(), v.minValue(1)),
  }),
  /**
   * The controller (`from`, who leaves at once) transferred the session to WebACD agents or a queue.
   * Until `transfer-ended` nobody controls it; customers are told they are being transferred. Every
   * running activity stops, as on a change of control.
   */
  v.object({ ...base, type: v.literal('transfer-started'), transferId: OpaqueId, from: OpaqueId, target: TransferTarget }),
  /** The session's place among the queue's waiting sessions (1: next), whenever it changes. */
  v.object({
    ...base,
    type: v.literal('transfer-position'),
    transferId: OpaqueId,
    position: v.pipe(v.number(), v.integer(), v.minValue(1)),
  }),
  /** The queue found nobody within QUEUE_WAIT_LIMIT_SECONDS: the customer may keep waiting or leave. */
  v.object({ ...base, type: v.literal('transfer-waiting-long'), transferId: OpaqueId }),
  /**
   * The transfer is over: an agent accepted, the transferring rep cancelled or took the session back
   * (`controllerId` is the new controller's entry, who joined just before), or every customer left.
   */
  v.object({
    ...base,
    type: v.literal('transfer-ended'),
    transferId: OpaqueId,
    outcome: TransferOutcome,
    controllerId: v.nullable(OpaqueId),
  }),
  /**
   * Recording started (`recording` = who and since when) or stopped (null) — by the controller, or by the
   * broker itself when control passes, on a transfer and at the end (`reason`). Customers are told in
   * their words before the first frame is recorded.
   */
  v.object({
    ...base,
    type: v.literal('recording'),
    recording: RecordingState,
    reason: v.optional(v.picklist(['stopped', 'control', 'transfer', 'ended'])),
  }),
]);

/** Event types only the session's reps receive: customers never learn who else knocked. */
export const repOnlyEventTypes: ReadonlySet<string> = new Set(['knock', 'knock-ended', 'customer-refused', 'many-knocks']);
export type SessionEvent = v.InferOutput<typeof SessionEvent>;
export type SessionEventType = SessionEvent['type'];

/** Client → broker on /api/events. The first message must be `hello`. */
export const EventsClientMessage = v.variant('type', [
  v.object({
    type: v.literal('hello'),
    /** A rep token, or a participant's peerToken. */
    token: v.pipe(v.string(), v.maxLength(256)),
    /** Last sequence number seen per session id; events after it are replayed. */
    since: v.optional(v.record(OpaqueId, v.pipe(v.number(), v.integer(), v.minValue(0)))),
    /**
     * 'rep': a rep's socket for what concerns the rep, not a session (WebACD offers and state): it follows
     * no session and stands for no participant. Default 'sessions'.
     */
    scope: v.optional(v.picklist(['sessions', 'rep'])),
  }),
  /** Ask for replay of a session the client learned about after hello (e.g. a rep starting a session). */
  v.object({
    type: v.literal('follow'),
    sessionId: OpaqueId,
    since: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  /** Heartbeat: the broker answers `pong`, so a client learns within seconds that its socket is dead. */
  v.object({ type: v.literal('ping') }),
]);
export type EventsClientMessage = v.InferOutput<typeof EventsClientMessage>;

/** Broker → client on /api/events. */
export const EventsServerMessage = v.variant('type', [
  v.object({ type: v.literal('ready'), sessionIds: v.array(OpaqueId) }),
  v.object({ type: v.literal('event'), event: SessionEvent }),
  v.object({ type: v.literal('error'), code: v.string(), message: v.string() }),
  v.object({ type: v.literal('pong') }),
  /**
   * Who in a followed session the broker hears from right now (not a stored event: presence is a
   * reading, not a change). Sent after `ready` for every followed session, then whenever it changes.
   */
  v.object({ type: v.literal('presence'), sessionId: OpaqueId, online: v.array(OpaqueId) }),
  /**
   * To a rep: their WebACD standing, whole, after hello and whenever it changes — their status (null when
   * not an agent), the sessions offered to them, the transfers they started that are still open.
   */
  v.object({
    type: v.literal('acd'),
    status: v.nullable(AgentStatus),
    offers: v.array(TransferOffer),
    sent: v.array(SentTransfer),
  }),
  /** To a rep: an offer they had is gone, and why ("taken by Bob"). */
  v.object({
    type: v.literal('offer-closed'),
    transferId: OpaqueId,
    sessionNumber: v.string(),
    reason: OfferClosedReason,
    by: v.nullable(v.string()),
  }),
]);
export type EventsServerMessage = v.InferOutput<typeof EventsServerMessage>;

/**
 * WebSocket close codes the broker uses on /api/events. `unauthorized` also closes sockets whose
 * credential was revoked (sign-out, removal, an admin's revoke-tokens); the reason says which.
 */
export const EventsCloseCode = { unauthorized: 4401, badMessage: 4400 } as const;

/** How often clients ping the events socket, and after how long without an answer it counts as dead. */
export const EVENTS_HEARTBEAT = { intervalMs: 3_000, deadAfterMs: 8_000 } as const;
