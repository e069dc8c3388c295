import type { BrokerContext } from '../context';
import type { ParticipantRow } from '../store';
import { repHasLiveToken } from '../auth/repTokens';
import { hashToken, sameHash } from '../auth/tokens';

/**
 * May this PeerJS client register? Only with a broker-issued peer id of a participant who is in a
 * live session, and that participant's own token — so nobody can squat on or impersonate an id. A rep's
 * entry counts only while the rep is signed in somewhere (holds a working rep token): signing out
 * everywhere cuts their peer links too.
 */
export async function admitPeer(
  ctx: BrokerContext,
  id: string | null,
  token: string | null,
): Promise<ParticipantRow | undefined> {
  if (!id || !token || id.length > 80 || token.length > 256) return undefined;
  const participant = await ctx.store.findParticipantByPeerId(id);
  if (!participant || participant.leftAt !== null) return undefined;
  if ((await ctx.store.findSession(participant.sessionId))?.status !== 'live') return undefined;
  if (!sameHash(hashToken(token), participant.tokenHash)) return undefined;
  if (participant.repId !== null && !(await repHasLiveToken(ctx, participant.repId))) return undefined;
  return participant;
}
