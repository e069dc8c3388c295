import { hitAll, RateLimiter } from './rateLimit';

/** A fixed-window limit: at most `limit` counts per key in `windowMs`. `name` keeps its counts apart. */
export interface WindowSpec {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

export type Refusal = { index: number; retryAfter: number };

/**
 * Where fixed-window counts live: in this process (MemoryWindows) or where every broker sees them
 * (cluster/redisWindows.ts), so a limit holds across brokers. Asynchronous because the shared one asks Redis.
 */
export interface WindowCounter {
  /** Counts one against every (limit, key) unless one is at its limit: all or none, atomically. */
  hitAll(checks: readonly (readonly [WindowSpec, string])[]): Promise<Refusal | undefined>;
  /** Seconds until `key` may try again; 0 while under the limit. Counts nothing. */
  retryAfter(spec: WindowSpec, key: string): Promise<number>;
  /** Counts one; returns the count in the current window. */
  count(spec: WindowSpec, key: string): Promise<number>;
  /** Takes back one count. */
  refund(spec: WindowSpec, key: string): Promise<void>;
  /** Forgets the key's window. */
  reset(spec: WindowSpec, key: string): Promise<void>;
}

/** One named limit of the broker, counted wherever its counter keeps counts. */
export class Limit implements WindowSpec {
  constructor(
    readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
    readonly counter: WindowCounter,
  ) {}

  /** Counts an attempt; 0 when allowed, else the seconds until attempts are allowed again. */
  async hit(key: string): Promise<number> {
    return (await this.counter.hitAll([[this, key]]))?.retryAfter ?? 0;
  }

  retryAfter(key: string): Promise<number> {
    return this.counter.retryAfter(this, key);
  }

  count(key: string): Promise<number> {
    return this.counter.count(this, key);
  }

  refund(key: string): Promise<void> {
    return this.counter.refund(this, key);
  }

  reset(key: string): Promise<void> {
    return this.counter.reset(this, key);
  }
}

/**
 * One attempt against several limits (per rep and per address, say), counted against all or none (see
 * `hitAll` in rateLimit.ts). The limits share one counter: a broker makes all its limits with one.
 */
export function hitEvery(checks: readonly (readonly [Limit, string])[]): Promise<Refusal | undefined> {
  return checks[0]![0].counter.hitAll(checks);
}

/** Lets something happen at most once per window and key, across brokers when the counter is shared. */
export class OnceAWindow {
  private readonly limit: Limit;

  constructor(name: string, windowMs: number, counter: WindowCounter) {
    this.limit = new Limit(name, 1, windowMs, counter);
  }

  async take(key: string): Promise<boolean> {
    return (await this.limit.hit(key)) === 0;
  }
}

/** Counts in this process: a broker alone, or one whose Redis is unreachable for a moment. */
export class MemoryWindows implements WindowCounter {
  private readonly limiters = new Map<string, RateLimiter>();

  constructor(private readonly now: () => number = Date.now) {}

  async hitAll(checks: readonly (readonly [WindowSpec, string])[]): Promise<Refusal | undefined> {
    return hitAll(checks.map(([spec, key]) => [this.limiter(spec), key] as const));
  }

  async retryAfter(spec: WindowSpec, key: string): Promise<number> {
    return this.limiter(spec).retryAfter(key);
  }

  async count(spec: WindowSpec, key: string): Promise<number> {
    return this.limiter(spec).count(key);
  }

  async refund(spec: WindowSpec, key: string): Promise<void> {
    this.limiter(spec).refund(key);
  }

  async reset(spec: WindowSpec, key: string): Promise<void> {
    this.limiter(spec).reset(key);
  }

  private limiter(spec: WindowSpec): RateLimiter {
    let limiter = this.limiters.get(spec.name);
    if (!limiter) this.limiters.set(spec.name, (limiter = new RateLimiter(spec.limit, spec.windowMs, this.now)));
    return limiter;
  }
}
