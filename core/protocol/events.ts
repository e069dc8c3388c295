import * as v from 'valibot';
import { OpaqueId } from './ids';
import { Knock, Participant } from './api';

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
  v.object({ ...base, type: v.literal('participant-left'), participantId: OpaqueId }),
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
]);

/** Event types only the session's reps receive: customers never learn who else knocked. */
export const repOnlyEventTypes: ReadonlySet<string> = new Set(['knock', 'knock-ended', 'customer-refused']);
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
  }),
  /** Ask for replay of a session the client learned about after hello (e.g. a rep starting a session). */
  v.object({
    type: v.literal('follow'),
    sessionId: OpaqueId,
    since: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
]);
export type EventsClientMessage = v.InferOutput<typeof EventsClientMessage>;

/** Broker → client on /api/events. */
export const EventsServerMessage = v.variant('type', [
  v.object({ type: v.literal('ready'), sessionIds: v.array(OpaqueId) }),
  v.object({ type: v.literal('event'), event: SessionEvent }),
  v.object({ type: v.literal('error'), code: v.string(), message: v.string() }),
]);
export type EventsServerMessage = v.InferOutput<typeof EventsServerMessage>;

/** WebSocket close codes the broker uses on /api/events. */
export const EventsCloseCode = { unauthorized: 4401, badMessage: 4400 } as const;
