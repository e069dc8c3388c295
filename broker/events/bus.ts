import type { SessionEvent, SessionEventType } from '../../core/protocol';
import type { Store, StoredEvent } from '../store';
import type { Logger } from '../log';

/** An event as its cause describes it; the bus adds sessionId, seq and at. */
export type EventBody = SessionEvent extends infer E
  ? E extends SessionEvent
    ? Omit<E, 'sessionId' | 'seq' | 'at'>
    : never
  : never;

export type EventListener = (event: SessionEvent) => void;

/**
 * Every session change becomes a numbered, stored event, then reaches live subscribers.
 * Events are stored in the same transaction as the change that caused them and published only
 * after it commits (the store's per-transaction outbox), so a subscriber never sees a change that was
 * rolled back. With several brokers (REDIS_URL), cluster/eventRelay.ts subscribes like any listener,
 * publishes what this broker committed to the others, and hands what they committed to `deliverFromElsewhere`.
 */
export class EventBus {
  private constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly listeners: Set<EventListener>,
    private readonly log: Logger,
  ) {}

  static on(store: Store, now: () => number, log: Logger): EventBus {
    const bus = new EventBus(store, now, new Set(), log);
    store.onCommitted(({ events }) => events.forEach((stored) => bus.deliver(fromStored(stored))));
    return bus;
  }

  /** This bus over a transaction's store (`tx`): what it appends is published when that commits. */
  within(tx: Store): EventBus {
    return tx === this.store ? this : new EventBus(tx, this.now, this.listeners, this.log);
  }

  /** Stores an event with the session's next sequence number (in this bus's transaction, or in its own). */
  async append<T extends SessionEventType>(
    sessionId: string,
    type: T,
    payload: Omit<Extract<EventBody, { type: T }>, 'type'>,
  ): Promise<SessionEvent> {
    const at = this.now();
    const seq = await this.store.appendEvent({ sessionId, type, payload, at });
    return { ...payload, type, sessionId, seq, at } as SessionEvent;
  }

  /** Stored events of a session after seq, oldest first. */
  async replay(sessionId: string, afterSeq: number): Promise<SessionEvent[]> {
    return (await this.store.eventsAfter(sessionId, afterSeq)).map(fromStored);
  }

  lastSeq(sessionId: string): Promise<number> {
    return this.store.lastSeq(sessionId);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An event another broker committed (and stored): to this broker's listeners, as if committed here. */
  deliverFromElsewhere(event: SessionEvent): void {
    this.deliver(event);
  }

  private deliver(event: SessionEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One broken subscriber must not keep the event from the others.
        this.log.error(`Event subscriber failed on ${event.type}`, error);
      }
    }
  }
}

function fromStored(stored: StoredEvent): SessionEvent {
  return { ...stored.payload, type: stored.type, sessionId: stored.sessionId, seq: stored.seq, at: stored.at } as SessionEvent;
}
