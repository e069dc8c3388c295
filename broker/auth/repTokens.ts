import type { BrokerContext } from '../context';
import type { RepRow, RepTokenRow } from '../store';
import { hashToken, newRepToken } from './tokens';

/**
 * Rep tokens (a rep's sign-in) end in four ways: sign-out or an admin's revoke-tokens (revoked), no use
 * for REP_TOKEN_IDLE_HOURS (idle), REP_TOKEN_MAX_HOURS after sign-in (the maximum), or the rep being
 * disabled. The stored `expires_at` is the nearer of the two time limits and moves on with use, so one
 * column (and one index) says whether a token still works at a given time.
 */
export interface RepTokenLifetime {
  idleMs: number;
  maxMs: number;
}

/** Uses closer together than this renew the token only once: a socket's pings need not write every 3 s. */
export const RENEW_EVERY_MS = 60_000;

/** A new sign-in: the secret for the rep (stored only hashed) and when it ends at the latest. */
export async function issueRepToken(
  ctx: BrokerContext,
  repId: string,
): Promise<{ token: string; tokenHash: string; expiresAt: number }> {
  const at = ctx.now();
  const token = newRepToken();
  const tokenHash = hashToken(token);
  await ctx.store.insertRepToken({ tokenHash, repId, createdAt: at, expiresAt: deadline(ctx, at, at) });
  return { token, tokenHash, expiresAt: at + ctx.repTokens.maxMs };
}

/** The rep behind a working token, renewing its idle window; undefined for a token that no longer works. */
export async function useRepToken(ctx: BrokerContext, tokenHash: string): Promise<RepRow | undefined> {
  const found = await ctx.store.findRepToken(tokenHash);
  if (!found || repTokenEnd(ctx, found.token, found.rep) !== undefined) return undefined;
  await renew(ctx, found.token);
  return found.rep;
}

/**
 * Activity on a connection opened with this token (e.g. the events socket's heartbeat) keeps the sign-in
 * alive; throttled inside, so calling it on every ping is fine. False once the token no longer works:
 * the caller closes what it opened with it.
 */
export async function touchRepToken(ctx: BrokerContext, tokenHash: string): Promise<boolean> {
  return (await useRepToken(ctx, tokenHash)) !== undefined;
}

/** Why a token stopped working; undefined while it works. */
export type RepTokenEnd = 'revoked' | 'idle' | 'max' | 'disabled';

export function repTokenEnd(ctx: BrokerContext, token: RepTokenRow, rep: RepRow): RepTokenEnd | undefined {
  const at = ctx.now();
  if (rep.disabledAt !== null) return 'disabled';
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && token.expiresAt <= at) {
    return token.createdAt + ctx.repTokens.maxMs <= at ? 'max' : 'idle';
  }
  return undefined;
}

/** The 401 message for a bearer that is not a working token: what happened and what to do. */
export async function repTokenRefusal(ctx: BrokerContext, token: string): Promise<string | undefined> {
  const found = await ctx.store.findRepToken(hashToken(token));
  const end = found && repTokenEnd(ctx, found.token, found.rep);
  const hours = (ms: number) => {
    const h = Math.round((ms / 3_600_000) * 10) / 10;
    return `${h} hour${h === 1 ? '' : 's'}`;
  };
  switch (end) {
    case 'disabled':
      return 'Your account is disabled. Ask your administrator.';
    case 'revoked':
      return 'Your sign-in has ended (you signed out, or an administrator signed you out). Please sign in again.';
    case 'idle':
      return `Your sign-in expired after ${hours(ctx.repTokens.idleMs)} without use. Please sign in again.`;
    case 'max':
      return `Your sign-in expired: a sign-in lasts at most ${hours(ctx.repTokens.maxMs)}. Please sign in again.`;
    default:
      return undefined;
  }
}

/**
 * Does the rep hold a rep token that still works? A rep's peerToken (their PeerServer credential in each
 * session) is worth something only while they do: signing out everywhere cuts their peer links too.
 */
export async function repHasLiveToken(ctx: BrokerContext, repId: string): Promise<boolean> {
  return await ctx.store.hasLiveRepToken(repId, ctx.now());
}

async function renew(ctx: BrokerContext, token: RepTokenRow): Promise<void> {
  const at = ctx.now();
  if (token.lastUsedAt !== null && at - token.lastUsedAt < RENEW_EVERY_MS) return;
  await ctx.store.renewRepToken(token.tokenHash, at, deadline(ctx, token.createdAt, at));
}

/**
 * The nearer of idle and maximum, for a token created at `createdAt` and used at `at`. The store never
 * moves a deadline back: a token from before expiry existed keeps the one idle period it got at the
 * upgrade, though its maximum (counted from its creation) has long passed.
 */
function deadline(ctx: BrokerContext, createdAt: number, at: number): number {
  return Math.min(createdAt + ctx.repTokens.maxMs, at + ctx.repTokens.idleMs);
}
