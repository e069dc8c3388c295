import { transact } from '../transact';
import type { BrokerContext } from '../context';
import { badRequest, notFound } from '../api/errors';
import { actorName, type Caller } from './caller';
import { activeStanding, requireController } from './access';

/**
 * The active customer: the one customer the controller helps right now. The broker records it and
 * tells everyone (`active-customer`); clients stop every running share when it changes.
 */

/** The controller selects a customer. Selecting the one already active changes nothing (no event). */
export async function setActiveCustomer(
  ctx: BrokerContext,
  caller: Caller,
  sessionId: string,
  participantId: string,
): Promise<{ activeCustomerId: string }> {
  const s = await activeStanding(ctx, caller, sessionId);
  requireController(s);
  const target = await ctx.store.findParticipant(participantId);
  if (!target || target.sessionId !== sessionId) throw notFound('This customer is not part of this session');
  if (target.role !== 'customer') throw badRequest('Only a customer can be the active customer');
  if (target.leftAt !== null) throw badRequest('This customer has left the session');
  const now = ctx.now();
  await transact(ctx, async (t) => {
    // Read inside the transaction: two quick clicks make one change, not two events.
    if ((await t.store.findSession(sessionId))?.activeCustomerId === participantId) return;
    await t.store.setActiveCustomer(sessionId, participantId);
    await t.bus.append(sessionId, 'active-customer', { participantId });
    await t.store.audit({ at: now, actor: actorName(caller), action: 'active-customer', sessionId, detail: { participantId } });
  });
  return { activeCustomerId: participantId };
}

/** Inside a join's commit: a session with nobody active gets this customer, so one customer needs no clicks. */
export async function claimActiveCustomer(ctx: BrokerContext, sessionId: string, participantId: string): Promise<void> {
  if ((await ctx.store.findSession(sessionId))?.activeCustomerId != null) return;
  await ctx.store.setActiveCustomer(sessionId, participantId);
  await ctx.bus.append(sessionId, 'active-customer', { participantId });
}

/** Inside a leave's commit: the active customer leaving leaves nobody active. */
export async function releaseActiveCustomer(ctx: BrokerContext, sessionId: string, participantId: string): Promise<void> {
  if ((await ctx.store.findSession(sessionId))?.activeCustomerId !== participantId) return;
  await ctx.store.setActiveCustomer(sessionId, null);
  await ctx.bus.append(sessionId, 'active-customer', { participantId: null });
}
