import { MemoryWindows, type Refusal, type WindowCounter, type WindowSpec } from '../auth/limit';
import type { RedisLink } from './redis';
import { KEYS } from './channels';

/**
 * KEYS: the windows; ARGV: each window's limit, then each one's length in ms. Refuses with the first
 * window at its limit (1-based index, ms left), else counts one in every window (starting its clock on
 * the first count). One script, so two brokers cannot both take the last place.
 */
const HIT_ALL = `
local n = #KEYS
for i = 1, n do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count >= tonumber(ARGV[i]) then
    return {i, redis.call('PTTL', KEYS[i])}
  end
end
for i = 1, n do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[n + i]) end
end
return {0, 0}`;

const COUNT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

const REFUND = `if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) else return 0 end`;

const RETRY_AFTER = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count < tonumber(ARGV[1]) then return 0 end
return redis.call('PTTL', KEYS[1])`;

/** Seconds, rounded up, at least 1: what Retry-After says. */
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Fixed-window counts in Redis, so every limit holds across brokers (a guesser gets no more tries by
 * spreading them over brokers). While Redis is unreachable the broker counts in its own memory (logged):
 * limits then hold per broker, which is what one broker alone had, rather than failing every sign-in.
 */
export class RedisWindows implements WindowCounter {
  private readonly local: MemoryWindows;

  constructor(
    private readonly link: RedisLink,
    now: () => number,
  ) {
    this.local = new MemoryWindows(now);
  }

  hitAll(checks: readonly (readonly [WindowSpec, string])[]): Promise<Refusal | undefined> {
    const keys = checks.map(([spec, key]) => KEYS.limit(spec.name, key));
    const args = [...checks.map(([spec]) => spec.limit), ...checks.map(([spec]) => spec.windowMs)];
    return this.shared(
      async () => {
        const [index, ms] = (await this.link.commands.eval(HIT_ALL, keys.length, ...keys, ...args)) as [number, number];
        return index === 0 ? undefined : { index: index - 1, retryAfter: seconds(ms) };
      },
      () => this.local.hitAll(checks),
    );
  }

  retryAfter(spec: WindowSpec, key: string): Promise<number> {
    return this.shared(
      async () => {
        const ms = (await this.link.commands.eval(RETRY_AFTER, 1, KEYS.limit(spec.name, key), spec.limit)) as number;
        return ms === 0 ? 0 : seconds(ms);
      },
      () => this.local.retryAfter(spec, key),
    );
  }

  count(spec: WindowSpec, key: string): Promise<number> {
    return this.shared(
      async () => (await this.link.commands.eval(COUNT, 1, KEYS.limit(spec.name, key), spec.windowMs)) as number,
      () => this.local.count(spec, key),
    );
  }

  refund(spec: WindowSpec, key: string): Promise<void> {
    return this.shared(
      async () => void (await this.link.commands.eval(REFUND, 1, KEYS.limit(spec.name, key))),
      () => this.local.refund(spec, key),
    );
  }

  reset(spec: WindowSpec, key: string): Promise<void> {
    return this.shared(
      async () => void (await this.link.commands.del(KEYS.limit(spec.name, key))),
      () => this.local.reset(spec, key),
    );
  }

  private async shared<T>(inRedis: () => Promise<T>, inMemory: () => Promise<T>): Promise<T> {
    try {
      return await inRedis();
    } catch (error) {
      this.link.failed('count a rate limit', error);
      return inMemory();
    }
  }
}
