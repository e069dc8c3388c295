import { timing, type Metric } from './stats';
import { bareJoin, startAndJoin } from './session';
import type { BenchWorld } from './world';

/**
 * Issue 6, metric 1: invite link opened → chat data connection open on both sides, beside two bare
 * PeerJS pages joining over the same PeerServer; and the rep's Start session click → number shown.
 * App and baseline runs alternate, so the machine's noise falls on both alike.
 */
export async function benchJoin(world: BenchWorld, runs: number): Promise<Metric[]> {
  const joins: number[] = [];
  const starts: number[] = [];
  const bare: number[] = [];
  const bareStarts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const joined = await startAndJoin(world, `Casey ${i}`);
    joins.push(joined.joinMs);
    starts.push(joined.startMs);
    await joined.end();
    bareStarts.push(await world.timeCreateSession(world.panel.page));
    const baseline = await bareJoin(world);
    bare.push(baseline.joinMs);
    await baseline.end();
  }
  return [
    timing('join: link opened → chat connected', joins, bare, {
      target: { target: 'p50 ≤ 1.1× baseline', met: (m) => m.ratio <= 1.1 },
      note: 'baseline: two bare PeerJS pages (peerjs.min.js, no app code), the same PeerServer, real participant ids',
    }),
    timing('rep: Start session → number shown', starts, bareStarts, {
      note: 'baseline: the bare POST /api/sessions round trip (fetch) from the same panel page',
    }),
  ];
}
