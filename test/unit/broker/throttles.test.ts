import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../broker/auth/tokenBucket';
import { LogThrottle } from '../../../broker/logThrottle';

describe('TokenBucket', () => {
  it('lets a burst through, then the rate, and fills up again', () => {
    let now = 0;
    const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 499;
    expect(bucket.take()).toBe(false);
    now += 1;
    expect(bucket.take()).toBe(true);
    expect(bucket.isFull()).toBe(false);
    now += 10_000;
    expect(bucket.isFull()).toBe(true);
    // Never more than the burst, however long it rested.
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe('LogThrottle', () => {
  it('writes one line at most once a window, with the running count and what it skipped', () => {
    let now = 0;
    const lines: unknown[][] = [];
    const log = { info() {}, error() {}, warn: (...args: unknown[]) => void lines.push(args) };
    const throttle = new LogThrottle(log, 'Events socket: bad frame', 1000, () => now);
    throttle.note('Invalid WebSocket frame:\n invalid UTF-8 sequence');
    throttle.note('again');
    throttle.note('again');
    expect(lines).toEqual([['Events socket: bad frame (Invalid WebSocket frame: invalid UTF-8 sequence); 1 so far']]);
    now = 1000;
    throttle.note('x'.repeat(500));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toHaveLength(1);
    expect(lines[1]![0]).toMatch(/^Events socket: bad frame \(x{159}…\); 4 so far, 2 not logged since the last line$/);
    expect(throttle.total).toBe(4);
  });
});
