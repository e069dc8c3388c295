/** A rate with room for bursts: `burst` at once, then `perSecond` on average. */
export interface Rate {
  burst: number;
  perSecond: number;
}

/**
 * A token bucket: holds up to `burst` tokens, refilled at `perSecond`; each allowed action takes one.
 * Bursts pass (ICE candidates come in bunches), a steady flood is held to the rate. In memory, one
 * broker process. `now` is a monotonic clock in milliseconds.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number,
  ) {
    this.tokens = rate.burst;
    this.at = now();
  }

  /** Takes a token; false when none is left (the action is over the rate). */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Full again: the bucket remembers nothing a new one would not. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.rate.burst;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.at) * this.rate.perSecond) / 1000);
    this.at = now;
  }
}
