import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventsServerMessage } from '../../core/protocol';
import type { RepRow, TransferRow } from '../store';
import type { BrokerContext } from '../context';
import { transact } from '../transact';
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
  /**
   * Passes run in the context the dispatcher was made in: a change noticed inside a transaction (an
   * agent signing in) must not make the pass look like part of that transaction (see transactionScope.ts).
   */
  private readonly outside = AsyncLocalStorage.snapshot();
  /** The pass under way: passes never overlap (a change meanwhile schedules the next one). */
  private running: Promise<void> = Promise.resolve();
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
        else if (sink) void this.greet(repId, sink);
        this.changed();
      }),
    ];
  }

  changed(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    this.running = this.outside(() =>
      this.running.then(() => {
        this.scheduled = false;
        return this.run();
      }),
    );
  }

  /** Stops, after the pass under way (the store stays usable until then). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    for (const stop of this.unsubscribe) stop();
    await this.running;
  }

  private async greet(repId: string, sink: { push(message: EventsServerMessage): void }): Promise<void> {
    try {
      if (await this.concerns(repId)) sink.push(await this.standing(repId));
    } catch (error) {
      this.ctx.log.error('WebACD: could not tell a rep their standing', error);
    }
  }

  private async run(): Promise<void> {
    if (this.closed) return;
    // With several brokers one runs the passes (they must not interleave); the others tell it.
    if (!this.ctx.duty.leads()) return this.ctx.duty.askLeader();
    try {
      for (const t of await this.ctx.store.acd.listPendingTransfers()) await this.advance(t);
      // Read once more, after advancing decided some: the rest of the pass works on what is still open.
      const pending = await this.ctx.store.acd.listPendingTransfers();
      await this.tellPositions(pending);
      await this.pushStandings(pending);
      await this.armTimer(pending);
    } catch (error) {
      this.ctx.log.error('WebACD dispatch failed', error);
    }
  }

  private async advance(t: TransferRow): Promise<void> {
    const { store } = this.ctx;
    const now = this.ctx.now();
    const session = await store.findSession(t.sessionId);
    const customers = session
      ? (await store.listParticipants(t.sessionId)).filter((p) => p.role === 'customer' && p.leftAt === null)
      : [];
    if (!session || session.status !== 'live' || customers.length === 0) return this.abandon(t, session?.status === 'live');

    // Offers that ran out count as passed.
    for (const offer of await store.acd.listOffers(t.id)) {
      if (offer.status === 'open' && offer.expiresAt !== null && offer.expiresAt <= now) {
        if (await store.acd.closeOffer(t.id, offer.repId, 'expired', now)) {
          this.ctx.reps.send(offer.repId, offerClosed(t, session.number, 'expired'));
        }
      }
    }
    const offers = await store.acd.listOffers(t.id);
    const offered = new Set(offers.map((o) => o.repId));
    const targets = await store.acd.transferTargets(t.id);

    if (t.queueId === null) {
      // Named agents: all at once; when every one has passed, the transferring rep may take it back.
      const fresh = targets.filter((id) => !offered.has(id));
      if (fresh.length > 0) {
        await transact(this.ctx, async (tc) => {
          for (const repId of fresh) await offer(tc, t, repId, 'agent', offerExpiry('named', now, tc.acd.offerMs));
        });
      } else if (!offered.has(t.fromRepId) && offers.every((o) => o.status !== 'open')) {
        await transact(this.ctx, async (tc) => {
          await offer(tc, t, t.fromRepId, 'take-back', null);
          await waitingLong(tc, t, now);
        });
      }
      return;
    }

    const queue = await store.acd.findQueue(t.queueId);
    if (!queue) return;
    const order = (await store.acd.queueAgentIds(queue.id)).filter((id) => id !== t.fromRepId);
    const candidates = new Map<string, Candidate>();
    for (const id of order) {
      const rep = await store.findRepById(id);
      if (rep) candidates.set(id, await this.candidate(rep));
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
      await transact(this.ctx, async (tc) => {
        for (const repId of chosen) await offer(tc, t, repId, 'agent', offerExpiry(queue.routing, now, tc.acd.offerMs));
        if (queue.routing === 'round-robin') await tc.store.acd.setQueueCursor(queue.id, chosen[chosen.length - 1]!);
      });
    }
    if (t.waitingLongAt === null && now >= t.createdAt + this.ctx.acd.queueWaitLimitMs) {
      await transact(this.ctx, async (tc) => await waitingLong(tc, t, now));
    }
  }

  private async candidate(rep: RepRow): Promise<Candidate> {
    const acd = this.ctx.store.acd;
    return {
      repId: rep.id,
      eligible: await isEligible(this.ctx, rep),
      liveSessions: await acd.countLiveSessionsOfRep(rep.id),
      idleSince: Math.max((await acd.lastSessionActivityOfRep(rep.id)) ?? 0, (await acd.agentState(rep.id)).since ?? 0),
    };
  }

  /** Every customer left (or the session ended) while it waited: nobody is left to help. */
  private async abandon(t: TransferRow, live: boolean): Promise<void> {
    const now = this.ctx.now();
    const withdrawn = await transact(this.ctx, async ({ store, bus }) => {
      if (!(await store.acd.decideTransfer(t.id, 'abandoned', now, null))) return [];
      const withdrawn = await store.acd.closeOpenOffers(t.id, 'withdrawn', now);
      await bus.append(t.sessionId, 'transfer-ended', { transferId: t.id, outcome: 'abandoned', controllerId: null });
      if (live) {
        await store.endSession(t.sessionId, now);
        await bus.append(t.sessionId, 'session-ended', {});
      }
      await store.audit({
        at: now,
        actor: 'broker',
        action: 'transfer-abandoned',
        sessionId: t.sessionId,
        detail: { transferId: t.id },
      });
      return withdrawn;
    });
    const number = (await this.ctx.store.findSession(t.sessionId))?.number ?? '';
    for (const repId of withdrawn) this.ctx.reps.send(repId, offerClosed(t, number, 'cancelled'));
  }

  /** Each queued session's place in its queue's line, told when it changes. */
  private async tellPositions(pending: readonly TransferRow[]): Promise<void> {
    const lines = new Map<string, TransferRow[]>();
    for (const t of pending) {
      if (t.queueId === null) continue;
      const line = lines.get(t.queueId) ?? [];
      line.push(t);
      lines.set(t.queueId, line);
    }
    for (const line of lines.values()) {
      for (const [index, t] of line.entries()) {
        const position = index + 1;
        if (t.position === position) continue;
        await transact(this.ctx, async ({ store, bus }) => {
          await store.acd.updateTransfer(t.id, { position });
          await bus.append(t.sessionId, 'transfer-position', { transferId: t.id, position });
        });
      }
    }
  }

  private async concerns(repId: string): Promise<boolean> {
    return (
      (await this.ctx.store.findRepById(repId))?.isAgent === true ||
      (await this.ctx.store.acd.listPendingTransfers()).some((t) => t.fromRepId === repId)
    );
  }

  private async standing(repId: string): Promise<EventsServerMessage> {
    const rep = await this.ctx.store.findRepById(repId);
    const status = rep?.isAgent ? await agentStatus(this.ctx, rep) : null;
    return { type: 'acd', status, ...(await repTransfers(this.ctx, repId)) };
  }

  /** Agents, and reps with an open transfer or a standing to clear: others have nothing to hear. */
  private async pushStandings(pending: readonly TransferRow[]): Promise<void> {
    const senders = new Set(pending.map((t) => t.fromRepId));
    const agents = new Set(await this.ctx.store.acd.listAgentIds());
    for (const repId of this.ctx.reps.onlineReps()) {
      if (!agents.has(repId) && !senders.has(repId) && !this.lastSent.has(repId)) continue;
      const message = await this.standing(repId);
      const json = JSON.stringify(message);
      if (this.lastSent.get(repId) === json) continue;
      this.lastSent.set(repId, json);
      this.ctx.reps.send(repId, message);
    }
  }

  /** Wakes up for the next offer to run out or queue wait limit to pass. */
  private async armTimer(pending: readonly TransferRow[]): Promise<void> {
    clearTimeout(this.timer);
    const { store } = this.ctx;
    let next = Infinity;
    for (const t of pending) {
      if (t.queueId !== null && t.waitingLongAt === null) next = Math.min(next, t.createdAt + this.ctx.acd.queueWaitLimitMs);
      for (const o of await store.acd.listOffers(t.id))
        if (o.status === 'open' && o.expiresAt !== null) next = Math.min(next, o.expiresAt);
    }
    if (next === Infinity || this.closed) return;
    this.timer = setTimeout(() => this.changed(), Math.max(0, next - this.ctx.now()) + 5);
    this.timer.unref();
  }
}

async function offer(
  ctx: BrokerContext,
  t: TransferRow,
  repId: string,
  kind: 'agent' | 'take-back',
  expiresAt: number | null,
): Promise<void> {
  const now = ctx.now();
  await ctx.store.acd.insertOffer({ transferId: t.id, repId, kind, offeredAt: now, expiresAt, status: 'open', closedAt: null });
  await ctx.store.audit({
    at: now,
    actor: 'broker',
    action: 'transfer-offer',
    sessionId: t.sessionId,
    detail: { transferId: t.id, repId, kind },
  });
}

async function waitingLong(ctx: BrokerContext, t: TransferRow, now: number): Promise<void> {
  await ctx.store.acd.updateTransfer(t.id, { waitingLongAt: now });
  await ctx.bus.append(t.sessionId, 'transfer-waiting-long', { transferId: t.id });
}
