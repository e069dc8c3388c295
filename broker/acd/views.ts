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

/** Row → wire shapes of WebACD (core/protocol/acd.ts). */

/** Where the transfer goes, by name. */
export function transferTarget(ctx: BrokerContext, t: TransferRow): TransferTarget {
  const agents = ctx.store.acd
    .transferTargets(t.id)
    .map((id) => ctx.store.findRepById(id)?.name)
    .filter((name): name is string => name !== undefined);
  return { queue: t.queueId === null && agents.length > 0 ? null : (t.queueName ?? null), agents };
}

const customersOf = (ctx: BrokerContext, sessionId: string) =>
  ctx.store
    .listParticipants(sessionId)
    .filter((p) => p.role === 'customer' && p.leftAt === null)
    .map((p) => p.name);

const numberOf = (ctx: BrokerContext, sessionId: string) => ctx.store.findSession(sessionId)?.number ?? '';

export function sentView(ctx: BrokerContext, t: TransferRow): SentTransfer {
  return {
    id: t.id,
    sessionId: t.sessionId,
    sessionNumber: numberOf(ctx, t.sessionId),
    customers: customersOf(ctx, t.sessionId),
    target: transferTarget(ctx, t),
    createdAt: t.createdAt,
  };
}

export function offerView(ctx: BrokerContext, offer: OfferRow, t: TransferRow): TransferOffer {
  return {
    id: t.id,
    sessionId: t.sessionId,
    sessionNumber: numberOf(ctx, t.sessionId),
    customers: customersOf(ctx, t.sessionId),
    from: ctx.store.findRepById(t.fromRepId)?.name ?? '',
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
export function repTransfers(ctx: BrokerContext, repId: string): { offers: TransferOffer[]; sent: SentTransfer[] } {
  const offers = ctx.store.acd.listOpenOffersOfRep(repId).flatMap((offer) => {
    const t = ctx.store.acd.findTransfer(offer.transferId);
    return t?.status === 'pending' ? [offerView(ctx, offer, t)] : [];
  });
  const sent = ctx.store.acd
    .listPendingTransfers()
    .filter((t) => t.fromRepId === repId)
    .map((t) => sentView(ctx, t));
  return { offers, sent };
}

/** The session's transfers from its event log (the log is the story; the transfers table is the state). */
export function transferRecords(ctx: BrokerContext, sessionId: string): TransferRecord[] {
  const records = new Map<string, TransferRecord>();
  for (const e of ctx.store.eventsOfType(sessionId, 'transfer-started')) {
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
  for (const e of ctx.store.eventsOfType(sessionId, 'transfer-ended')) {
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
