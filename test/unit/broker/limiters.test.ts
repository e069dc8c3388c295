import { describe, expect, it } from 'vitest';
import { BusyError, ConcurrencyLimit } from '../../../broker/auth/concurrencyLimit';
import { OncePerWindow, RateLimiter, hitAll } from '../../../broker/auth/rateLimit';
import { addressKey } from '../../../broker/http/clientAddress';
import { inWords, rateLimited } from '../../../broker/api/errors';

/** A promise the test settles by hand: tasks that finish exactly when the test says. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('ConcurrencyLimit', () => {
  it('runs at most max tasks at once, queues up to maxQueued, refuses the rest at once', async () => {
    const limit = new ConcurrencyLimit(2, 3, 4);
    let running = 0;
    let peak = 0;
    const gates = Array.from({ length: 8 }, gate);
    const started: number[] = [];
    const results = gates.map((g, i) =>
      limit
        .run(async () => {
          started.push(i);
          peak = Math.max(peak, ++running);
          await g.opened;
          running--;
          return i;
        })
        .then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
    );
    // Two run, three wait, three are refused without waiting for anything.
    const refused = await Promise.all(results.slice(5));
    for (const r of refused) {
      expect(r).toEqual({ error: expect.any(BusyError) });
      expect((r as { error: BusyError }).error.retryAfterSeconds).toBe(4);
    }
    expect(limit.load).toEqual({ running: 2, queued: 3 });
    expect(limit.refused).toBe(3);
    // Finishing one lets exactly one waiting task in, oldest first.
    for (const g of gates.slice(0, 5)) g.open();
    expect(await Promise.all(results.slice(0, 5))).toEqual([0, 1, 2, 3, 4].map((value) => ({ value })));
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(limit.peak).toBe(2);
    expect(limit.load).toEqual({ running: 0, queued: 0 });
  });

  it('frees its place when a task fails', async () => {
    const limit = new ConcurrencyLimit(1, 0);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(async () => 'next')).toBe('next');
  });
});

describe('RateLimiter', () => {
  it('counts what the caller says, refuses at the limit, forgets after the window', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);
    expect(limiter.retryAfter('a')).toBe(0);
    expect(limiter.count('a')).toBe(1);
    expect(limiter.count('a')).toBe(2);
    expect(limiter.retryAfter('a')).toBe(60);
    limiter.refund('a');
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.count('a');
    limiter.reset('a');
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.count('b');
    limiter.count('b');
    now = 59_500;
    expect(limiter.retryAfter('b')).toBe(1);
    now = 60_000;
    expect(limiter.retryAfter('b')).toBe(0);
  });
});

describe('hitAll', () => {
  it('counts an attempt against every limit, or against none when one refuses', () => {
    const byRep = new RateLimiter(3, 60_000, () => 0);
    const byAddress = new RateLimiter(1, 60_000, () => 0);
    expect(
      hitAll([
        [byRep, 'ann'],
        [byAddress, 'here'],
      ]),
    ).toBeUndefined();
    expect(
      hitAll([
        [byRep, 'ann'],
        [byAddress, 'here'],
      ]),
    ).toEqual({ index: 1, retryAfter: 60 });
    // The refusal by address used up nothing of Ann's own limit.
    expect(byRep.count('ann')).toBe(2);
  });
});

describe('OncePerWindow', () => {
  it('says yes once a window per key', () => {
    let now = 0;
    const once = new OncePerWindow(60_000, () => now);
    expect([once.take('a'), once.take('a'), once.take('b')]).toEqual([true, false, true]);
    now = 60_000;
    expect(once.take('a')).toBe(true);
  });
});

describe('rate-limit refusals', () => {
  it('are 429 with Retry-After in seconds and a wait in words', () => {
    const error = rateLimited(59.2, 'Too many attempts.');
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 60 });
    expect(error.message).toBe('Too many attempts. Try again in 60 seconds.');
    expect(rateLimited(0, 'x').retryAfterSeconds).toBe(1);
    expect([1, 119, 120, 900, 7140, 7141, 7200, 7201].map(inWords)).toEqual([
      'in 1 second',
      'in 119 seconds',
      'in 2 minutes',
      'in 15 minutes',
      'in 119 minutes',
      'in 2 hours',
      'in 2 hours',
      'in 3 hours',
    ]);
  });
});

describe('client addresses', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    // What a dual-stack listener reports for an IPv4 client is that IPv4 client.
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['::FFFF:c000:207', '192.0.2.7'],
    // A subscriber holds a whole /64: every address in it is one party.
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.7', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s counts as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});
