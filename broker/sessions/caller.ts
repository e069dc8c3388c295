import type { ParticipantRow, RepRow } from '../store';
import type { BrokerContext } from '../context';
import { hashToken } from '../auth/tokens';

/**
 * Who is calling: a signed-in rep (rep token) or a session participant (its peerToken). Participants
 * who have left still resolve, so they can read how their session ended; what they may do is
 * decided per action (see access.ts).
 */
export type Caller =
  { kind: 'rep'; rep: RepRow; tokenHash: string } | { kind: 'participant'; participant: ParticipantRow; token: string };

export function resolveToken(ctx: BrokerContext, token: string): Caller | undefined {
  const tokenHash = hashToken(token);
  const rep = ctx.store.findRepByTokenHash(tokenHash);
  if (rep) return { kind: 'rep', rep, tokenHash };
  const participant = ctx.store.findParticipantByTokenHash(tokenHash);
  if (participant) return { kind: 'participant', participant, token };
  return undefined;
}

export function actorName(caller: Caller): string {
  return caller.kind === 'rep' ? `rep:${caller.rep.id}` : `participant:${caller.participant.id}`;
}
