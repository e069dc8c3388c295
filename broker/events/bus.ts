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
 * rolled back. In-process: the events of this broker's own commits.
 */
export class EventBus {
  private constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly listeners: Set<EventListener>,
  ) {}

  static on(store: Store, now: () => number, log: Logger): EventBus {
    const bus = new EventBus(store, now, new Set());
    store.onCommitted(({ events }) => bus.publish(events, log));
    return bus;
  }

  /** This bus over a transaction's store (`tx`): what it appends is published when that commits. */
  within(tx: Store): EventBus {
    return tx === this.store ? this : new EventBus(tx, this.now, this.listeners);
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

  private publish(events: readonly StoredEvent[], log: Logger): void {
    for (const stored of events) {
      const event = fromStored(stored);
      for (const listener of [...this.listeners]) {
        try {
          listener(event);
        } catch (error) {
          // One broken subscriber must not keep the event from the others.
          log.error(`Event subscriber failed on ${event.type}`, error);
        }
      }
    }
  }
}

function fromStored(stored: StoredEvent): SessionEvent {
  return { ...stored.payload, type: stored.type, sessionId: stored.sessionId, seq: stored.seq, at: stored.at } as SessionEvent;
}
