import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { iceConfigFor, type IceSettings } from '../../../broker/ice/iceConfig';
import { startIceRenewal } from '../../../core/mesh/ice-renewal';
import type { IceConfig } from '../../../core/protocol';

const HOUR = 3_600_000;
const settings: IceSettings = {
  servers: [],
  turn: { urls: ['turn:turn.example.test'], secret: 'secret', ttlMs: HOUR },
  policy: 'all',
};

describe('TURN credential renewal', () => {
  let clock: number;
  let fetches: number;
  let failNext: boolean;
  const applied: IceConfig[] = [];
  // The broker's own signing, at the test's clock: what GET /api/sessions/:id/ice answers.
  const fetch = async () => {
    fetches++;
    if (failNext) {
      failNext = false;
      throw new Error('broker unreachable');
    }
    return iceConfigFor(settings, 'p1', clock);
  };
  /** Moves both clocks: the one credentials are signed with and the timers. */
  const pass = async (ms: number) => {
    clock += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };

  beforeEach(() => {
    vi.useFakeTimers();
    clock = Date.UTC(2026, 10, 27);
    fetches = 0;
    failNext = false;
    applied.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('fetches fresh credentials when three quarters of their life has passed, and again for the new ones', async () => {
    const first = iceConfigFor(settings, 'p1', clock);
    const stop = startIceRenewal({ expiresAt: first.expiresAt, fetch, apply: (ice) => applied.push(ice), now: () => clock });
    await pass(0.75 * HOUR - 1000);
    expect(fetches).toBe(0);
    await pass(1000);
    expect(applied).toHaveLength(1);
    expect(applied[0]!.expiresAt).toBe(clock + HOUR);
    expect(applied[0]!.iceServers[0]!.username).not.toBe(first.iceServers[0]!.username);
    await pass(0.75 * HOUR);
    expect(applied).toHaveLength(2);
    stop();
    await pass(2 * HOUR);
    expect(fetches).toBe(2);
  });

  it('tries again after a failed fetch, before the credentials run out', async () => {
    failNext = true;
    const stop = startIceRenewal({ expiresAt: clock + HOUR, fetch, apply: (ice) => applied.push(ice), now: () => clock });
    await pass(0.75 * HOUR);
    expect(fetches).toBe(1);
    expect(applied).toHaveLength(0);
    // A quarter hour was left: the next try comes after three quarters of that.
    await pass(0.75 * 0.25 * HOUR);
    expect(applied).toHaveLength(1);
    stop();
  });

  it('does nothing when nothing expires (no TURN_SECRET)', async () => {
    startIceRenewal({ expiresAt: null, fetch, apply: (ice) => applied.push(ice), now: () => clock });
    await pass(48 * HOUR);
    expect(fetches).toBe(0);
  });
});
