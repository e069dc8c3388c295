import type { CheckInviteResponse, CreateInviteRequest, JoinResponse } from '../../core/protocol';
import { ErrorCode } from '../../core/protocol';
import type { InviteRow, ParticipantRow, SessionRow } from '../store';
import type { BrokerContext } from '../context';
import { ApiError, sessionEnded, unsupported } from '../api/errors';
import { hashToken, newId, newInviteToken, newParticipantToken, newPeerId } from '../auth/tokens';
import { actorName, type Caller } from './caller';
import { activeStanding, requireController } from './access';
import { sessionDetail } from './lifecycle';
import { joinUrl, participantView, selfView } from './views';

export interface InviteResult {
  invite: { url: string; expiresAt: number };
  mail?: { to: string; subject: string; text: string; mailto: string };
}

/** The controller makes a new customer link, optionally worded as an email for the rep's own mail program. */
export function createInvite(ctx: BrokerContext, caller: Caller, sessionId: string, request: CreateInviteRequest): InviteResult {
  const s = activeStanding(ctx, caller, sessionId);
  requireController(s);
  if (request.role === 'rep')
    throw unsupported('Inviting a rep by link is not available yet; give your colleague the session number');
  if (request.send === 'server')
    throw unsupported('The broker cannot send email yet; choose to send the invitation with your own email program');

  const now = ctx.now();
  const token = newInviteToken();
  const expiresAt = now + ctx.inviteTtlMs;
  const email = request.email ?? null;
  ctx.store.transaction(() => {
    const inviteId = newId();
    ctx.store.insertInvite({
      id: inviteId,
      sessionId,
      role: 'customer',
      tokenHash: hashToken(token),
      createdByRepId: s.current.repId ?? '',
      channel: request.send,
      email,
      createdAt: now,
      expiresAt,
      revokedAt: null,
    });
    ctx.store.audit({
      at: now,
      actor: actorName(caller),
      action: 'invite-create',
      sessionId,
      detail: { inviteId, role: 'customer', channel: request.send },
    });
  });
  const url = joinUrl(ctx, token);
  const result: InviteResult = { invite: { url, expiresAt } };
  if (request.send === 'client') result.mail = inviteMail(email ?? '', s.current.name, url, expiresAt);
  return result;
}

function inviteMail(to: string, repName: string, url: string, expiresAt: number): NonNullable<InviteResult['mail']> {
  const subject = 'Your support session';
  const text =
    `${repName} invites you to a support session.\n\n` +
    `Open this link in your browser to join. Nothing to install:\n${url}\n\n` +
    `The link works until ${new Date(expiresAt).toUTCString()}.\n`;
  return { to, subject, text, mailto: mailtoUrl(to, subject, text) };
}

/** RFC 6068: encode each part; the '@' between local part and domain stays literal. */
export function mailtoUrl(to: string, subject: string, body: string): string {
  const at = to.lastIndexOf('@');
  const address =
    at < 0 ? encodeURIComponent(to) : `${encodeURIComponent(to.slice(0, at))}@${encodeURIComponent(to.slice(at + 1))}`;
  // Line breaks in a mailto body are CRLF.
  return `mailto:${address}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body.replace(/\r?\n/g, '\r\n'))}`;
}

/** The invite behind a link, while it and its session still admit people; a clear error otherwise. */
function admittingInvite(ctx: BrokerContext, inviteToken: string): { invite: InviteRow; session: SessionRow } {
  const invite = ctx.store.findInviteByTokenHash(hashToken(inviteToken));
  if (!invite) throw new ApiError(404, ErrorCode.inviteNotFound, 'This invitation link is not valid');
  const session = ctx.store.findSession(invite.sessionId);
  if (!session || session.status === 'ended') throw sessionEnded();
  if (invite.revokedAt !== null || invite.expiresAt <= ctx.now()) {
    throw new ApiError(410, ErrorCode.inviteExpired, 'This invitation has expired. Ask your representative for a new link.');
  }
  return { invite, session };
}

/** What a link leads to, before anyone joins: lets the join page greet the customer or explain a dead link. */
export function checkInvite(ctx: BrokerContext, inviteToken: string): CheckInviteResponse {
  const { invite, session } = admittingInvite(ctx, inviteToken);
  const rep = ctx.store.findRepById(session.controllerRepId);
  return { invite: { role: invite.role, repName: rep?.name ?? '', expiresAt: invite.expiresAt } };
}

/** A customer follows a link: admitted at once while the link and the session are live. */
export function joinByInvite(ctx: BrokerContext, inviteToken: string, name: string): JoinResponse {
  const { store, bus } = ctx;
  const { invite, session } = admittingInvite(ctx, inviteToken);
  const now = ctx.now();
  if (invite.role !== 'customer') throw unsupported('This invitation is for a rep');
  admitCustomer(ctx, session);

  const peerToken = newParticipantToken();
  const participant: ParticipantRow = {
    id: newId(),
    sessionId: session.id,
    role: 'customer',
    name,
    repId: null,
    peerId: newPeerId(),
    tokenHash: hashToken(peerToken),
    joinedAt: now,
    leftAt: null,
  };
  bus.commit(() => {
    store.insertParticipant(participant);
    bus.append(session.id, 'participant-joined', { participant: participantView(participant) });
    store.audit({
      at: now,
      actor: `participant:${participant.id}`,
      action: 'join',
      sessionId: session.id,
      detail: { via: 'invite', role: 'customer' },
    });
  });
  const detail = sessionDetail(ctx, { kind: 'participant', participant, token: peerToken }, session.id);
  return { sessionId: session.id, self: selfView(ctx, participant, peerToken), detail };
}

/**
 * Seam for the rep's `maxCustomers` (design: "Several customers per session up to the rep's
 * maxCustomers"). Not enforced yet: the active-customer feature defines who counts.
 */
function admitCustomer(_ctx: BrokerContext, _session: SessionRow): void {}
