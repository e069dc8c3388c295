import type { BrokerContext } from '../context';
import { badRequest, notFound } from '../api/errors';
import { actorName, type Caller } from './caller';
import { activeStanding, requireController } from './access';

/**
 * The active customer: the one customer the controller helps right now. The broker records it and
 * tells everyone (`active-customer`); clients stop every running share when it changes.
 */

/** The controller selects a customer. Selecting the one already active changes nothing (no event). */
export function setActiveCustomer(
  ctx: BrokerContext,
  caller: Caller,
  sessionId: string,
  participantId: string,
): { activeCustomerId: string } {
  const s = activeStanding(ctx, caller, sessionId);
  requireController(s);
  const target = ctx.store.findParticipant(participantId);
  if (!target || target.sessionId !== sessionId) throw notFound('This customer is not part of this session');
  if (target.role !== 'customer') throw badRequest('Only a customer can be the active customer');
  if (target.leftAt !== null) throw badRequest('This customer has left the session');
  const now = ctx.now();
  ctx.bus.commit(() => {
    // Read inside the transaction: two quick clicks make one change, not two events.
    if (ctx.store.findSession(sessionId)?.activeCustomerId === participantId) return;
    ctx.store.setActiveCustomer(sessionId, participantId);
    ctx.bus.append(sessionId, 'active-customer', { participantId });
    ctx.store.audit({ at: now, actor: actorName(caller), action: 'active-customer', sessionId, detail: { participantId } });
  });
  return { activeCustomerId: participantId };
}

/** Inside a join's commit: a session with nobody active gets this customer, so one customer needs no clicks. */
export function claimActiveCustomer(ctx: BrokerContext, sessionId: string, participantId: string): void {
  if (ctx.store.findSession(sessionId)?.activeCustomerId != null) return;
  ctx.store.setActiveCustomer(sessionId, participantId);
  ctx.bus.append(sessionId, 'active-customer', { participantId });
}

/** Inside a leave's commit: the active customer leaving leaves nobody active. */
export function releaseActiveCustomer(ctx: BrokerContext, sessionId: string, participantId: string): void {
  if (ctx.store.findSession(sessionId)?.activeCustomerId !== participantId) return;
  ctx.store.setActiveCustomer(sessionId, null);
  ctx.bus.append(sessionId, 'active-customer', { participantId: null });
}
