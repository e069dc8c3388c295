import { transact } from '../transact';
import type { BrokerContext } from '../context';
import { badRequest, conflict, notFound } from '../api/errors';
import { actorName, type Caller } from './caller';
import { activeStanding, requireController } from './access';
import { stopRecording } from './recording';

/**
 * Passing control: the controller hands the session to a rep who assists in it, and becomes an assistant
 * (may stay to watch and chat, may leave, may not end). Every client stops every running activity on
 * `control-changed`; its epoch lets a reloaded client tell the newest hand-over from an old one.
 */
export async function passControl(
  ctx: BrokerContext,
  caller: Caller,
  sessionId: string,
  participantId: string,
): Promise<{ controlEpoch: number }> {
  const s = await activeStanding(ctx, caller, sessionId);
  requireController(s);
  if (participantId === s.current.id) throw badRequest('You are in control of this session already');
  const now = ctx.now();
  return transact(ctx, async (t) => {
    // Read inside the transaction: two passes at once make one hand-over, never two controllers.
    const from = await t.store.findParticipant(s.current.id);
    if (from?.role !== 'controller' || from.leftAt !== null) throw conflict('Control has passed to someone else meanwhile');
    const target = await t.store.findParticipant(participantId);
    if (!target || target.sessionId !== sessionId) throw notFound('This person is not part of this session');
    if (target.leftAt !== null) throw badRequest('This colleague has left the session');
    if (target.role !== 'assistant') throw badRequest('Control passes only to a rep who assists in the session');
    const epoch = await t.store.passControl(sessionId, from.id, target.id);
    await t.bus.append(sessionId, 'control-changed', { from: from.id, to: target.id, epoch });
    await stopRecording(t, sessionId, 'control');
    await t.store.audit({
      at: now,
      actor: actorName(caller),
      action: 'pass-control',
      sessionId,
      detail: { from: from.id, to: target.id, epoch },
    });
    return { controlEpoch: epoch };
  });
}

/** Every hand-over so far, for clients that load the session (the timeline tells them after a reload). */
export async function controlChanges(ctx: BrokerContext, sessionId: string) {
  return (await ctx.store.eventsOfType(sessionId, 'control-changed')).map((e) => ({
    from: String(e.payload.from),
    to: String(e.payload.to),
    epoch: Number(e.payload.epoch),
    at: e.at,
  }));
}
