import { describe, expect, it } from 'vitest';
import { BENCHMARKS, SMOKE } from '../../bench/options';
import { runBenchmarks } from '../../bench/run';
import type { Metric } from '../../bench/stats';

// Every benchmark once with tiny counts, so `npm run bench` cannot rot: the numbers are not judged here,
// only that each metric comes out whole and finite.
describe('benchmarks (smoke run)', () => {
  let metrics: Metric[];

  it('the browser benchmarks and the broker ramp run and report every metric', async () => {
    metrics = await runBenchmarks(SMOKE, BENCHMARKS);
    const names = metrics.map((m) => m.name);
    for (const prefix of [
      'side panel: cold open',
      'side panel: reload',
      'join page: bytes on the wire until name field usable',
      'join page: bytes on the wire before Join',
      'join page: link opened → name field ready',
      'join page: link opened → name field ready (slow mobile)',
      'join: link opened',
      'rep: Start session',
      'first frame:',
      'rep share: Share my screen',
      'voice: Join voice',
      'chat: round trip',
      'chat: sent',
      'panel: input delay during a 3,000-message flood',
      'presence: customer’s browser killed',
      'files: throughput rep → customer',
      'files: receiving page’s renderer RSS growth',
      'files: receiving page’s JS heap growth',
      'chat: round trip during a file transfer',
      'chat: round trip during a raw RTCDataChannel transfer',
      'broker: participants held',
      'broker: relay p99',
      'broker: RSS per participant',
      'broker: RSS per socket',
      'broker on PostgreSQL: participants held',
      'broker on PostgreSQL: relay p99',
      'broker on PostgreSQL: RSS per participant',
      'join page GET / during',
      'cluster: participants held by two brokers',
      'cluster: signaling relay, a pair split across brokers',
    ]) {
      expect(
        names.some((n) => n.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });

  it('each metric has the results.json shape with sane numbers', () => {
    for (const m of metrics) {
      expect(typeof m.name).toBe('string');
      expect(typeof m.unit).toBe('string');
      for (const key of ['value', 'baseline', 'p50', 'p95', 'runs'] as const) {
        expect(Number.isFinite(m[key]), `${m.name}: ${key} = ${m[key]}`).toBe(true);
      }
      // With two or four simulated participants a baseline figure can be 0 (no memory grown, or a step
      // missed on a busy machine): then there is no ratio.
      if (m.baseline !== 0) expect(Number.isFinite(m.ratio), `${m.name}: ratio = ${m.ratio}`).toBe(true);
      expect(m.runs, m.name).toBeGreaterThanOrEqual(1);
      expect(m.p95, m.name).toBeGreaterThanOrEqual(m.p50);
      if (m.p99 !== undefined) expect(m.p99, m.name).toBeGreaterThanOrEqual(m.p95);
      if (m.unit === 'ms') expect(m.value, m.name).toBeGreaterThan(0);
    }
    expect(metrics.find((m) => m.name.startsWith('chat: round trip'))?.p99).toBeDefined();
    // Bytes really crossed the wire (compressed), and PeerJS fetched in the background adds to them.
    const usable = metrics.find((m) => m.name.startsWith('join page: bytes on the wire until name field usable'))!;
    const beforeJoin = metrics.find((m) => m.name.startsWith('join page: bytes on the wire before Join'))!;
    expect(usable.value).toBeGreaterThan(1);
    expect(beforeJoin.value).toBeGreaterThan(usable.value);
  });
});
