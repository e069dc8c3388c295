/**
 * A token bucket: `burst` tokens to start with, refilled at `perSecond`; each accepted item takes one.
 * Lets a peer send a burst (a pasted paragraph, a reconnect's resend) but not a flood.
 */
export function createTokenBucket(perSecond: number, burst: number, now: () => number = Date.now) {
  let tokens = burst;
  let last = now();
  return {
    /** True when there was a token for this item. */
    take(): boolean {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

export type TokenBucket = ReturnType<typeof createTokenBucket>;
