import * as v from 'valibot';
import { OpaqueId, PeerId } from './ids';

/** Shapes of the broker's REST API (see docs/architecture.md, "Public API"). */

export const DisplayName = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'Please enter a name'),
  v.maxLength(80, 'A name has at most 80 characters'),
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

export const LoginResponse = v.object({ token: v.string(), rep: Rep });
export type LoginResponse = v.InferOutput<typeof LoginResponse>;

export const MeResponse = v.object({ rep: Rep });

export const Role = v.picklist(['controller', 'assistant', 'customer']);
export type Role = v.InferOutput<typeof Role>;

export const IceServer = v.object({
  urls: v.union([v.string(), v.array(v.string())]),
  username: v.optional(v.string()),
  credential: v.optional(v.string()),
});
export type IceServer = v.InferOutput<typeof IceServer>;

/** What a participant needs to take part: its identity on the peer mesh and its secret. */
export const Self = v.object({
  participantId: OpaqueId,
  role: Role,
  name: v.string(),
  peerId: PeerId,
  /** Secret of this participant: PeerServer token, events-socket and API bearer for customers. */
  peerToken: v.string(),
  iceServers: v.array(IceServer),
});
export type Self = v.InferOutput<typeof Self>;

export const Participant = v.object({
  id: OpaqueId,
  role: Role,
  name: v.string(),
  peerId: PeerId,
  joinedAt: v.number(),
  /** null while the participant is in the session. */
  leftAt: v.nullable(v.number()),
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

/** GET /api/sessions/:id — everything a client needs to render a session, and where its event log stands. */
export const SessionDetail = v.object({
  session: Session,
  participants: v.array(Participant),
  /** Sequence number of the newest event; subscribe to /api/events from here. */
  lastSeq: v.number(),
  /** The caller's own participant entry (with secrets) when the caller takes part. */
  self: v.optional(Self),
});
export type SessionDetail = v.InferOutput<typeof SessionDetail>;

export const SessionList = v.object({ sessions: v.array(Session) });

export const CreateInviteRequest = v.object({
  role: v.picklist(['customer', 'rep']),
  email: v.optional(v.pipe(v.string(), v.trim(), v.email('Please enter a valid email address'), v.maxLength(254))),
  send: v.picklist(['server', 'client', 'none']),
});
export type CreateInviteRequest = v.InferInput<typeof CreateInviteRequest>;

export const CreateInviteResponse = v.object({
  invite: v.object({ url: v.string(), expiresAt: v.number() }),
  mail: v.optional(v.object({ to: v.string(), subject: v.string(), text: v.string(), mailto: v.string() })),
});

const InviteToken = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/, 'This invitation link is not valid'));

/** POST /api/invites/check: where a link leads, before joining (the join page greets or explains). */
export const CheckInviteRequest = v.object({ invite: InviteToken });
export const CheckInviteResponse = v.object({
  invite: v.object({ role: v.picklist(['customer', 'rep']), repName: v.string(), expiresAt: v.number() }),
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
} as const;
