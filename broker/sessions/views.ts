import type { Participant, Rep, Self, Session } from '../../core/protocol';
import type { ParticipantRow, RepRow, SessionRow } from '../store';
import type { BrokerContext } from '../context';
import { deriveToken, hashToken, newId, newPeerId } from '../auth/tokens';
import { iceConfigFor } from '../ice/iceConfig';

/** Row → wire shapes of core/protocol. Secrets appear only in Self, and only for its owner. */

export function repView(rep: RepRow): Rep {
  return {
    id: rep.id,
    email: rep.email,
    name: rep.name,
    isAdmin: rep.isAdmin,
    isAgent: rep.isAgent,
    maxCustomers: rep.maxCustomers,
    mode: rep.mode,
  };
}

export function participantView(p: ParticipantRow): Participant {
  return {
    id: p.id,
    role: p.role,
    name: p.name,
    peerId: p.peerId,
    joinedAt: p.joinedAt,
    leftAt: p.leftAt,
    leftReason: p.leftReason,
  };
}

export function sessionView(s: SessionRow, joinUrl?: string): Session {
  return {
    id: s.id,
    number: s.number,
    status: s.status,
    createdAt: s.createdAt,
    endedAt: s.endedAt,
    ...(joinUrl === undefined ? {} : { joinUrl }),
  };
}

export function selfView(ctx: BrokerContext, p: ParticipantRow, peerToken: string): Self {
  const ice = iceConfigFor(ctx.ice, p.id, ctx.now());
  return {
    participantId: p.id,
    role: p.role,
    name: p.name,
    peerId: p.peerId,
    peerToken,
    iceServers: ice.iceServers,
    iceTransportPolicy: ice.iceTransportPolicy,
    iceExpiresAt: ice.expiresAt,
    maxFileMb: ctx.maxFileMb,
  };
}

/** Join links carry the token in the fragment, which browsers never send to servers or in referrers. */
export function joinUrl(ctx: BrokerContext, inviteToken: string): string {
  return `${ctx.publicUrl()}/join#${inviteToken}`;
}

/** A colleague's invitation: the same page, which hands the token to the rep's extension. */
export function assistUrl(ctx: BrokerContext, inviteToken: string): string {
  return `${ctx.publicUrl()}/assist#${inviteToken}`;
}

/** The support site, where customers join by session number. */
export const siteUrl = (ctx: BrokerContext) => `${ctx.publicUrl()}/`;

/** The session's own customer link, re-derived (never stored) so the controller can copy it again. */
export function sessionLink(ctx: BrokerContext, s: SessionRow): string | undefined {
  if (s.status !== 'live' || !s.linkInviteId) return undefined;
  return joinUrl(ctx, sessionLinkToken(ctx, s.linkInviteId));
}

export const sessionLinkToken = (ctx: BrokerContext, inviteId: string) =>
  deriveToken(ctx.serverKey, 'session-link', inviteId, 24);
export const repPeerToken = (ctx: BrokerContext, participantId: string) =>
  deriveToken(ctx.serverKey, 'rep-peer-token', participantId, 32);
/** A customer admitted by number asks again after a page refresh: the same secret, never stored. */
export const waitPeerToken = (ctx: BrokerContext, participantId: string) =>
  deriveToken(ctx.serverKey, 'wait-peer-token', participantId, 32);

/** A rep's entry in a session, with the peerToken derived from its id (shown again after a reload). */
export function newRepParticipant(
  ctx: BrokerContext,
  sessionId: string,
  rep: RepRow,
  role: 'controller' | 'assistant',
  now: number,
): { participant: ParticipantRow; peerToken: string } {
  const id = newId();
  const peerToken = repPeerToken(ctx, id);
  const participant: ParticipantRow = {
    id,
    sessionId,
    role,
    name: rep.name,
    repId: rep.id,
    peerId: newPeerId(),
    tokenHash: hashToken(peerToken),
    joinedAt: now,
    leftAt: null,
    leftReason: null,
  };
  return { participant, peerToken };
}
