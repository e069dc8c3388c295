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
 * after it commits, so a subscriber never sees a change that was rolled back.
 * With several brokers (REDIS_URL), cluster/eventRelay.ts subscribes like any listener, publishes what
 * this broker committed to the others, and hands what they committed to `deliverFromElsewhere`.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private pending: SessionEvent[] | null = null;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly log: Logger,
  ) {}

  /** Runs fn in one store transaction; events appended inside are published once it commits. */
  commit<T>(fn: () => T): T {
    if (this.pending) return fn();
    const pending: SessionEvent[] = (this.pending = []);
    let result: T;
    try {
      result = this.store.transaction(fn);
    } finally {
      this.pending = null;
    }
    for (const event of pending) this.publish(event);
    return result;
  }

  /** Stores an event with the session's next sequence number (inside commit, or in its own). */
  append<T extends SessionEventType>(
    sessionId: string,
    type: T,
    payload: Omit<Extract<EventBody, { type: T }>, 'type'>,
  ): SessionEvent {
    if (!this.pending) return this.commit(() => this.append(sessionId, type, payload));
    const at = this.now();
    const seq = this.store.appendEvent({ sessionId, type, payload, at });
    const event = { ...payload, type, sessionId, seq, at } as SessionEvent;
    this.pending.push(event);
    return event;
  }

  /** Stored events of a session after seq, oldest first. */
  replay(sessionId: string, afterSeq: number): SessionEvent[] {
    return this.store.eventsAfter(sessionId, afterSeq).map(fromStored);
  }

  lastSeq(sessionId: string): number {
    return this.store.lastSeq(sessionId);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An event another broker committed (and stored): to this broker's listeners, as if committed here. */
  deliverFromElsewhere(event: SessionEvent): void {
    this.publish(event);
  }

  private publish(event: SessionEvent): void {
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
