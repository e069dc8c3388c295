import * as v from 'valibot';
import { OpaqueId, PeerId, SessionNumber } from './ids';
import { hasBidiControls, hasControlCharacters, hasVisibleCharacters } from './text';
import { TransferTarget } from './acd';

/** Shapes of the broker's REST API (see docs/architecture.md, "Public API"). */

/** A person's name as others will see it: one line, no direction tricks, something visible. */
export const DisplayName = v.pipe(
  v.string(),
  v.maxLength(400, 'A name has at most 80 characters'),
  v.transform((name) => name.normalize('NFC')),
  v.trim(),
  v.minLength(1, 'Please enter a name'),
  v.maxLength(80, 'A name has at most 80 characters'),
  v.check((name) => !hasControlCharacters(name), 'A name must be on one line, without control characters'),
  v.check((name) => !hasBidiControls(name), 'A name must not contain characters that change the text direction'),
  v.check(hasVisibleCharacters, 'Please enter a name with visible letters or digits'),
);

export const LoginRequest = v.object({
  email: v.pipe(v.string(), v.trim(), v.toLowerCase(), v.email('Please enter a valid email address'), v.maxLength(254)),
  password: v.pipe(v.string(), v.minLength(1, 'Please enter your password'), v.maxLength(256)),
});
export type LoginRequest = v.InferInput<typeof LoginRequest>;

export const RepMode = v.picklist(['single', 'multi']);

export const Rep = v.object({
  id: OpaqueId,
  email: v.string(),
  name: v.string(),
  isAdmin: v.boolean(),
  isAgent: v.boolean(),
  maxCustomers: v.number(),
  mode: RepMode,
});
export type Rep = v.InferOutput<typeof Rep>;

export const LoginResponse = v.object({
  token: v.string(),
  rep: Rep,
  /**
   * When this sign-in ends at the latest (REP_TOKEN_MAX_HOURS); unused for REP_TOKEN_IDLE_HOURS it ends
   * sooner. Absent from brokers older than issue 10.
   */
  expiresAt: v.optional(v.number()),
});
export type LoginResponse = v.InferOutput<typeof LoginResponse>;

export const MeResponse = v.object({ rep: Rep });

export const Role = v.picklist(['controller', 'assistant', 'customer']);
export type Role = v.InferOutput<typeof Role>;

/** The session's reps: the controller and assistants (everyone but customers). */
export const isRepRole = (role: string | undefined) => role === 'controller' || role === 'assistant';

export const IceServer = v.object({
  urls: v.union([v.string(), v.array(v.string())]),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});
export type IceServer = v.InferOutput<typeof IceServer>;

/** 'relay' makes browsers use TURN only (locked-down networks; the relay e2e test). */
export const IceTransportPolicy = v.picklist(['all', 'relay']);
export type IceTransportPolicy = v.InferOutput<typeof IceTransportPolicy>;

/**
 * How a participant's browser reaches its peers. With TURN_SECRET the TURN entries carry credentials
 * made for this participant that stop working at `expiresAt` (ms); clients fetch fresh ones before
 * then from GET /api/sessions/:id/ice. null ⇒ nothing expires.
 */
export const IceConfig = v.object({
  iceServers: v.array(IceServer),
  iceTransportPolicy: IceTransportPolicy,
  expiresAt: v.nullable(v.number()),
});
export type IceConfig = v.InferOutput<typeof IceConfig>;

/** What a participant needs to take part: its identity on the peer mesh and its secret. */
export const Self = v.object({
  participantId: OpaqueId,
  role: Role,
  name: v.string(),
  peerId: PeerId,
  /** Secret of this participant: PeerServer token, events-socket and API bearer for customers. */
  peerToken: v.string(),
  iceServers: v.array(IceServer),
  /** Absent from brokers older than issue 15 (then 'all'). */
  iceTransportPolicy: v.optional(IceTransportPolicy),
  /** When TURN credentials in iceServers stop working (ms); absent or null ⇒ never. */
  iceExpiresAt: v.optional(v.nullable(v.number())),
  /** MAX_FILE_MB: the largest file sent in this session (absent from brokers older than issue 14: 2048). */
  maxFileMb: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65_536))),
});
export type Self = v.InferOutput<typeof Self>;

/**
 * Why a participant is no longer in the session: they left, the controller removed them, they were
 * offline longer than the broker's grace period, or the session ended.
 */
export const LeftReason = v.picklist(['left', 'removed', 'timeout', 'ended']);
export type LeftReason = v.InferOutput<typeof LeftReason>;

export const Participant = v.object({
  id: OpaqueId,
  role: Role,
  name: v.string(),
  peerId: PeerId,
  joinedAt: v.number(),
  /** null while the participant is in the session. */
  leftAt: v.nullable(v.number()),
  /** Set with leftAt. */
  leftReason: v.optional(v.nullable(LeftReason)),
});
export type Participant = v.InferOutput<typeof Participant>;

export const SessionStatus = v.picklist(['live', 'ended']);

export const Session = v.object({
  id: OpaqueId,
  number: v.string(),
  status: SessionStatus,
  createdAt: v.number(),
  endedAt: v.nullable(v.number()),
  /** The customer link; only present for the session's reps. */
  joinUrl: v.optional(v.string()),
});
export type Session = v.InferOutput<typeof Session>;

export const CreateSessionResponse = v.object({ session: Session, self: Self });
export type CreateSessionResponse = v.InferOutput<typeof CreateSessionResponse>;

/** A customer on the support site asking to join by number, as the session's reps see it. */
export const Knock = v.object({ waitId: OpaqueId, name: v.string(), createdAt: v.number(), expiresAt: v.number() });
export type Knock = v.InferOutput<typeof Knock>;

/** One hand-over of control, for the timeline ("Ann passed control to Bob"). */
export const ControlChange = v.object({
  from: OpaqueId,
  to: OpaqueId,
  at: v.number(),
  epoch: v.pipe(v.number(), v.integer(), v.minValue(1)),
});
export type ControlChange = v.InferOutput<typeof ControlChange>;

/** A transfer of the session still looking for an agent, as its participants see it. */
export const PendingTransfer = v.object({
  id: OpaqueId,
  target: TransferTarget,
  startedAt: v.number(),
  /** Place in the queue's line (1: next); null until known or for named agents. */
  position: v.nullable(v.number()),
  /** The queue wait limit passed without an agent. */
  waitingLong: v.boolean(),
});
export type PendingTransfer = v.InferOutput<typeof PendingTransfer>;

export const TransferOutcome = v.picklist(['accepted', 'cancelled', 'taken-back', 'abandoned']);
export type TransferOutcome = v.InferOutput<typeof TransferOutcome>;

/** One transfer of the session, for the timeline ("Ann is transferring…", "Bob is now helping"). */
export const TransferRecord = v.object({
  id: OpaqueId,
  /** The transferring rep's entry (they left as it started). */
  from: OpaqueId,
  target: TransferTarget,
  startedAt: v.number(),
  endedAt: v.nullable(v.number()),
  outcome: v.nullable(TransferOutcome),
  /** Who controls the session since (null while pending, or abandoned). */
  controllerId: v.nullable(OpaqueId),
});
export type TransferRecord = v.InferOutput<typeof TransferRecord>;

/** GET /api/sessions/:id — everything a client needs to render a session, and where its event log stands. */
export const SessionDetail = v.object({
  session: Session,
  participants: v.array(Participant),
  /** Sequence number of the newest event; subscribe to /api/events from here. */
  lastSeq: v.number(),
  /** The caller's own participant entry (with secrets) when the caller takes part. */
  self: v.optional(Self),
  /** For the session's reps: customers waiting to be admitted right now (later ones arrive as events). */
  knocks: v.optional(v.array(Knock)),
  /** The customer the controller is helping now (null: nobody chosen yet). */
  activeCustomerId: v.optional(v.nullable(OpaqueId)),
  /** Participants the broker hears from right now (an events socket with a fresh heartbeat). */
  online: v.optional(v.array(OpaqueId)),
  /** How many times control has changed hands (0: never); `control-changed` events carry the next values. */
  controlEpoch: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /** Every hand-over so far, oldest first (the timeline tells them after a reload too). */
  controlChanges: v.optional(v.pipe(v.array(ControlChange), v.maxLength(10_000))),
  /** A WebACD transfer under way (nobody controls the session until it ends); later news arrives as events. */
  transfer: v.optional(v.nullable(PendingTransfer)),
  /** Every transfer so far, oldest first (the timeline tells them after a reload too). */
  transfers: v.optional(v.pipe(v.array(TransferRecord), v.maxLength(10_000))),
});
export type SessionDetail = v.InferOutput<typeof SessionDetail>;

export const SessionList = v.object({ sessions: v.array(Session) });
export type SessionList = v.InferOutput<typeof SessionList>;

/** Languages the broker writes invitation emails in. */
export const MailLocale = v.picklist(['en', 'ru']);
export type MailLocale = v.InferOutput<typeof MailLocale>;

export const InviteRole = v.picklist(['customer', 'rep']);
export type InviteRole = v.InferOutput<typeof InviteRole>;

/** Any address RFC 5322 allows in practice (O'Brien included), and no line breaks: it reaches mail headers. */
export const EmailAddress = v.pipe(
  v.string(),
  v.trim(),
  v.rfcEmail('Please enter a valid email address'),
  v.maxLength(254, 'An email address has at most 254 characters'),
);

/**
 * POST /api/sessions/:id/invites. `send`: "client" = words the email for the rep's own mail program
 * (mailto), "server" = the broker sends it over SMTP, "none" = just the link (copied into a messenger).
 */
export const CreateInviteRequest = v.pipe(
  v.object({
    role: InviteRole,
    email: v.optional(EmailAddress),
    send: v.picklist(['server', 'client', 'none']),
    /** Language of the email; English when absent. */
    locale: v.optional(MailLocale),
  }),
  v.check((r) => r.send !== 'server' || r.email !== undefined, 'Please enter the email address to send the invitation to'),
);
export type CreateInviteRequest = v.InferInput<typeof CreateInviteRequest>;

export const InviteMail = v.object({ to: v.string(), subject: v.string(), text: v.string(), mailto: v.string() });
export type InviteMail = v.InferOutput<typeof InviteMail>;

export const CreateInviteResponse = v.object({
  invite: v.object({ id: OpaqueId, role: InviteRole, url: v.string(), expiresAt: v.number() }),
  /** The worded invitation (send "client" and "server"); `mailto` opens it in the rep's mail program. */
  mail: v.optional(InviteMail),
  /** True once the broker's mail server accepted the message (send "server"). */
  sent: v.optional(v.boolean()),
});
export type CreateInviteResponse = v.InferOutput<typeof CreateInviteResponse>;

export const InviteChannel = v.picklist(['link', 'server', 'client', 'none']);

/** One invitation as the session's reps see it: who made it, when, how it went out, whether it still admits. */
export const InviteSummary = v.object({
  id: OpaqueId,
  role: InviteRole,
  /** "link" is the session's own customer link. */
  channel: InviteChannel,
  email: v.nullable(v.string()),
  createdBy: v.string(),
  createdAt: v.number(),
  expiresAt: v.number(),
  revokedAt: v.nullable(v.number()),
});
export type InviteSummary = v.InferOutput<typeof InviteSummary>;

/** GET /api/sessions/:id/invites, newest first. */
export const InviteList = v.object({ invites: v.array(InviteSummary) });

/**
 * POST /api/sessions/:id/invites/revoke: one invite, or (no inviteId) every outstanding one. Revoking
 * the session's own link gives the session a new one, returned in `session.joinUrl`.
 */
export const RevokeInvitesRequest = v.object({ inviteId: v.optional(OpaqueId) });
export type RevokeInvitesRequest = v.InferInput<typeof RevokeInvitesRequest>;

/** GET /api/capabilities (no sign-in): what this broker offers, so clients can explain what they can't do. */
export const Capabilities = v.object({
  /** SMTP_URL is set: the broker can send invitation emails itself. */
  serverMail: v.boolean(),
  inviteTtlHours: v.number(),
  /** The support site where customers join by session number. */
  siteUrl: v.string(),
  /** ORG_NAME: the support organisation, named to customers. Absent when not configured (or an older broker). */
  orgName: v.optional(v.pipe(v.string(), v.maxLength(80))),
});
export type Capabilities = v.InferOutput<typeof Capabilities>;

const InviteToken = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/, 'This invitation link is not valid'));

/** POST /api/invites/check: where a link leads, before joining (the join page greets or explains). */
export const CheckInviteRequest = v.object({ invite: InviteToken });
export const CheckInviteResponse = v.object({
  invite: v.object({
    role: InviteRole,
    repName: v.string(),
    expiresAt: v.number(),
    /** Only for rep invites: the colleague may type it into "Assist in a session". */
    sessionNumber: v.optional(v.string()),
  }),
});
export type CheckInviteResponse = v.InferOutput<typeof CheckInviteResponse>;

export const JoinRequest = v.object({
  invite: InviteToken,
  name: DisplayName,
});
export type JoinRequest = v.InferInput<typeof JoinRequest>;

/**
 * `detail` is what `GET /api/sessions/:id` would answer the new participant (issue 6: the join page
 * starts the session from it, one round trip sooner). Optional: an older broker leaves it out.
 */
export const JoinResponse = v.object({ sessionId: OpaqueId, self: Self, detail: v.optional(SessionDetail) });
export type JoinResponse = v.InferOutput<typeof JoinResponse>;

/** POST /api/assist (rep bearer): a colleague follows a rep invite and joins as assistant. */
export const AssistRequest = v.object({ invite: InviteToken });
export type AssistRequest = v.InferInput<typeof AssistRequest>;

/** POST /api/join-by-number: a customer on the support site knocks; the controller admits or declines. */
export const JoinByNumberRequest = v.object({ number: SessionNumber, name: DisplayName });
export type JoinByNumberRequest = v.InferInput<typeof JoinByNumberRequest>;

export const JoinByNumberResponse = v.object({
  /** Names the knock for the reps (admit/decline). */
  waitId: OpaqueId,
  /** The knocking customer's secret: asks how the wait stands and, once admitted, receives `self`. */
  waitToken: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/)),
  expiresAt: v.number(),
});
export type JoinByNumberResponse = v.InferOutput<typeof JoinByNumberResponse>;

/**
 * POST /api/join-by-number/status {waitToken, waitMs?}: answers at once when the wait is decided,
 * otherwise holds the request up to waitMs (long poll) for a decision.
 */
export const WaitStatusRequest = v.object({
  waitToken: JoinByNumberResponse.entries.waitToken,
  waitMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(25_000))),
});
export type WaitStatusRequest = v.InferInput<typeof WaitStatusRequest>;

export const WaitStatus = v.variant('status', [
  v.object({ status: v.literal('waiting'), expiresAt: v.number() }),
  v.object({ status: v.literal('admitted'), sessionId: OpaqueId, self: Self }),
  v.object({ status: v.picklist(['declined', 'expired', 'cancelled', 'ended']) }),
]);
export type WaitStatus = v.InferOutput<typeof WaitStatus>;

/** POST /api/join-by-number/cancel {waitToken}: the customer gives up waiting. */
export const CancelWaitRequest = v.object({ waitToken: JoinByNumberResponse.entries.waitToken });

/** POST /api/sessions/:id/admit and /decline (controller only). */
export const DecideWaitRequest = v.object({ waitId: OpaqueId });
export type DecideWaitRequest = v.InferInput<typeof DecideWaitRequest>;

/** POST /api/sessions/:id/active-customer (controller only): help this customer now; every share stops. */
export const SetActiveCustomerRequest = v.object({ participantId: OpaqueId });
export type SetActiveCustomerRequest = v.InferInput<typeof SetActiveCustomerRequest>;

/**
 * POST /api/sessions/:id/remove (controller only): the participant is out at once; their tokens stop
 * working and their page says they were removed.
 */
export const RemoveParticipantRequest = v.object({ participantId: OpaqueId });
export type RemoveParticipantRequest = v.InferInput<typeof RemoveParticipantRequest>;

/**
 * POST /api/sessions/:id/control (controller only): hand control to an assistant who is in the session.
 * The caller becomes an assistant; every running activity stops (`control-changed`).
 */
export const PassControlRequest = v.object({ participantId: OpaqueId });
export type PassControlRequest = v.InferInput<typeof PassControlRequest>;
export const PassControlResponse = v.object({ ok: v.literal(true), controlEpoch: v.number() });

/** What calls that only do something answer. */
export const Ok = v.object({ ok: v.literal(true) });

/** Bounds of what a rep and a customer write after a session (issue 17). Never chat content. */
export const SUMMARY_NOTES_MAX_CHARS = 4000;
export const TICKET_MAX_CHARS = 100;
export const RATING_COMMENT_MAX_CHARS = 1000;

/**
 * POST /api/sessions/:id/summary (the rep who controlled the session at its end, once it has ended):
 * notes and an optional ticket reference, saved with the session (again = replaced).
 */
export const SessionSummaryRequest = v.object({
  notes: v.pipe(v.string(), v.maxLength(SUMMARY_NOTES_MAX_CHARS, 'The notes are too long')),
  ticket: v.optional(v.pipe(v.string(), v.maxLength(TICKET_MAX_CHARS, 'The ticket reference is too long'))),
});
export type SessionSummaryRequest = v.InferInput<typeof SessionSummaryRequest>;

/** POST /api/sessions/:id/rating (a customer of the session, once it has ended): 1–5 and a comment. */
export const RatingRequest = v.object({
  score: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
  comment: v.optional(v.pipe(v.string(), v.maxLength(RATING_COMMENT_MAX_CHARS, 'The comment is too long'))),
});
export type RatingRequest = v.InferInput<typeof RatingRequest>;
export type Ok = v.InferOutput<typeof Ok>;

export const RevokeInvitesResponse = v.object({ revoked: v.number(), session: Session });
export type RevokeInvitesResponse = v.InferOutput<typeof RevokeInvitesResponse>;

export const SetActiveCustomerResponse = v.object({ ok: v.literal(true), activeCustomerId: OpaqueId });
export type SetActiveCustomerResponse = v.InferOutput<typeof SetActiveCustomerResponse>;

/** Every error the broker returns has this body, with a 4xx status. */
export const ApiErrorBody = v.object({ error: v.object({ code: v.string(), message: v.string() }) });
export type ApiErrorBody = v.InferOutput<typeof ApiErrorBody>;

/** Error codes clients act upon. */
export const ErrorCode = {
  badRequest: 'bad_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  inviteNotFound: 'invite_not_found',
  inviteExpired: 'invite_expired',
  sessionEnded: 'session_ended',
  tooLarge: 'too_large',
  rateLimited: 'rate_limited',
  unsupported: 'unsupported',
  conflict: 'conflict',
  mailFailed: 'mail_failed',
  waitExpired: 'wait_expired',
  /** The rep already helps as many customers as the admin allows (maxCustomers). */
  sessionFull: 'session_full',
  /** A single-mode rep already has a live session. */
  singleSession: 'single_session',
  /** The broker failed (500); the message says nothing more. */
  internal: 'internal',
} as const;

/** A code the broker answers with. */
export type BrokerErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
/**
 * Every code a client can meet and switch on: the broker's, `network` (broker not reached),
 * `bad_response` (an answer that fails its schema) and `http_<status>` (an error without our body).
 */
export type ErrorCode = BrokerErrorCode | 'network' | 'bad_response' | `http_${number}`;

const brokerCodes = new Set<string>(Object.values(ErrorCode));
export const isBrokerErrorCode = (code: string): code is BrokerErrorCode => brokerCodes.has(code);
