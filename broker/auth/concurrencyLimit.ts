/** A task refused because the limit's queue is full: the caller answers 429 with `retryAfterSeconds`. */
export class BusyError extends Error {
  override name = 'BusyError';
  constructor(readonly retryAfterSeconds: number) {
    super('Too busy right now');
  }
}

/**
 * At most `max` tasks at once, at most `maxQueued` waiting, the rest refused at once (BusyError).
 * Made for scrypt: it runs on libuv's thread pool (4 threads by default), which the join page's static
 * files and every other fs call share. 48 concurrent bogus sign-ins once took all of it and the join page
 * went from 11 ms to 3.5 s; with a cap, password work cannot take more than `max` of those threads.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  /** The most tasks that ever ran at once (tests and diagnostics). */
  peak = 0;
  /** Tasks refused because the queue was full. */
  refused = 0;

  constructor(
    readonly max: number,
    readonly maxQueued: number,
    /** What a refused caller is told to wait: about how long the queue takes to drain. */
    private readonly retryAfterSeconds = 1,
  ) {}

  /** Runs task when a place is free; throws BusyError at once when `maxQueued` tasks wait already. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.queue.length >= this.maxQueued) {
        this.refused++;
        throw new BusyError(this.retryAfterSeconds);
      }
      // The finishing task hands its place over directly, so `running` never goes above max.
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.running++;
    }
    this.peak = Math.max(this.peak, this.running);
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Tasks running and waiting right now. */
  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }
}
