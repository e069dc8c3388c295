import type { ParticipantRow, RepRow } from '../store';
import type { BrokerContext } from '../context';
import { hashToken } from '../auth/tokens';
import { useRepToken } from '../auth/repTokens';

/**
 * Who is calling: a signed-in rep (rep token) or a customer (its peerToken). Customers who have left
 * still resolve, so they can read how their session ended; what they may do is decided per action
 * (see access.ts). A rep's own peerToken is no bearer: reps act with their rep token, which expires and
 * is revoked at sign-out; their peerToken only opens the PeerServer.
 */
export type Caller =
  { kind: 'rep'; rep: RepRow; tokenHash: string } | { kind: 'participant'; participant: ParticipantRow; token: string };

/** The caller behind a bearer token; a rep token's use renews its idle window. */
export async function resolveToken(ctx: BrokerContext, token: string): Promise<Caller | undefined> {
  const tokenHash = hashToken(token);
  const rep = await useRepToken(ctx, tokenHash);
  if (rep) return { kind: 'rep', rep, tokenHash };
  const participant = await ctx.store.findParticipantByTokenHash(tokenHash);
  if (participant && participant.repId === null) return { kind: 'participant', participant, token };
  return undefined;
}

export function actorName(caller: Caller): string {
  return caller.kind === 'rep' ? `rep:${caller.rep.id}` : `participant:${caller.participant.id}`;
}
