import type { BrokerContext } from '../context';
import { badRequest, notFound } from '../api/errors';
import { actorName, type Caller } from './caller';
import { activeStanding, requireController } from './access';
import { recordDeparture } from './departure';

/**
 * The controller removes a participant (a customer or an assistant). They are out at once: their
 * PeerServer socket closes, their events socket hears `participant-left {reason:'removed'}` and closes
 * (a rep's socket stops following the session), and their token changes nothing in the session any more.
 * With their old token they can still read `GET /api/sessions/:id`, to learn how it ended for them.
 */
export async function removeParticipant(
  ctx: BrokerContext,
  caller: Caller,
  sessionId: string,
  participantId: string,
): Promise<void> {
  const s = await activeStanding(ctx, caller, sessionId);
  requireController(s);
  const target = await ctx.store.findParticipant(participantId);
  if (!target || target.sessionId !== sessionId) throw notFound('This participant is not part of this session');
  if (target.id === s.current.id) throw badRequest('You cannot remove yourself: end the session instead');
  const removed =
    target.leftAt === null && recordDeparture(ctx, target, 'removed', { actor: actorName(caller), action: 'remove' });
  if (!removed) throw badRequest(`${target.name} has already left the session`);
}
