import type { BrokerContext } from '../context';

/**
 * Does the rep hold a rep token that still works? A rep's peerToken (their PeerServer credential in each
 * session) is worth something only while they do: signing out everywhere cuts their peer links too.
 */
export function repHasLiveToken(ctx: BrokerContext, repId: string): boolean {
  return ctx.store.hasLiveRepToken(repId, ctx.now());
}
