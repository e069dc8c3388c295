import type { LeftReason, ParticipantRow } from '../store';
import type { BrokerContext } from '../context';
import { releaseActiveCustomer } from './activeCustomer';

/**
 * A participant is out of the session, whatever the cause: they left, the controller removed them, or
 * they stayed offline past the grace period. One commit: marked left with the reason,
 * `participant-left {reason}`, nobody active if it was the active customer, an audit entry. The
 * PeerServer and the events socket react to the event (their sockets close, their tokens stop working).
 * False when they were out already: nothing happens, no second event.
 */
export function recordDeparture(
  ctx: BrokerContext,
  participant: ParticipantRow,
  reason: Exclude<LeftReason, 'ended'>,
  audit: { actor: string; action: string },
): boolean {
  const { id, sessionId, role } = participant;
  const at = ctx.now();
  return ctx.bus.commit(() => {
    if (!ctx.store.markParticipantLeft(id, at, reason)) return false;
    ctx.bus.append(sessionId, 'participant-left', { participantId: id, reason });
    releaseActiveCustomer(ctx, sessionId, id);
    ctx.store.audit({ at, actor: audit.actor, action: audit.action, sessionId, detail: { participantId: id, role } });
    return true;
  });
}
