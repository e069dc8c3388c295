import type { ParticipantRow, SessionRow } from '../store';
import type { BrokerContext } from '../context';
import { forbidden, notFound, sessionEnded, unauthorized } from '../api/errors';
import type { Caller } from './caller';

/** A caller's standing in one session. */
export interface Standing {
  session: SessionRow;
  /** The caller's participant entry while in the session; undefined after leaving. */
  current: ParticipantRow | undefined;
}

/**
 * Finds the session and the caller's place in it. Only people who are or were part of a session
 * learn anything about it (403 for others, 404 when it does not exist).
 */
export async function standing(ctx: BrokerContext, caller: Caller, sessionId: string): Promise<Standing> {
  const session = await ctx.store.findSession(sessionId);
  if (!session) throw notFound('This session does not exist');
  if (caller.kind === 'rep') {
    const entries = await ctx.store.findRepParticipants(sessionId, caller.rep.id);
    if (entries.length === 0) throw forbidden('You are not part of this session');
    return { session, current: entries.find((p) => p.leftAt === null) };
  }
  // Re-read: the participant may have left since the token was resolved.
  const p = await ctx.store.findParticipant(caller.participant.id);
  if (!p || p.sessionId !== sessionId) throw forbidden('You are not part of this session');
  return { session, current: p.leftAt === null ? p : undefined };
}

/** Standing for a change to a live session: the caller must still be in it. */
export async function activeStanding(
  ctx: BrokerContext,
  caller: Caller,
  sessionId: string,
): Promise<Standing & { current: ParticipantRow }> {
  const s = await standing(ctx, caller, sessionId);
  if (s.session.status === 'ended') throw sessionEnded();
  if (!s.current) {
    if (caller.kind === 'participant') throw unauthorized('You have left this session');
    throw forbidden('You have left this session');
  }
  return { ...s, current: s.current };
}

export function requireController(s: Standing & { current: ParticipantRow }): void {
  if (s.current.role !== 'controller') throw forbidden('Only the rep in control of the session can do this');
}
