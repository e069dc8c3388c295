import { transact } from '../transact';
import { mapInOrder } from '../inOrder';
import { controlChanges } from './control';
import { pendingTransferView, transferRecords } from '../acd/views';
import type { CreateSessionResponse, SessionDetail, Session } from '../../core/protocol';
import { ErrorCode, groupSessionNumber } from '../../core/protocol';
import type { ParticipantRow, RepRow, SessionRow } from '../store';
import type { BrokerContext } from '../context';
import { ApiError, conflict } from '../api/errors';
import { hashToken, newId, newSessionNumber, sameHash } from '../auth/tokens';
import { actorName, type Caller } from './caller';
import { activeStanding, requireController, standing } from './access';
import { recordDeparture } from './departure';
import { recordingOf, stopRecording } from './recording';
import { newRepParticipant, participantView, repPeerToken, selfView, sessionLink, sessionLinkToken, sessionView } from './views';

/** A rep starts a session: the session, the rep as controller, its customer link and the first event, at once. */
export async function createSession(ctx: BrokerContext, rep: RepRow): Promise<CreateSessionResponse> {
  const now = ctx.now();
  const sessionId = newId();
  const linkInviteId = newId();
  const { participant: controller, peerToken } = newRepParticipant(ctx, sessionId, rep, 'controller', now);

  const session = await transact(ctx, async (t) => {
    const { store, bus } = t;
    await refuseSecondSession(t, rep);
    const row: SessionRow = {
      id: sessionId,
      number: await uniqueLiveNumber(t),
      controllerRepId: rep.id,
      status: 'live',
      createdAt: now,
      endedAt: null,
      linkInviteId,
      activeCustomerId: null,
      controlEpoch: 0,
    };
    await store.insertSession(row);
    await store.insertParticipant(controller);
    await store.insertInvite({
      id: linkInviteId,
      sessionId,
      role: 'customer',
      tokenHash: hashToken(sessionLinkToken(ctx, linkInviteId)),
      createdByRepId: rep.id,
      channel: 'link',
      email: null,
      createdAt: now,
      expiresAt: now + ctx.inviteTtlMs,
      revokedAt: null,
    });
    await bus.append(sessionId, 'participant-joined', { participant: participantView(controller) });
    await store.audit({ at: now, actor: `rep:${rep.id}`, action: 'session-create', sessionId, detail: { number: row.number } });
    return row;
  });
  return { session: sessionView(session, sessionLink(ctx, session)), self: selfView(ctx, controller, peerToken) };
}

/** Single-session mode: a rep in control of a live session may not start another (inside the create commit). */
async function refuseSecondSession(ctx: BrokerContext, rep: RepRow): Promise<void> {
  if (rep.mode !== 'single') return;
  const live = (await ctx.store.listLiveSessionsControlledBy(rep.id))[0];
  if (!live) return;
  throw new ApiError(
    ErrorCode.singleSession,
    `You already have a live session (${groupSessionNumber(live.number)}). End it before starting another, or switch to it.`,
  );
}

/** Session numbers are short enough to collide; the partial unique index backs this check. */
async function uniqueLiveNumber(ctx: BrokerContext): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const number = newSessionNumber();
    if (!(await ctx.store.isLiveNumberTaken(number))) return number;
  }
  throw new Error('Could not find a free session number');
}

/** The rep's live sessions, newest first; the customer link only where the rep is in control. */
export async function listSessions(ctx: BrokerContext, rep: RepRow): Promise<Session[]> {
  return mapInOrder(await ctx.store.listLiveSessionsOfRep(rep.id), async (s) => {
    const mine = (await ctx.store.findRepParticipants(s.id, rep.id))[0];
    return sessionView(s, mine?.role === 'controller' && mine.leftAt === null ? sessionLink(ctx, s) : undefined);
  });
}

/**
 * Everything to render a session; `self` (with secrets) and who is online only for a caller still in a
 * live session. Someone out of it (left, removed, timed out, ended) still reads it, to learn how it ended
 * for them (their own `leftReason`), but as it stood when they went: not who came or went later.
 */
export async function sessionDetail(ctx: BrokerContext, caller: Caller, sessionId: string): Promise<SessionDetail> {
  const { session, current } = await standing(ctx, caller, sessionId);
  const live = session.status === 'live' && current !== undefined;
  const self = live ? selfView(ctx, current, await peerTokenFor(ctx, caller, current)) : undefined;
  const link = live && current.role === 'controller' ? sessionLink(ctx, session) : undefined;
  // Reps see who is knocking right now (a reloaded panel shows the notices again); customers never do.
  const knocks =
    live && current.role !== 'customer'
      ? (await ctx.store.listWaitingWaits(session.id, ctx.now())).map((w) => ({
          waitId: w.id,
          name: w.name,
          createdAt: w.createdAt,
          expiresAt: w.expiresAt,
        }))
      : undefined;
  const participants = await ctx.store.listParticipants(session.id);
  // Someone out of the session sees it as it stood when they went (read once: it is a query).
  const went = live ? Infinity : await wentAt(ctx, caller, sessionId);
  const pending = await ctx.store.acd.findPendingTransferOfSession(session.id);
  return {
    session: sessionView(session, link),
    participants: (live ? participants : asWhenTheyWent(participants, went)).map(participantView),
    lastSeq: await ctx.bus.lastSeq(session.id),
    activeCustomerId: live ? session.activeCustomerId : null,
    controlEpoch: session.controlEpoch,
    controlChanges: (await controlChanges(ctx, session.id)).filter((c) => c.at <= went),
    ...(self ? { self } : {}),
    ...(knocks ? { knocks } : {}),
    ...(live ? { online: ctx.presence.online(session.id) } : {}),
    transfer: live && pending ? pendingTransferView(pending) : null,
    transfers: (await transferRecords(ctx, session.id)).filter((r) => r.startedAt <= went),
    recording: live ? await recordingOf(ctx, session.id) : null,
  };
}

/** When a caller who is out of the session went (a rep's last entry). */
async function wentAt(ctx: BrokerContext, caller: Caller, sessionId: string): Promise<number> {
  const entries =
    caller.kind === 'rep'
      ? await ctx.store.findRepParticipants(sessionId, caller.rep.id)
      : [await ctx.store.findParticipant(caller.participant.id)];
  return Math.max(0, ...entries.map((p) => p?.leftAt ?? 0));
}

function asWhenTheyWent(participants: ParticipantRow[], at: number): ParticipantRow[] {
  return participants
    .filter((p) => p.joinedAt <= at)
    .map((p) => (p.leftAt !== null && p.leftAt > at ? { ...p, leftAt: null, leftReason: null } : p));
}

/** A customer presents its own token; a rep's is re-derived, and re-stored if the server key changed. */
async function peerTokenFor(ctx: BrokerContext, caller: Caller, p: ParticipantRow): Promise<string> {
  if (caller.kind === 'participant') return caller.token;
  const token = repPeerToken(ctx, p.id);
  const tokenHash = hashToken(token);
  if (!sameHash(tokenHash, p.tokenHash)) await ctx.store.setParticipantTokenHash(p.id, tokenHash);
  return token;
}

/** Customers and assistants leave; leaving twice is harmless. The controller ends instead. */
export async function leaveSession(ctx: BrokerContext, caller: Caller, sessionId: string): Promise<void> {
  const s = await standing(ctx, caller, sessionId);
  if (s.session.status === 'live' && !s.current) return; // already left: nothing to do
  const { current } = await activeStanding(ctx, caller, sessionId);
  if (current.role === 'controller') {
    throw conflict('The rep in control cannot leave: end the session, or pass control first');
  }
  await recordDeparture(ctx, current, 'left', { actor: actorName(caller), action: 'leave' });
}

/** Only the controller ends a session: everyone is out, every link stops admitting. */
export async function endSession(ctx: BrokerContext, caller: Caller, sessionId: string): Promise<void> {
  const s = await activeStanding(ctx, caller, sessionId);
  requireController(s);
  const now = ctx.now();
  await transact(ctx, async (t) => {
    await stopRecording(t, sessionId, 'ended');
    await t.store.endSession(sessionId, now);
    await t.bus.append(sessionId, 'session-ended', {});
    await t.store.audit({ at: now, actor: actorName(caller), action: 'end', sessionId, detail: null });
  });
}
