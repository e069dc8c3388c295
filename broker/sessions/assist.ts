import { transact } from '../transact';
import type { JoinResponse } from '../../core/protocol';
import type { RepRow, SessionRow } from '../store';
import type { BrokerContext } from '../context';
import { notFound, rateLimited, sessionEnded, unsupported } from '../api/errors';
import { hitEvery } from '../auth/limit';
import { admittingInvite } from './invites';
import { newRepParticipant, participantView, repPeerToken, selfView } from './views';

export const NO_SESSION_WITH_NUMBER =
  'There is no session with this number right now. Check the number with your representative.';

/** The answer to an assist call: `created` false when the rep was already in the session. */
export interface AssistResult {
  created: boolean;
  body: JoinResponse;
}

/** A colleague follows a rep invite (`/assist#token`) and joins as assistant. */
export async function assistByInvite(ctx: BrokerContext, rep: RepRow, inviteToken: string): Promise<AssistResult> {
  const { invite, session } = await admittingInvite(ctx, inviteToken);
  if (invite.role !== 'rep') {
    throw unsupported('This link invites a customer. Ask for a colleague invitation, or assist by the session number.');
  }
  return await joinAsAssistant(ctx, rep, session, { via: 'invite', inviteId: invite.id });
}

/**
 * A rep types a session number into "Assist in a session". Direct, as the rep guide has it (the
 * controller gives the number to the colleague, and sees them join), but numbers are guessable: attempts
 * are limited per rep and per client address, and every one is audited, found or not.
 */
export async function assistByNumber(ctx: BrokerContext, rep: RepRow, number: string, address: string): Promise<AssistResult> {
  const { assistByNumberPerRep, assistByNumberPerAddress } = ctx.limits;
  const refused = (reason: string, detail: Record<string, unknown> = {}) =>
    ctx.store.audit({
      at: ctx.now(),
      actor: `rep:${rep.id}`,
      action: 'assist-refused',
      sessionId: null,
      detail: { via: 'number', number, address, reason, ...detail },
    });
  const limited = await hitEvery([
    [assistByNumberPerRep, rep.id],
    [assistByNumberPerAddress, address],
  ]);
  if (limited) {
    await refused('rate-limited', { limit: limited.index === 0 ? 'rep' : 'address' });
    throw rateLimited(limited.retryAfter, 'Too many attempts to assist by number.');
  }
  const session = await ctx.store.findLiveSessionByNumber(number);
  if (!session) {
    await refused('unknown-number');
    throw notFound(NO_SESSION_WITH_NUMBER);
  }
  return await joinAsAssistant(ctx, rep, session, { via: 'number', address });
}

/**
 * Adds the rep as an assistant (no control). A rep already in the session gets their own entry back:
 * one participant per rep, whatever way they came in. The peerToken is derived like the controller's,
 * so `GET /api/sessions/:id` hands it out again after a panel reload.
 */
async function joinAsAssistant(
  ctx: BrokerContext,
  rep: RepRow,
  session: SessionRow,
  detail: Record<string, unknown>,
): Promise<AssistResult> {
  if (session.status !== 'live') throw sessionEnded();
  const current = (await ctx.store.findRepParticipants(session.id, rep.id)).find((p) => p.leftAt === null);
  if (current) {
    return { created: false, body: { sessionId: session.id, self: selfView(ctx, current, repPeerToken(ctx, current.id)) } };
  }
  const now = ctx.now();
  const { participant: assistant, peerToken } = newRepParticipant(ctx, session.id, rep, 'assistant', now);
  await transact(ctx, async (t) => {
    await t.store.insertParticipant(assistant);
    await t.bus.append(session.id, 'participant-joined', { participant: participantView(assistant) });
    await t.store.audit({
      at: now,
      actor: `rep:${rep.id}`,
      action: 'assist',
      sessionId: session.id,
      detail: { ...detail, participantId: assistant.id },
    });
  });
  return { created: true, body: { sessionId: session.id, self: selfView(ctx, assistant, peerToken) } };
}
