import { transact } from '../transact';
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
export async function recordDeparture(
  ctx: BrokerContext,
  participant: ParticipantRow,
  reason: Exclude<LeftReason, 'ended'>,
  audit: { actor: string; action: string },
): Promise<boolean> {
  const { id, sessionId, role } = participant;
  const at = ctx.now();
  return transact(ctx, async (t) => {
    if (!(await t.store.markParticipantLeft(id, at, reason))) return false;
    await t.bus.append(sessionId, 'participant-left', { participantId: id, reason });
    await releaseActiveCustomer(t, sessionId, id);
    await t.store.audit({ at, actor: audit.actor, action: audit.action, sessionId, detail: { participantId: id, role } });
    return true;
  });
}
