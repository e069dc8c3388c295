/**
 * A token bucket: `burst` tokens to start with, refilled at `perSecond`; each accepted item takes one.
 * Lets a peer send a burst (a pasted paragraph, a reconnect's resend) but not a flood.
 */
export function createTokenBucket(perSecond: number, burst: number, now: () => number = Date.now) {
  let tokens = burst;
  let last = now();
  return {
    /** True when there were `cost` tokens for this item (bytes, for a byte budget). */
    take(cost = 1): boolean {
      const t = now();
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * perSecond);
      last = t;
      if (tokens < cost) return false;
      tokens -= cost;
      return true;
    },
  };
}

export type TokenBucket = ReturnType<typeof createTokenBucket>;
