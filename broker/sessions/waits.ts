import { transact } from '../transact';
import type { JoinByNumberResponse, KnockOutcome, WaitStatus } from '../../core/protocol';
import { ErrorCode } from '../../core/protocol';
import type { WaitRow } from '../store';
import type { BrokerContext } from '../context';
import { ApiError, conflict, notFound, rateLimited } from '../api/errors';
import { addressKey } from '../http/clientAddress';
import { MAX_WAITING_KNOCKS, MAX_WAITING_KNOCKS_PER_ADDRESS } from '../limits';
import { hashToken, newId, newWaitToken } from '../auth/tokens';
import { actorName, type Caller } from './caller';
import { activeStanding, requireController } from './access';
import { addCustomer } from './invites';
import { NO_SESSION_WITH_NUMBER } from './assist';
import { selfView, waitPeerToken } from './views';

/**
 * Joining by session number on the support site: the customer knocks, the controller admits or
 * declines, the customer's page asks how it stands (long poll). Numbers are guessable, so nobody gets
 * in without the controller's say, and waits run out (KNOCK_TTL_SECONDS).
 */

export const MANY_WAITING =
  'Many people are waiting to join this session right now; your representative can also send you a link.';

/**
 * A customer knocks on a live session. The caller has applied the per-address rate limit. Knocks on one
 * session over JOIN_BY_NUMBER_PER_NUMBER_LIMIT a minute warn its reps (`many-knocks`, at most once a
 * minute) and are let through; see limits.ts for the bounds on waiting knocks.
 */
export async function knock(
  ctx: BrokerContext,
  number: string,
  name: string,
  clientAddress: string | null,
): Promise<JoinByNumberResponse> {
  const session = await ctx.store.findLiveSessionByNumber(number);
  if (!session) throw notFound(NO_SESSION_WITH_NUMBER);
  const now = ctx.now();
  const waitToken = newWaitToken();
  const wait: WaitRow = {
    id: newId(),
    sessionId: session.id,
    name,
    tokenHash: hashToken(waitToken),
    clientAddress,
    createdAt: now,
    expiresAt: now + ctx.knockTtlMs,
    status: 'waiting',
    decidedAt: null,
    participantId: null,
  };
  // Counted before the commit: the count may live in Redis, and a transaction does not wait on it.
  const manyKnocks = await countKnock(ctx, session.id);
  const full = await transact(ctx, async (t) => {
    if (manyKnocks) await warnOfManyKnocks(t, session.id, manyKnocks);
    const waiting = await t.store.listWaitingWaits(session.id, now);
    const key = clientAddress === null ? null : addressKey(clientAddress);
    const mine = key === null ? [] : waiting.filter((w) => w.clientAddress !== null && addressKey(w.clientAddress) === key);
    const replaced = mine.length >= MAX_WAITING_KNOCKS_PER_ADDRESS ? mine[0] : undefined;
    if (waiting.length - (replaced ? 1 : 0) >= MAX_WAITING_KNOCKS) return waiting[0]!;
    if (replaced) await endWait(t, replaced, 'cancelled', `wait:${wait.id}`);
    await t.store.insertWait(wait);
    await t.bus.append(session.id, 'knock', {
      knock: { waitId: wait.id, name, createdAt: wait.createdAt, expiresAt: wait.expiresAt },
    });
    await t.store.audit({
      at: now,
      actor: `wait:${wait.id}`,
      action: 'knock',
      sessionId: session.id,
      detail: { waitId: wait.id },
    });
    return undefined;
  });
  // Thrown after the commit, so the reps' warning stays.
  if (full) {
    if (await ctx.limits.refusalAudit.take(`knock-full|${session.id}`)) {
      await ctx.store.audit({
        at: now,
        actor: 'customer',
        action: 'knock-refused',
        sessionId: session.id,
        detail: { reason: 'full' },
      });
    }
    throw rateLimited((full.expiresAt - now) / 1000, MANY_WAITING);
  }
  return { waitId: wait.id, waitToken, expiresAt: wait.expiresAt };
}

/**
 * Counts a knock on the session; past the limit, its reps are to hear `many-knocks` (once a minute while
 * it lasts): returns the count to tell them, or 0.
 */
async function countKnock(ctx: BrokerContext, sessionId: string): Promise<number> {
  const { knocksPerSession, manyKnocksWarning } = ctx.limits;
  const count = await knocksPerSession.count(sessionId);
  return count > knocksPerSession.limit && (await manyKnocksWarning.take(sessionId)) ? count : 0;
}

async function warnOfManyKnocks(ctx: BrokerContext, sessionId: string, count: number): Promise<void> {
  await ctx.bus.append(sessionId, 'many-knocks', { count });
  await ctx.store.audit({ at: ctx.now(), actor: 'broker', action: 'many-knocks', sessionId, detail: { count } });
}

/** The wait behind a customer's token; 404 for a token the broker never gave out. */
export async function waitByToken(ctx: BrokerContext, waitToken: string): Promise<WaitRow> {
  const wait = await ctx.store.findWaitByTokenHash(hashToken(waitToken));
  if (!wait) throw notFound('This request to join is not known. Enter the session number again.');
  return wait;
}

/** How a wait stands now. An admitted customer gets the same participant (and secret) every time. */
export async function waitStatus(ctx: BrokerContext, waitId: string): Promise<WaitStatus> {
  let wait = (await ctx.store.findWait(waitId))!;
  if (wait.status === 'waiting' && wait.expiresAt <= ctx.now()) {
    await endWait(ctx, wait, 'expired', `wait:${wait.id}`);
    wait = (await ctx.store.findWait(waitId))!;
  }
  if (wait.status === 'declined' || wait.status === 'cancelled' || wait.status === 'expired') return { status: wait.status };
  const session = await ctx.store.findSession(wait.sessionId);
  if (!session || session.status === 'ended') return { status: 'ended' };
  if (wait.status === 'waiting') return { status: 'waiting', expiresAt: wait.expiresAt };
  const participant = wait.participantId === null ? undefined : await ctx.store.findParticipant(wait.participantId);
  if (!participant || participant.leftAt !== null) return { status: 'ended' };
  return { status: 'admitted', sessionId: session.id, self: selfView(ctx, participant, waitPeerToken(ctx, participant.id)) };
}

/** The customer gives up waiting. Harmless once the wait is over. */
export async function cancelWait(ctx: BrokerContext, wait: WaitRow): Promise<void> {
  if (wait.status === 'waiting') await endWait(ctx, wait, 'cancelled', `wait:${wait.id}`);
}

/** The controller lets the customer in: a customer participant named as the customer typed. */
export async function admitWait(ctx: BrokerContext, caller: Caller, sessionId: string, waitId: string): Promise<void> {
  const wait = await decidableWait(ctx, caller, sessionId, waitId);
  const session = (await ctx.store.findSession(sessionId))!;
  const participantId = newId();
  const now = ctx.now();
  await addCustomer(
    ctx,
    session,
    wait.name,
    hashToken(waitPeerToken(ctx, participantId)),
    { via: 'number', waitId },
    {
      id: participantId,
      actor: actorName(caller),
      extra: async (t) => {
        // Inside the same commit: if someone decided meanwhile, nothing of this admission stays.
        if (!(await t.store.decideWait(wait.id, 'admitted', now, participantId)))
          throw conflict('This customer was already answered');
        await t.bus.append(sessionId, 'knock-ended', { waitId, outcome: 'admitted' });
        await t.store.audit({ at: now, actor: actorName(caller), action: 'admit', sessionId, detail: { waitId, participantId } });
      },
    },
  );
}

export async function declineWait(ctx: BrokerContext, caller: Caller, sessionId: string, waitId: string): Promise<void> {
  const wait = await decidableWait(ctx, caller, sessionId, waitId);
  await endWait(ctx, wait, 'declined', actorName(caller));
}

/** Controller only; the wait must belong to the session and still be waiting. */
async function decidableWait(ctx: BrokerContext, caller: Caller, sessionId: string, waitId: string): Promise<WaitRow> {
  const s = await activeStanding(ctx, caller, sessionId);
  requireController(s);
  const wait = await ctx.store.findWait(waitId);
  if (!wait || wait.sessionId !== sessionId) throw notFound('Nobody with this request is waiting to join this session');
  if (wait.status === 'waiting' && wait.expiresAt <= ctx.now()) await endWait(ctx, wait, 'expired', `wait:${wait.id}`);
  const status = wait.status === 'waiting' && wait.expiresAt <= ctx.now() ? 'expired' : wait.status;
  if (status === 'expired' || status === 'cancelled') {
    throw new ApiError(ErrorCode.waitExpired, 'This customer stopped waiting');
  }
  if (status !== 'waiting') throw conflict(`This customer was already ${status}`);
  return wait;
}

/** Closes a knock without admitting: the wait's new status, the reps' `knock-ended`, the audit entry. */
async function endWait(
  ctx: BrokerContext,
  wait: WaitRow,
  outcome: Exclude<KnockOutcome, 'admitted'>,
  actor: string,
): Promise<void> {
  const now = ctx.now();
  await transact(ctx, async (t) => {
    if (!(await t.store.decideWait(wait.id, outcome, now))) return;
    await t.bus.append(wait.sessionId, 'knock-ended', { waitId: wait.id, outcome });
    await t.store.audit({ at: now, actor, action: `knock-${outcome}`, sessionId: wait.sessionId, detail: { waitId: wait.id } });
  });
}

/** The sweeper: waits whose time ran out are closed, so reps' notices go away. */
export async function expireOverdueWaits(ctx: BrokerContext): Promise<number> {
  const overdue = await ctx.store.listOverdueWaits(ctx.now());
  for (const wait of overdue) await endWait(ctx, wait, 'expired', `wait:${wait.id}`);
  return overdue.length;
}
