import type { BrokerContext } from '../context';

/**
 * STUB for the merge with the rep-token expiry work (issue 10, branch `limits`), where
 * `touchRepToken(ctx, tokenHash): boolean` lives in auth/repTokens.ts: activity on a connection opened
 * with a rep token renews the token's idle window (throttled there), and false means the token no
 * longer works. Until then tokens never expire, so this only answers whether the token still works.
 * At the merge: delete this file and import touchRepToken from './repTokens'.
 */
export function touchRepToken(ctx: BrokerContext, tokenHash: string): boolean {
  return ctx.store.findRepByTokenHash(tokenHash) !== undefined;
}
