import { transact } from '../transact';
import type { RatingRequest, SessionSummaryRequest } from '../../core/protocol';
import { conflict, forbidden } from '../api/errors';
import type { BrokerContext } from '../context';
import { standing } from './access';
import { actorName, type Caller } from './caller';

/**
 * What is kept after a session ends (issue 17): the controller's notes and ticket reference, and each
 * customer's rating. Only once it has ended, only by those who were in it in that role. Never chat
 * content: the broker never sees it.
 */

/** The rep who controlled the session when it ended saves notes (again = replaced). */
export async function saveSummary(
  ctx: BrokerContext,
  caller: Extract<Caller, { kind: 'rep' }>,
  sessionId: string,
  body: SessionSummaryRequest,
): Promise<void> {
  const { session } = await standing(ctx, caller, sessionId);
  if (session.status !== 'ended') throw conflict('Notes are saved once the session has ended');
  const entries = await ctx.store.findRepParticipants(sessionId, caller.rep.id);
  if (!entries.some((p) => p.role === 'controller')) throw forbidden('Only the rep in control of the session can do this');
  const now = ctx.now();
  const ticket = body.ticket?.trim() || null;
  await transact(ctx, async (t) => {
    await t.store.saveSummary({ sessionId, repId: caller.rep.id, notes: body.notes, ticket, savedAt: now });
    await t.store.audit({
      at: now,
      actor: actorName(caller),
      action: 'summary',
      sessionId,
      detail: { notesChars: body.notes.length, ticket: ticket !== null },
    });
  });
}

/** A customer of the session rates the help once it has ended (again = replaced). */
export async function rateSession(ctx: BrokerContext, caller: Caller, sessionId: string, body: RatingRequest): Promise<void> {
  if (caller.kind !== 'participant') throw forbidden('Only customers rate a session');
  const { session } = await standing(ctx, caller, sessionId);
  if (caller.participant.role !== 'customer') throw forbidden('Only customers rate a session');
  if (session.status !== 'ended') throw conflict('The session can be rated once it has ended');
  const now = ctx.now();
  const comment = body.comment?.trim() || null;
  await transact(ctx, async (t) => {
    await t.store.saveRating({ sessionId, participantId: caller.participant.id, score: body.score, comment, ratedAt: now });
    await t.store.audit({ at: now, actor: actorName(caller), action: 'rating', sessionId, detail: { score: body.score } });
  });
}
