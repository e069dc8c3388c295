import type { EventsServerMessage } from '../../core/protocol';
import type { RepRow, TransferRow } from '../store';
import type { BrokerContext } from '../context';
import { agentStatus, isEligible } from './agents';
import { nextOffers, offerExpiry, type Candidate } from './routing';
import { offerClosed, repTransfers } from './views';

/**
 * Keeps every pending transfer moving, from the store's state alone (so a restart picks up where it
 * was): runs offers out, makes new ones as routing says, gives a named transfer back to its rep when
 * every named agent has passed, tells queued sessions their place and when the wait limit passed, and
 * gives up on sessions every customer left. Then pushes each online rep their WebACD standing when it
 * changed. One pass per burst of changes (`ctx.acd.changed()`), and one timer for the next deadline.
 * With several brokers only the one leading (`ctx.duty`) runs passes; a new socket is greeted with its
 * standing by the broker it opened on.
 */
export class TransferDispatcher {
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** What each online rep was last sent, so unchanged standings are not sent again. */
  private readonly lastSent = new Map<string, string>();
  private readonly unsubscribe: (() => void)[];

  constructor(private readonly ctx: BrokerContext) {
    ctx.acd.changed = () => this.changed();
    this.unsubscribe = [
      // Joins, departures and ends change who is busy, who is in a session, and what offers say.
      ctx.bus.subscribe((event) => {
        if (event.type.startsWith('participant-') || event.type.startsWith('transfer-') || event.type === 'session-ended') {
          this.changed();
        }
      }),
      ctx.reps.onChange(({ repId, sink, online }) => {
        if (!online) this.lastSent.delete(repId);
        // A new socket (a reloaded panel) gets the whole standing, after its `ready`: agents always,
        // other reps only while a transfer of theirs is open (nothing else concerns them).
        else if (sink) queueMicrotask(() => this.concerns(repId) && sink.push(this.standing(repId)));
        this.changed();
      }),
    ];
  }

  changed(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.run();
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const stop of this.unsubscribe) stop();
  }

  private run(): void {
    if (this.closed) return;
    // With several brokers one runs the passes (they must not interleave); the others tell it.
    if (!this.ctx.duty.leads()) return this.ctx.duty.askLeader();
    try {
      for (const t of this.ctx.store.acd.listPendingTransfers()) this.advance(t);
      // Read once more, after advancing decided some: the rest of the pass works on what is still open.
      const pending = this.ctx.store.acd.listPendingTransfers();
      this.tellPositions(pending);
      this.pushStandings(pending);
      this.armTimer(pending);
    } catch (error) {
      this.ctx.log.error('WebACD dispatch failed', error);
    }
  }

  private advance(t: TransferRow): void {
    const { store, bus } = this.ctx;
    const now = this.ctx.now();
    const session = store.findSession(t.sessionId);
    const customers = session
      ? store.listParticipants(t.sessionId).filter((p) => p.role === 'customer' && p.leftAt === null)
      : [];
    if (!session || session.status !== 'live' || customers.length === 0) return this.abandon(t, session?.status === 'live');

    // Offers that ran out count as passed.
    for (const offer of store.acd.listOffers(t.id)) {
      if (offer.status === 'open' && offer.expiresAt !== null && offer.expiresAt <= now) {
        if (store.acd.closeOffer(t.id, offer.repId, 'expired', now)) {
          this.ctx.reps.send(offer.repId, offerClosed(t, session.number, 'expired'));
        }
      }
    }
    const offers = store.acd.listOffers(t.id);
    const offered = new Set(offers.map((o) => o.repId));
    const targets = store.acd.transferTargets(t.id);

    if (t.queueId === null) {
      // Named agents: all at once; when every one has passed, the transferring rep may take it back.
      const fresh = targets.filter((id) => !offered.has(id));
      if (fresh.length > 0)
        bus.commit(() =>
          fresh.forEach((repId) => this.offer(t, repId, 'agent', offerExpiry('named', now, this.ctx.acd.offerMs))),
        );
      else if (!offered.has(t.fromRepId) && offers.every((o) => o.status !== 'open')) {
        bus.commit(() => {
          this.offer(t, t.fromRepId, 'take-back', null);
          this.waitingLong(t, now);
        });
      }
      return;
    }

    const queue = store.acd.findQueue(t.queueId);
    if (!queue) return;
    const order = store.acd.queueAgentIds(queue.id).filter((id) => id !== t.fromRepId);
    const candidates = new Map<string, Candidate>();
    for (const id of order) {
      const rep = store.findRepById(id);
      if (rep) candidates.set(id, this.candidate(rep));
    }
    const chosen = nextOffers({
      routing: queue.routing,
      order,
      candidates,
      offered,
      offerOpen: offers.some((o) => o.status === 'open'),
      cursor: queue.cursorRepId,
    });
    if (chosen.length > 0) {
      bus.commit(() => {
        for (const repId of chosen) this.offer(t, repId, 'agent', offerExpiry(queue.routing, now, this.ctx.acd.offerMs));
        if (queue.routing === 'round-robin') store.acd.setQueueCursor(queue.id, chosen[chosen.length - 1]!);
      });
    }
    if (t.waitingLongAt === null && now >= t.createdAt + this.ctx.acd.queueWaitLimitMs)
      bus.commit(() => this.waitingLong(t, now));
  }

  private candidate(rep: RepRow): Candidate {
    const acd = this.ctx.store.acd;
    return {
      repId: rep.id,
      eligible: isEligible(this.ctx, rep),
      liveSessions: acd.countLiveSessionsOfRep(rep.id),
      idleSince: Math.max(acd.lastSessionActivityOfRep(rep.id) ?? 0, acd.agentState(rep.id).since ?? 0),
    };
  }

  private offer(t: TransferRow, repId: string, kind: 'agent' | 'take-back', expiresAt: number | null): void {
    const now = this.ctx.now();
    this.ctx.store.acd.insertOffer({ transferId: t.id, repId, kind, offeredAt: now, expiresAt, status: 'open', closedAt: null });
    this.ctx.store.audit({
      at: now,
      actor: 'broker',
      action: 'transfer-offer',
      sessionId: t.sessionId,
      detail: { transferId: t.id, repId, kind },
    });
  }

  private waitingLong(t: TransferRow, now: number): void {
    this.ctx.store.acd.updateTransfer(t.id, { waitingLongAt: now });
    this.ctx.bus.append(t.sessionId, 'transfer-waiting-long', { transferId: t.id });
  }

  /** Every customer left (or the session ended) while it waited: nobody is left to help. */
  private abandon(t: TransferRow, live: boolean): void {
    const now = this.ctx.now();
    const { store, bus } = this.ctx;
    const withdrawn = bus.commit(() => {
      if (!store.acd.decideTransfer(t.id, 'abandoned', now, null)) return [];
      const withdrawn = store.acd.closeOpenOffers(t.id, 'withdrawn', now);
      bus.append(t.sessionId, 'transfer-ended', { transferId: t.id, outcome: 'abandoned', controllerId: null });
      if (live) {
        store.endSession(t.sessionId, now);
        bus.append(t.sessionId, 'session-ended', {});
      }
      store.audit({
        at: now,
        actor: 'broker',
        action: 'transfer-abandoned',
        sessionId: t.sessionId,
        detail: { transferId: t.id },
      });
      return withdrawn;
    });
    const number = store.findSession(t.sessionId)?.number ?? '';
    for (const repId of withdrawn) this.ctx.reps.send(repId, offerClosed(t, number, 'cancelled'));
  }

  /** Each queued session's place in its queue's line, told when it changes. */
  private tellPositions(pending: readonly TransferRow[]): void {
    const { store, bus } = this.ctx;
    const lines = new Map<string, TransferRow[]>();
    for (const t of pending) {
      if (t.queueId === null) continue;
      const line = lines.get(t.queueId) ?? [];
      line.push(t);
      lines.set(t.queueId, line);
    }
    for (const line of lines.values()) {
      line.forEach((t, index) => {
        const position = index + 1;
        if (t.position === position) return;
        bus.commit(() => {
          store.acd.updateTransfer(t.id, { position });
          bus.append(t.sessionId, 'transfer-position', { transferId: t.id, position });
        });
      });
    }
  }

  private concerns(repId: string): boolean {
    return (
      this.ctx.store.findRepById(repId)?.isAgent === true ||
      this.ctx.store.acd.listPendingTransfers().some((t) => t.fromRepId === repId)
    );
  }

  private standing(repId: string): EventsServerMessage {
    const rep = this.ctx.store.findRepById(repId);
    const status = rep?.isAgent ? agentStatus(this.ctx, rep) : null;
    return { type: 'acd', status, ...repTransfers(this.ctx, repId) };
  }

  /** Agents, and reps with an open transfer or a standing to clear: others have nothing to hear. */
  private pushStandings(pending: readonly TransferRow[]): void {
    const senders = new Set(pending.map((t) => t.fromRepId));
    const agents = new Set(this.ctx.store.acd.listAgentIds());
    for (const repId of this.ctx.reps.onlineReps()) {
      if (!agents.has(repId) && !senders.has(repId) && !this.lastSent.has(repId)) continue;
      const message = this.standing(repId);
      const json = JSON.stringify(message);
      if (this.lastSent.get(repId) === json) continue;
      this.lastSent.set(repId, json);
      this.ctx.reps.send(repId, message);
    }
  }

  /** Wakes up for the next offer to run out or queue wait limit to pass. */
  private armTimer(pending: readonly TransferRow[]): void {
    clearTimeout(this.timer);
    const { store } = this.ctx;
    let next = Infinity;
    for (const t of pending) {
      if (t.queueId !== null && t.waitingLongAt === null) next = Math.min(next, t.createdAt + this.ctx.acd.queueWaitLimitMs);
      for (const o of store.acd.listOffers(t.id))
        if (o.status === 'open' && o.expiresAt !== null) next = Math.min(next, o.expiresAt);
    }
    if (next === Infinity) return;
    this.timer = setTimeout(() => this.changed(), Math.max(0, next - this.ctx.now()) + 5);
    this.timer.unref();
  }
}
