/**
 * Fixed-window counter, in memory (one broker process). Enough to make guessing slow; a multi-broker
 * deployment would move it to Redis beside the event bus. What a count means (an attempt, a failure)
 * is the caller's choice: `hit` counts and checks at once, `retryAfter` + `count` apart.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private nextSweep = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts an attempt; returns 0 when allowed, else the seconds until attempts are allowed again. */
  hit(key: string): number {
    const wait = this.retryAfter(key);
    if (wait > 0) return wait;
    this.count(key);
    return 0;
  }

  /** Seconds until `key` may try again, 0 while it is under the limit. Counts nothing. */
  retryAfter(key: string): number {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now || window.count < this.limit) return 0;
    return Math.max(1, Math.ceil((window.resetAt - now) / 1000));
  }

  /** Counts one for `key`; returns the count in the current window. */
  count(key: string): number {
    const now = this.now();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    return ++window.count;
  }

  /** Takes back one count (e.g. a mail the mail server refused after all). */
  refund(key: string): void {
    const window = this.windows.get(key);
    if (window && window.count > 0) window.count--;
  }

  /** Forgets `key`'s window (e.g. a pair's failures after a correct password). */
  reset(key: string): void {
    this.windows.delete(key);
  }

  /** Forgets expired windows now and then, so the map cannot grow without bound. */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + this.windowMs;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/**
 * One attempt against several limits (per rep and per address, say): counted against all of them, or,
 * when one refuses, against none, so a refusal by one does not use up the others. Returns the first
 * refusing limit's index and wait, or undefined when the attempt may go ahead.
 */
export function hitAll(checks: readonly (readonly [RateLimiter, string])[]): { index: number; retryAfter: number } | undefined {
  for (const [index, [limiter, key]] of checks.entries()) {
    const retryAfter = limiter.retryAfter(key);
    if (retryAfter > 0) return { index, retryAfter };
  }
  for (const [limiter, key] of checks) limiter.count(key);
  return undefined;
}

/**
 * Lets something happen at most once per window and key: the reps' "many knocks" warning, or the audit
 * entry of a refusal, so a flood of refused requests is one line in the audit and not a full disk.
 */
export class OncePerWindow {
  private readonly limiter: RateLimiter;

  constructor(windowMs: number, now: () => number = Date.now) {
    this.limiter = new RateLimiter(1, windowMs, now);
  }

  /** True the first time for `key` in a window, false until the window is over. */
  take(key: string): boolean {
    return this.limiter.hit(key) === 0;
  }
}
