import { clickByRole, waitUntil } from '../test/e2e/browser';
import { clickedAt, resetMarks, waitForMarks } from './marks';
import { bareJoin, startAndJoin } from './session';
import { timing, type Metric } from './stats';
import type { BenchWorld } from './world';

const noVideo = () => document.querySelector('video') === null;

/**
 * Issue 6, metric 2: the customer clicks Share screen → the first decoded frame in the rep's panel
 * (requestVideoFrameCallback), beside bare PeerJS pages doing getDisplayMedia + call with the same fake
 * screen. One session each, shares repeated; app and baseline alternate. The viewing page is brought to
 * the front of its browser: background tabs get no video frames.
 */
export async function benchFirstFrame(world: BenchWorld, runs: number): Promise<Metric[]> {
  const app = await startAndJoin(world, 'Frida Frame');
  const bare = await bareJoin(world);
  const ours: number[] = [];
  const base: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      await world.panel.page.bringToFront();
      await resetMarks(world.panel.page);
      await app.join.shareScreen();
      const shown = await waitForMarks(world.panel.page, (m) => m.frames.length > 0);
      const sharer = await waitForMarks(app.join.page, () => true);
      ours.push(shown.frames[0]!.at - clickedAt(sharer, 'Share screen'));
      await app.join.stopSharing();
      await waitUntil(world.panel.page, noVideo);

      await bare.repPage.bringToFront();
      await resetMarks(bare.repPage);
      await clickByRole(bare.customerPage, 'button', 'Share screen');
      const bareShown = await waitForMarks(bare.repPage, (m) => m.frames.length > 0);
      const bareSharer = await waitForMarks(bare.customerPage, () => true);
      base.push(bareShown.frames[0]!.at - clickedAt(bareSharer, 'Share screen'));
      await clickByRole(bare.customerPage, 'button', 'Stop sharing');
      await waitUntil(bare.repPage, noVideo);
    }
  } finally {
    await bare.end();
    await world.panel.page.bringToFront();
    await app.end();
  }
  return [
    timing('first frame: Share screen → first frame at the rep', ours, base, {
      target: { target: 'p50 ≤ 1.2× baseline', met: (m) => m.ratio <= 1.2 },
      note: 'baseline: bare PeerJS pages, getDisplayMedia + call, same fake screen and PeerServer',
    }),
  ];
}
