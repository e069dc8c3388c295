import { transact } from '../transact';
import { mapInOrder } from '../inOrder';
import type {
  CheckInviteResponse,
  CreateInviteRequest,
  CreateInviteResponse,
  InviteSummary,
  JoinResponse,
  MailLocale,
  Session,
} from '../../core/protocol';
import { ErrorCode } from '../../core/protocol';
import type { InviteRow, ParticipantRow, SessionRow } from '../store';
import type { BrokerContext } from '../context';
import { ApiError, forbidden, notFound, rateLimited, sessionEnded, unsupported } from '../api/errors';
import { hashToken, newId, newInviteToken, newParticipantToken, newPeerId } from '../auth/tokens';
import { hitEvery } from '../auth/limit';
import { inviteMailText, mailtoUrl } from '../mail/templates';
import { MailError } from '../mail/mailer';
import { actorName, type Caller } from './caller';
import { activeStanding, requireController, standing, type Standing } from './access';
import { claimActiveCustomer } from './activeCustomer';
import { assistUrl, joinUrl, participantView, selfView, sessionLink, sessionLinkToken, sessionView, siteUrl } from './views';
import { sessionDetail } from './lifecycle';

export { mailtoUrl } from '../mail/templates';

/** What a customer over the rep's maxCustomers reads on the join page. */
export const SESSION_FULL =
  'The representative is already helping as many customers as they can. Please try again in a few minutes.';

export const INVITE_NO_LONGER_VALID = 'This invitation is no longer valid. Ask your representative for a new link.';

export const SERVER_MAIL_CONTROLLER_ONLY =
  'Only the rep in control of the session can have the broker send invitations. Send it from your own email program, or copy the link.';

/**
 * A new invitation. Customers are invited by the controller only; colleagues by any rep in the session.
 * send "client" words it for the rep's own mail program, "server" sends it over SMTP first and records
 * the invite only once the mail server took it, so a failed send leaves nothing usable behind. Mail the
 * broker sends is the controller's only and limited per rep and per recipient (see limitServerMail).
 */
export async function createInvite(
  ctx: BrokerContext,
  caller: Caller,
  sessionId: string,
  request: CreateInviteRequest,
): Promise<CreateInviteResponse> {
  const s = await activeStanding(ctx, caller, sessionId);
  if (request.role === 'customer') requireController(s);
  else if (s.current.role === 'customer') throw forbidden('Only the session’s reps can invite a colleague');
  if (request.send === 'server' && s.current.role !== 'controller') throw forbidden(SERVER_MAIL_CONTROLLER_ONLY);
  if (request.send === 'server' && !ctx.mailer) {
    throw unsupported(
      'This broker has no mail server set up (SMTP_URL), so it cannot send email. Send the invitation with your own email program instead.',
    );
  }

  const now = ctx.now();
  const token = newInviteToken();
  const inviteId = newId();
  const expiresAt = now + ctx.inviteTtlMs;
  const email = request.email ?? null;
  const role = request.role;
  const url = role === 'rep' ? assistUrl(ctx, token) : joinUrl(ctx, token);
  const locale: MailLocale = request.locale ?? 'en';
  const worded =
    request.send === 'none'
      ? undefined
      : inviteMailText({
          role,
          locale,
          inviterName: s.current.name,
          url,
          sessionNumber: s.session.number,
          expiresAt,
          siteUrl: siteUrl(ctx),
        });
  const audit = { channel: request.send, role, email };

  if (request.send === 'server' && ctx.mailer && worded) {
    const refund = await limitServerMail(ctx, caller, s.current.repId ?? '', email ?? '', sessionId, audit);
    try {
      await ctx.mailer.send({ to: email ?? '', ...worded });
    } catch (error) {
      await refund();
      const message = error instanceof MailError ? error.message : 'The mail server could not take the message';
      if (!(error instanceof MailError)) ctx.log.error('Sending an invitation failed', error);
      await ctx.store.audit({
        at: ctx.now(),
        actor: actorName(caller),
        action: 'invite-mail-failed',
        sessionId,
        detail: { ...audit, reason: message },
      });
      throw new ApiError(ErrorCode.mailFailed, message);
    }
  }

  await transact(ctx, async (t) => {
    await t.store.insertInvite({
      id: inviteId,
      sessionId,
      role,
      tokenHash: hashToken(token),
      createdByRepId: s.current.repId ?? '',
      channel: request.send,
      email,
      createdAt: now,
      expiresAt,
      revokedAt: null,
    });
    await t.store.audit({
      at: now,
      actor: actorName(caller),
      action: 'invite-create',
      sessionId,
      detail: { inviteId, ...audit },
    });
  });

  const response: CreateInviteResponse = { invite: { id: inviteId, role, url, expiresAt } };
  if (worded) {
    const to = email ?? '';
    response.mail = { to, ...worded, mailto: mailtoUrl(to, worded.subject, worded.text) };
  }
  if (request.send === 'server') response.sent = true;
  return response;
}

/**
 * The broker's mail is someone else's inbox: at most MAIL_PER_REP_PER_HOUR per rep and
 * MAIL_PER_RECIPIENT_PER_HOUR per address (whoever sends). Counted before sending, so two sends at once
 * cannot both take the last place; the returned refund gives the place back when the mail server refuses.
 */
async function limitServerMail(
  ctx: BrokerContext,
  caller: Caller,
  repId: string,
  email: string,
  sessionId: string,
  detail: Record<string, unknown>,
): Promise<() => Promise<void>> {
  const { mailPerRep, mailPerRecipient } = ctx.limits;
  const recipient = email.toLowerCase();
  const limited = await hitEvery([
    [mailPerRep, repId],
    [mailPerRecipient, recipient],
  ]);
  if (limited) {
    const limit = limited.index === 0 ? 'rep' : 'recipient';
    await ctx.store.audit({
      at: ctx.now(),
      actor: actorName(caller),
      action: 'invite-mail-refused',
      sessionId,
      detail: { ...detail, limit },
    });
    throw rateLimited(
      limited.retryAfter,
      limit === 'rep'
        ? 'You have had the broker send many invitations in the last hour. Send this one from your own email program, or copy the link.'
        : 'This address has received several invitations in the last hour.',
    );
  }
  return async () => {
    await Promise.all([mailPerRep.refund(repId), mailPerRecipient.refund(recipient)]);
  };
}

/** Every invitation of the session, newest first, for its reps. */
export async function listInvites(ctx: BrokerContext, caller: Caller, sessionId: string): Promise<InviteSummary[]> {
  const s = await standing(ctx, caller, sessionId);
  requireRepStanding(caller, s);
  const names = new Map<string, string>();
  const nameOf = async (repId: string) => {
    if (!names.has(repId)) names.set(repId, (await ctx.store.findRepById(repId))?.name ?? '');
    return names.get(repId)!;
  };
  return mapInOrder(await ctx.store.listInvites(sessionId), async (i) => ({
    id: i.id,
    role: i.role,
    channel: i.channel,
    email: i.email,
    createdBy: await nameOf(i.createdByRepId),
    createdAt: i.createdAt,
    expiresAt: await admitsUntil(ctx, i),
    revokedAt: i.revokedAt,
  }));
}

function requireRepStanding(caller: Caller, s: Standing): void {
  const role = caller.kind === 'participant' ? caller.participant.role : s.current?.role;
  if (role === 'customer') throw forbidden('Only the session’s reps can see its invitations');
  if (s.session.status === 'live' && !s.current) throw forbidden('You have left this session');
}

/**
 * The controller revokes one invite or every outstanding one. Revoking the session's own link gives
 * the session a fresh one, so the controller always has a link to hand out.
 */
export async function revokeInvites(
  ctx: BrokerContext,
  caller: Caller,
  sessionId: string,
  inviteId: string | undefined,
): Promise<{ revoked: number; session: Session }> {
  const s = await activeStanding(ctx, caller, sessionId);
  requireController(s);
  if (inviteId !== undefined && (await ctx.store.findInvite(inviteId))?.sessionId !== sessionId) {
    throw notFound('This invitation does not exist');
  }
  const now = ctx.now();
  const session = await transact(ctx, async (t) => {
    const ids = await t.store.revokeInvites(sessionId, now, inviteId);
    let rotated: string | null = null;
    if (s.session.linkInviteId !== null && ids.includes(s.session.linkInviteId)) {
      rotated = newId();
      await t.store.insertInvite({
        id: rotated,
        sessionId,
        role: 'customer',
        tokenHash: hashToken(sessionLinkToken(t, rotated)),
        createdByRepId: s.current.repId ?? s.session.controllerRepId,
        channel: 'link',
        email: null,
        createdAt: now,
        expiresAt: now + t.inviteTtlMs,
        revokedAt: null,
      });
      await t.store.setSessionLinkInvite(sessionId, rotated);
    }
    await t.store.audit({
      at: now,
      actor: actorName(caller),
      action: 'invite-revoke',
      sessionId,
      detail: { inviteIds: ids, newLinkInviteId: rotated },
    });
    return { ids, row: (await t.store.findSession(sessionId))! };
  });
  return { revoked: session.ids.length, session: sessionView(session.row, sessionLink(ctx, session.row)) };
}

/**
 * When an invite stops admitting. The session's own customer link (channel "link", the one the panel
 * shows) admits as long as it is not revoked, and ending the session revokes it: so it lives as long as
 * the session, and reads as always a full INVITE_TTL_HOURS ahead. Every other invite keeps its TTL.
 */
export async function admitsUntil(ctx: BrokerContext, invite: InviteRow): Promise<number> {
  if (invite.channel === 'link' && invite.revokedAt === null) return Math.max(invite.expiresAt, ctx.now() + ctx.inviteTtlMs);
  return invite.expiresAt;
}

/** The invite behind a link, while it and its session still admit people; a clear error otherwise. */
export async function admittingInvite(
  ctx: BrokerContext,
  inviteToken: string,
): Promise<{ invite: InviteRow; session: SessionRow }> {
  const invite = await ctx.store.findInviteByTokenHash(hashToken(inviteToken));
  if (!invite) throw new ApiError(ErrorCode.inviteNotFound, 'This invitation link is not valid');
  const session = await ctx.store.findSession(invite.sessionId);
  if (!session || session.status === 'ended') throw sessionEnded();
  // Expired and revoked read the same to the person holding the link: ask for a new one.
  if (invite.revokedAt !== null || (await admitsUntil(ctx, invite)) <= ctx.now()) {
    throw new ApiError(ErrorCode.inviteExpired, INVITE_NO_LONGER_VALID);
  }
  return { invite, session };
}

/** What a link leads to, before anyone joins: lets the join page greet the customer or explain a dead link. */
export async function checkInvite(ctx: BrokerContext, inviteToken: string): Promise<CheckInviteResponse> {
  const { invite, session } = await admittingInvite(ctx, inviteToken);
  const rep = (await ctx.store.findRepById(invite.createdByRepId)) ?? (await ctx.store.findRepById(session.controllerRepId));
  return {
    invite: {
      role: invite.role,
      repName: rep?.name ?? '',
      expiresAt: await admitsUntil(ctx, invite),
      ...(invite.role === 'rep' ? { sessionNumber: session.number } : {}),
    },
  };
}

/** A customer follows a link: admitted at once while the link and the session are live. */
export async function joinByInvite(ctx: BrokerContext, inviteToken: string, name: string): Promise<JoinResponse> {
  const { invite, session } = await admittingInvite(ctx, inviteToken);
  if (invite.role !== 'customer') {
    throw unsupported('This invitation is for a colleague. Open it with the Remote Support extension.');
  }
  const peerToken = newParticipantToken();
  const participant = await addCustomer(ctx, session, name, hashToken(peerToken), { via: 'invite', inviteId: invite.id });
  // The session as the new customer sees it, so the join page needs no second request.
  const detail = await sessionDetail(ctx, { kind: 'participant', participant, token: peerToken }, session.id);
  return { sessionId: session.id, self: selfView(ctx, participant, peerToken), detail };
}

/**
 * Puts a customer into a live session: the participant, its `participant-joined` event and the audit
 * entry, at once. `extra` runs inside the same commit (e.g. closing the knock that led here). The first
 * customer of a session with nobody active becomes the active customer in that commit too. Over the
 * controller's maxCustomers: 409 session_full, and nothing of the join stays (not `extra` either).
 */
export async function addCustomer(
  ctx: BrokerContext,
  session: SessionRow,
  name: string,
  tokenHash: string,
  detail: Record<string, unknown>,
  options: { id?: string; actor?: string; extra?: (t: BrokerContext, participant: ParticipantRow) => Promise<void> } = {},
): Promise<ParticipantRow> {
  const now = ctx.now();
  const participant: ParticipantRow = {
    id: options.id ?? newId(),
    sessionId: session.id,
    role: 'customer',
    name,
    repId: null,
    peerId: newPeerId(),
    tokenHash,
    joinedAt: now,
    leftAt: null,
    leftReason: null,
  };
  // Count and insert in one transaction: two customers arriving together cannot both take the last place.
  const admitted = await transact(ctx, async (t) => {
    if (!(await admitCustomer(t, session, name, detail, options.actor))) return false;
    await t.store.insertParticipant(participant);
    await t.bus.append(session.id, 'participant-joined', { participant: participantView(participant) });
    await options.extra?.(t, participant);
    await claimActiveCustomer(t, session.id, participant.id);
    await t.store.audit({
      at: now,
      actor: `participant:${participant.id}`,
      action: 'join',
      sessionId: session.id,
      detail: { ...detail, role: 'customer' },
    });
    return true;
  });
  // Thrown after the commit, so the refusal's event and audit entry stay.
  if (!admitted) throw new ApiError(ErrorCode.sessionFull, SESSION_FULL);
  return participant;
}

/**
 * The rep's `maxCustomers` (design: "Several customers per session up to the rep's maxCustomers"):
 * customers in the session who have not left, counted against the controller's limit. A refusal is
 * recorded (audit) and told to the session's reps (`customer-refused`); false means "refuse".
 * Runs inside the caller's commit.
 */
async function admitCustomer(
  ctx: BrokerContext,
  session: SessionRow,
  name: string,
  detail: Record<string, unknown>,
  actor = 'customer',
): Promise<boolean> {
  const limit = await customerLimit(ctx, session);
  const customers = await ctx.store.countCurrentCustomers(session.id);
  if (customers < limit) return true;
  await ctx.bus.append(session.id, 'customer-refused', { name });
  await ctx.store.audit({
    at: ctx.now(),
    actor,
    action: 'customer-refused',
    sessionId: session.id,
    detail: { ...detail, customers, maxCustomers: limit },
  });
  return false;
}

/** The limit of whoever controls the session now (read fresh: the admin may have changed it). */
async function customerLimit(ctx: BrokerContext, session: SessionRow): Promise<number> {
  const controller = (await ctx.store.listParticipants(session.id)).find((p) => p.role === 'controller' && p.leftAt === null);
  const rep = await ctx.store.findRepById(controller?.repId ?? session.controllerRepId);
  return rep?.maxCustomers ?? 0;
}
