import type {
  EventsServerMessage,
  OfferClosedReason,
  PendingTransfer,
  SentTransfer,
  TransferOffer,
  TransferOutcome,
  TransferRecord,
  TransferTarget,
} from '../../core/protocol';
import type { OfferRow, TransferRow } from '../store';
import type { BrokerContext } from '../context';
import { mapInOrder } from '../inOrder';
import { repsById } from './agents';

/** Row → wire shapes of WebACD (core/protocol/acd.ts). */

/** Where the transfer goes, by name. */
export async function transferTarget(ctx: BrokerContext, t: TransferRow): Promise<TransferTarget> {
  const agents = (await repsById(ctx, await ctx.store.acd.transferTargets(t.id))).map((rep) => rep.name);
  return { queue: t.queueId === null && agents.length > 0 ? null : (t.queueName ?? null), agents };
}

const customersOf = async (ctx: BrokerContext, sessionId: string) =>
  (await ctx.store.listParticipants(sessionId)).filter((p) => p.role === 'customer' && p.leftAt === null).map((p) => p.name);

const numberOf = async (ctx: BrokerContext, sessionId: string) => (await ctx.store.findSession(sessionId))?.number ?? '';

export async function sentView(ctx: BrokerContext, t: TransferRow): Promise<SentTransfer> {
  return {
    id: t.id,
    sessionId: t.sessionId,
    sessionNumber: await numberOf(ctx, t.sessionId),
    customers: await customersOf(ctx, t.sessionId),
    target: await transferTarget(ctx, t),
    createdAt: t.createdAt,
  };
}

export async function offerView(ctx: BrokerContext, offer: OfferRow, t: TransferRow): Promise<TransferOffer> {
  return {
    id: t.id,
    sessionId: t.sessionId,
    sessionNumber: await numberOf(ctx, t.sessionId),
    customers: await customersOf(ctx, t.sessionId),
    from: (await ctx.store.findRepById(t.fromRepId))?.name ?? '',
    queue: t.queueName,
    message: t.message,
    offeredAt: offer.offeredAt,
    expiresAt: offer.expiresAt,
    takeBack: offer.kind === 'take-back',
  };
}

/**
 * The transfer as the session's participants see it, customers included: the queue's name, never the
 * agents' names, states or the message (those are for the agents and the transferring rep).
 */
export function pendingTransferView(t: TransferRow): PendingTransfer {
  return {
    id: t.id,
    target: { queue: t.queueName, agents: [] },
    startedAt: t.createdAt,
    position: t.position,
    waitingLong: t.waitingLongAt !== null,
  };
}

/** What the rep's panel shows of WebACD: offers open to them and their transfers still open. */
export async function repTransfers(
  ctx: BrokerContext,
  repId: string,
): Promise<{ offers: TransferOffer[]; sent: SentTransfer[] }> {
  const offers = await mapInOrder(await ctx.store.acd.listOpenOffersOfRep(repId), async (offer) => {
    const t = await ctx.store.acd.findTransfer(offer.transferId);
    return t?.status === 'pending' ? [await offerView(ctx, offer, t)] : [];
  });
  const pending = (await ctx.store.acd.listPendingTransfers()).filter((t) => t.fromRepId === repId);
  return { offers: offers.flat(), sent: await mapInOrder(pending, async (t) => await sentView(ctx, t)) };
}

/** The session's transfers from its event log (the log is the story; the transfers table is the state). */
export async function transferRecords(ctx: BrokerContext, sessionId: string): Promise<TransferRecord[]> {
  const records = new Map<string, TransferRecord>();
  for (const e of await ctx.store.eventsOfType(sessionId, 'transfer-started')) {
    const p = e.payload as { transferId: string; from: string; target: TransferTarget };
    records.set(p.transferId, {
      id: p.transferId,
      from: p.from,
      target: p.target,
      startedAt: e.at,
      endedAt: null,
      outcome: null,
      controllerId: null,
    });
  }
  for (const e of await ctx.store.eventsOfType(sessionId, 'transfer-ended')) {
    const p = e.payload as { transferId: string; outcome: TransferOutcome; controllerId: string | null };
    const record = records.get(p.transferId);
    if (record) records.set(p.transferId, { ...record, endedAt: e.at, outcome: p.outcome, controllerId: p.controllerId });
  }
  return [...records.values()];
}

/** Tells an agent an offer of theirs is gone, and why ("taken by Bob", run out, called back). */
export function offerClosed(
  t: TransferRow,
  sessionNumber: string,
  reason: OfferClosedReason,
  by: string | null = null,
): Extract<EventsServerMessage, { type: 'offer-closed' }> {
  return { type: 'offer-closed', transferId: t.id, sessionNumber, reason, by };
}
