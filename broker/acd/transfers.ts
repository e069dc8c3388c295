import { transact } from '../transact';
import type { JoinResponse, OfferClosedReason, SentTransfer, TransferRequest } from '../../core/protocol';
import type { ParticipantRow, RepRow, Store, TransferRow } from '../store';
import type { BrokerContext } from '../context';
import { ErrorCode } from '../../core/protocol';
import { ApiError, badRequest, conflict, notFound, sessionEnded } from '../api/errors';
import { newId } from '../auth/tokens';
import { activeStanding, requireController } from '../sessions/access';
import type { Caller } from '../sessions/caller';
import { recordDeparture } from '../sessions/departure';
import { newRepParticipant, participantView, repPeerToken, selfView } from '../sessions/views';
import { atCapacity, requireAgent } from './agents';
import { stopRecording } from '../sessions/recording';
import { offerClosed, sentView } from './views';

/**
 * Transferring a session to WebACD agents (DESIGN "Transfer"): the controller hands it to a queue or to
 * named agents with an optional message and leaves at once; the first agent to accept becomes the
 * controller. Until then nobody controls it and its customers wait, told so. The transferring rep may
 * cancel while nobody has accepted. Who is offered the session, and when, is the dispatcher's business.
 */
export async function startTransfer(
  ctx: BrokerContext,
  caller: Extract<Caller, { kind: 'rep' }>,
  sessionId: string,
  request: TransferRequest,
): Promise<{ transfer: SentTransfer }> {
  const { rep } = caller;
  requireAgent(rep);
  const s = await activeStanding(ctx, caller, sessionId);
  requireController(s);
  const queue = request.queueId === undefined ? undefined : await ctx.store.acd.findQueue(request.queueId);
  if (request.queueId !== undefined && !queue) throw notFound('There is no such queue');
  const agentIds = [...new Set(request.agentIds ?? [])];
  for (const id of agentIds) {
    if (id === rep.id) throw badRequest('You cannot transfer a session to yourself');
    const agent = await ctx.store.findRepById(id);
    if (!agent?.isAgent || agent.disabledAt !== null) throw notFound('One of these agents does not exist (any more)');
  }
  const now = ctx.now();
  const transfer: TransferRow = {
    id: newId(),
    sessionId,
    fromRepId: rep.id,
    fromParticipantId: s.current.id,
    queueId: queue?.id ?? null,
    queueName: queue?.name ?? null,
    message: request.message ?? '',
    createdAt: now,
    status: 'pending',
    decidedAt: null,
    decidedByRepId: null,
    position: null,
    waitingLongAt: null,
  };
  await transact(ctx, async (t) => {
    const from = await t.store.findParticipant(s.current.id);
    if (from?.role !== 'controller' || from.leftAt !== null) throw conflict('Control has passed to someone else meanwhile');
    if (await t.store.acd.findPendingTransferOfSession(sessionId)) throw conflict('This session is being transferred already');
    if ((await t.store.countCurrentCustomers(sessionId)) === 0)
      throw badRequest('There is no customer in this session to hand over');
    await t.store.acd.insertTransfer(transfer, agentIds);
    await t.bus.append(sessionId, 'transfer-started', {
      transferId: transfer.id,
      from: from.id,
      // The session's log reaches its customers: a queue's name, never the agents'.
      target: { queue: transfer.queueName, agents: [] },
    });
    await stopRecording(t, sessionId, 'transfer');
    await recordDeparture(t, from, 'left', { actor: `rep:${rep.id}`, action: 'transfer-leave' });
    await t.store.audit({
      at: now,
      actor: `rep:${rep.id}`,
      action: 'transfer',
      sessionId,
      detail: { transferId: transfer.id, queueId: transfer.queueId, agentIds, messageLength: transfer.message.length },
    });
  });
  ctx.acd.changed();
  return { transfer: await sentView(ctx, transfer) };
}

/** An agent takes an offered session (or the transferring rep takes it back): one conditional write decides. */
export async function acceptTransfer(ctx: BrokerContext, rep: RepRow, transferId: string): Promise<JoinResponse> {
  const { transfer, offer } = await openOfferOf(ctx, rep, transferId);
  if (offer.kind === 'agent' && (await atCapacity(ctx, rep))) {
    throw new ApiError(ErrorCode.singleSession, 'You are at your maximum of sessions. End or leave one first.');
  }
  const outcome = offer.kind === 'take-back' ? 'taken-back' : 'accepted';
  return decide(ctx, rep, transfer, outcome, (store) => store.acd.closeOffer(transferId, rep.id, 'accepted', ctx.now()));
}

/** The transferring rep calls the transfer back while nobody has accepted: they control the session again. */
export async function cancelTransfer(ctx: BrokerContext, rep: RepRow, transferId: string): Promise<JoinResponse> {
  const transfer = await ctx.store.acd.findTransfer(transferId);
  if (!transfer || transfer.fromRepId !== rep.id) throw notFound('There is no such transfer');
  return decide(ctx, rep, transfer, 'cancelled', (store) => store.acd.closeOffer(transferId, rep.id, 'withdrawn', ctx.now()));
}

export async function declineTransfer(ctx: BrokerContext, rep: RepRow, transferId: string): Promise<void> {
  await openOfferOf(ctx, rep, transferId);
  const now = ctx.now();
  const closed = await transact(ctx, async (t) => {
    if (!(await t.store.acd.closeOffer(transferId, rep.id, 'declined', now))) return false;
    await t.store.audit({ at: now, actor: `rep:${rep.id}`, action: 'transfer-decline', sessionId: null, detail: { transferId } });
    return true;
  });
  if (!closed) throw conflict('This offer is no longer open');
  ctx.acd.changed();
}

async function openOfferOf(ctx: BrokerContext, rep: RepRow, transferId: string) {
  const transfer = await ctx.store.acd.findTransfer(transferId);
  const offer = transfer && (await ctx.store.acd.listOffers(transferId)).find((o) => o.repId === rep.id);
  if (!transfer || !offer) throw notFound('There is no such offer');
  if (offer.status !== 'open' || transfer.status !== 'pending') throw conflict(await closedMessage(ctx, transfer));
  return { transfer, offer };
}

async function closedMessage(ctx: BrokerContext, t: TransferRow): Promise<string> {
  const by = t.decidedByRepId === null ? undefined : (await ctx.store.findRepById(t.decidedByRepId))?.name;
  if (t.status === 'accepted' && by) return `${by} took this session first`;
  if (t.status === 'cancelled') return 'The transfer was cancelled';
  return 'This offer is no longer open';
}

type Outcome = 'accepted' | 'cancelled' | 'taken-back';
const CLOSED_BECAUSE: Record<Outcome, OfferClosedReason> = {
  accepted: 'taken',
  'taken-back': 'cancelled',
  cancelled: 'cancelled',
};

/**
 * The transfer ends with `rep` in control: the conditional write on the transfer decides a race (the
 * loser gets 409), every other open offer is withdrawn and their agents told who took it.
 */
async function decide(
  ctx: BrokerContext,
  rep: RepRow,
  t: TransferRow,
  outcome: Outcome,
  closeOwn: (store: Store) => Promise<boolean>,
): Promise<JoinResponse> {
  const now = ctx.now();
  const session = await ctx.store.findSession(t.sessionId);
  if (!session || session.status !== 'live') throw sessionEnded();
  const { controller, peerToken, withdrawn } = await transact(ctx, async (tc) => {
    if (!(await tc.store.acd.decideTransfer(t.id, outcome, now, rep.id))) {
      throw conflict(await closedMessage(tc, (await tc.store.acd.findTransfer(t.id))!));
    }
    await closeOwn(tc.store);
    const withdrawn = await tc.store.acd.closeOpenOffers(t.id, 'withdrawn', now);
    const taken = await takeControl(tc, rep, t, now);
    await tc.bus.append(t.sessionId, 'transfer-ended', { transferId: t.id, outcome, controllerId: taken.controller.id });
    await tc.store.audit({
      at: now,
      actor: `rep:${rep.id}`,
      action: `transfer-${outcome}`,
      sessionId: t.sessionId,
      detail: { transferId: t.id, participantId: taken.controller.id },
    });
    return { ...taken, withdrawn };
  });
  for (const repId of withdrawn) ctx.reps.send(repId, offerClosed(t, session.number, CLOSED_BECAUSE[outcome], rep.name));
  ctx.acd.changed();
  return { sessionId: t.sessionId, self: selfView(ctx, controller, peerToken) };
}

/** The rep becomes the session's controller: a new entry, or their assistant entry promoted. */
async function takeControl(
  ctx: BrokerContext,
  rep: RepRow,
  t: TransferRow,
  now: number,
): Promise<{ controller: ParticipantRow; peerToken: string }> {
  await ctx.store.setSessionController(t.sessionId, rep.id);
  const current = (await ctx.store.findRepParticipants(t.sessionId, rep.id)).find((p) => p.leftAt === null);
  if (current) {
    const epoch = await ctx.store.passControl(t.sessionId, t.fromParticipantId, current.id);
    await ctx.bus.append(t.sessionId, 'control-changed', { from: t.fromParticipantId, to: current.id, epoch });
    return { controller: { ...current, role: 'controller' }, peerToken: repPeerToken(ctx, current.id) };
  }
  const { participant, peerToken } = newRepParticipant(ctx, t.sessionId, rep, 'controller', now);
  await ctx.store.insertParticipant(participant);
  await ctx.bus.append(t.sessionId, 'participant-joined', { participant: participantView(participant) });
  return { controller: participant, peerToken };
}
