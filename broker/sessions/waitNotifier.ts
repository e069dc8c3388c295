/**
 * Long-poll wake-ups for customers waiting to be admitted: a status request parks here until the wait
 * is decided, its session ends, its time is up, the client goes away or the broker closes. In memory:
 * several brokers would wake each other through the event bus.
 */
export class WaitNotifier {
  private readonly parked = new Map<string, Set<Parked>>();
  private closed = false;

  /** Resolves on notify(waitId) or notifySession(sessionId), after ms, on signal abort, or at close. */
  wait(waitId: string, sessionId: string, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry: Parked = {
        sessionId,
        wake: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', entry.wake);
          const set = this.parked.get(waitId);
          set?.delete(entry);
          if (set?.size === 0) this.parked.delete(waitId);
          resolve();
        },
      };
      const timer = setTimeout(entry.wake, ms);
      signal?.addEventListener('abort', entry.wake, { once: true });
      let set = this.parked.get(waitId);
      if (!set) this.parked.set(waitId, (set = new Set()));
      set.add(entry);
    });
  }

  notify(waitId: string): void {
    for (const entry of [...(this.parked.get(waitId) ?? [])]) entry.wake();
  }

  notifySession(sessionId: string): void {
    for (const set of [...this.parked.values()]) {
      for (const entry of [...set]) if (entry.sessionId === sessionId) entry.wake();
    }
  }

  /** Requests parked right now (tests check that disconnects clean up). */
  get size(): number {
    let n = 0;
    for (const set of this.parked.values()) n += set.size;
    return n;
  }

  close(): void {
    this.closed = true;
    for (const set of [...this.parked.values()]) for (const entry of [...set]) entry.wake();
  }
}

interface Parked {
  sessionId: string;
  wake: () => void;
}
