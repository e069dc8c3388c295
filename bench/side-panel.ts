import { clickByRole } from '../test/e2e/browser';
import { SidePanel } from '../test/e2e/pages/side-panel';
import { firstPeerChannel, INSTRUMENT, resetMarks, waitForMarks } from './marks';
import { startAndJoin } from './session';
import { timing, type Metric } from './stats';
import type { BenchWorld } from './world';

/**
 * Issue 6, metric 6: the side panel opened cold (signed in, no session) → Start session clickable, beside
 * the extension's popup (a small page of the same extension) → Open dashboard clickable; and a reloaded
 * panel in a live session → chat usable again (the customer's link shows connected), beside a bare-PeerJS
 * rep page reloaded → its data connection to the customer open again.
 * Run the cold opens while the rep has no live session: a panel opened then would resume it instead.
 */
export async function benchSidePanel(world: BenchWorld, runs: number): Promise<Metric[]> {
  const cold: number[] = [];
  const popup: number[] = [];
  for (let i = 0; i < runs; i++) {
    const panel = await SidePanel.open(world.rep, { init: INSTRUMENT });
    const opened = await waitForMarks(panel.page, (m) => 'start-button' in m.appear);
    cold.push(opened.appear['start-button']! - opened.origin);
    await panel.page.close();

    const page = await world.rep.openPage('popup.html', { init: INSTRUMENT });
    const shown = await waitForMarks(page, (m) => 'open-dashboard' in m.appear);
    popup.push(shown.appear['open-dashboard']! - shown.origin);
    await page.close();
  }

  const resumed: number[] = [];
  const bareResumed: number[] = [];
  const reopened: number[] = [];
  const app = await startAndJoin(world, 'Rosa Resume');
  // The bare rep page dials the customer, so that after a reload it dials again, as the panel does.
  const session = await world.apiSession();
  const context = await world.customerBrowser.createBrowserContext();
  const bareCustomer = await world.openBare(context, session.customer);
  const bareRep = await world.openBare(world.repBrowser, session.rep, session.customer.peerId);
  await waitForMarks(bareCustomer, (m) => firstPeerChannel(m) !== undefined);
  try {
    for (let i = 0; i < runs; i++) {
      await world.panel.page.bringToFront();
      await world.panel.page.reload();
      const back = await waitForMarks(world.panel.page, (m) => 'linked' in m.appear);
      resumed.push(back.appear.linked! - back.origin);

      await resetMarks(bareCustomer);
      await bareRep.reload();
      const bareBack = await waitForMarks(bareRep, (m) => firstPeerChannel(m) !== undefined);
      bareResumed.push(firstPeerChannel(bareBack)! - bareBack.origin);
    }

    // Issue 13: closed and opened again while the customer shares their screen and both talk. The
    // session runs in the session host, so the new panel attaches to it: nothing is dialed again.
    await app.join.shareScreen();
    await clickByRole(world.panel.page, 'button', 'Start voice');
    await clickByRole(app.join.page, 'button', 'Join');
    await world.panel.page.locator('::-p-aria([name="Leave voice"][role="button"])').wait();
    for (let i = 0; i < runs; i++) {
      await world.panel.page.close();
      world.panel = await SidePanel.open(world.rep, { init: INSTRUMENT });
      const shown = await waitForMarks(
        world.panel.page,
        (m) => 'linked' in m.appear && 'voice-on' in m.appear && m.frames.length > 0,
      );
      reopened.push(Math.max(shown.appear.linked!, shown.appear['voice-on']!, shown.frames[0]!.at) - shown.origin);
    }
  } finally {
    await Promise.all([bareRep.close(), context.close()]);
    await session.end();
    await world.panel.page.bringToFront();
    await app.end();
  }
  return [
    timing('side panel: cold open → interactive', cold, popup, {
      note: 'signed in, no session: Start session clickable; baseline: the extension popup → Open dashboard clickable',
    }),
    timing('side panel: reload → chat usable again', resumed, bareResumed, {
      note: "live session: the customer's link shows connected; baseline: a bare PeerJS rep page reloaded → data connection open",
    }),
    timing('side panel: closed and reopened → chat, screen and voice shown', reopened, bareResumed, {
      note: "a customer sharing and in voice: link connected, the screen's first frame and voice on in the new panel (nothing redialed: the session host kept it); before the session host a panel reload re-dialed and voice ended; baseline: a bare PeerJS rep page reloaded → data connection open",
    }),
  ];
}
