import { clickByRole, waitUntil } from '../test/e2e/browser';
import { clickedAt, resetMarks, waitForMarks } from './marks';
import { bareJoin, startAndJoin } from './session';
import { timing, type Metric } from './stats';
import type { BenchWorld } from './world';

const noVideo = () => document.querySelector('video') === null;

/**
 * Issue 13: the rep clicks Share my screen → the first decoded frame on the customer's page; and the rep
 * clicks Join voice while the customer is in voice (listening for them) → the first audio bytes at the
 * customer. Beside bare PeerJS pages doing the same (getDisplayMedia + call; getUserMedia + a call the
 * other side answers with its microphone) on the same PeerServer, with the same fake devices. Both bare
 * figures run customer → rep (the bare pages are symmetrical: one share, one call, one answer).
 */
export async function benchMedia(world: BenchWorld, runs: number): Promise<Metric[]> {
  const app = await startAndJoin(world, 'Mia Media');
  const bare = await bareJoin(world);
  const panel = world.panel.page;
  const customer = app.join.page;
  const share = { ours: [] as number[], base: [] as number[] };
  const voice = { ours: [] as number[], base: [] as number[] };
  try {
    // The customer is in voice first; the rep joins and leaves again each run.
    await clickByRole(customer, 'button', 'Start voice');
    await customer.locator('::-p-aria([name="Leave voice"][role="button"])').wait();
    for (let i = 0; i < runs; i++) {
      await customer.bringToFront();
      await Promise.all([resetMarks(panel), resetMarks(customer)]);
      await clickByRole(panel, 'button', 'Share my screen');
      const shown = await waitForMarks(customer, (m) => m.frames.length > 0);
      share.ours.push(shown.frames[0]!.at - clickedAt(await waitForMarks(panel, () => true), 'Share my screen'));
      await clickByRole(panel, 'button', 'Stop sharing');
      await waitUntil(customer, noVideo);

      await Promise.all([resetMarks(panel), resetMarks(customer)]);
      await clickByRole(panel, 'button', 'Join voice');
      const heard = await waitForMarks(customer, (m) => m.audio.length > 0);
      voice.ours.push(heard.audio[0]!.at - clickedAt(await waitForMarks(panel, () => true), 'Join voice'));
      await clickByRole(panel, 'button', 'Leave voice');
      await panel.locator('::-p-aria([name="Join voice"][role="button"])').wait();

      await bare.repPage.bringToFront();
      await Promise.all([resetMarks(bare.repPage), resetMarks(bare.customerPage)]);
      await clickByRole(bare.customerPage, 'button', 'Share screen');
      const bareShown = await waitForMarks(bare.repPage, (m) => m.frames.length > 0);
      share.base.push(bareShown.frames[0]!.at - clickedAt(await waitForMarks(bare.customerPage, () => true), 'Share screen'));
      await clickByRole(bare.customerPage, 'button', 'Stop sharing');
      await waitUntil(bare.repPage, noVideo);

      await Promise.all([resetMarks(bare.repPage), resetMarks(bare.customerPage)]);
      await clickByRole(bare.customerPage, 'button', 'Start voice');
      const bareHeard = await waitForMarks(bare.repPage, (m) => m.audio.length > 0);
      voice.base.push(bareHeard.audio[0]!.at - clickedAt(await waitForMarks(bare.customerPage, () => true), 'Start voice'));
      await clickByRole(bare.customerPage, 'button', 'Leave voice');
    }
  } finally {
    await bare.end();
    await panel.bringToFront();
    await app.end();
  }
  return [
    timing('rep share: Share my screen → first frame at the customer', share.ours, share.base, {
      target: { target: 'p50 ≤ 1.2× baseline', met: (m) => m.ratio <= 1.2 },
      note: 'baseline: bare PeerJS pages, getDisplayMedia + call, same fake screen and PeerServer',
    }),
    timing('voice: Join voice → first audio at the other side', voice.ours, voice.base, {
      target: { target: 'p50 ≤ 1.2× baseline', met: (m) => m.ratio <= 1.2 },
      note: 'baseline: bare PeerJS pages, getUserMedia + call answered with the microphone, same fake devices',
    }),
  ];
}
