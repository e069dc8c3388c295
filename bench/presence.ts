import type { Browser } from 'puppeteer-core';
import { launchBrowser } from '../test/e2e/browser';
import { JoinPage } from '../test/e2e/pages/join-page';
import { firstPeerChannel, resetMarks, waitForMarks, type Marks } from './marks';
import { timing, type Metric } from './stats';
import type { BenchWorld } from './world';

/**
 * Issue 10: a customer's browser goes away without a word (its process is killed, as when a laptop lid
 * closes or the browser crashes) → the rep's panel shows them offline. Beside the same with bare PeerJS
 * pages: when PeerJS itself reports the data connection closed (it has only WebRTC's own checks). Target:
 * within 10 s. `baselineWaitMs` bounds the baseline's wait: a baseline that never notices counts as that.
 */
export async function benchPresence(world: BenchWorld, runs: number, baselineWaitMs: number): Promise<Metric[]> {
  const ours: number[] = [];
  const base: number[] = [];
  let unnoticed = 0;
  for (let i = 0; i < runs; i++) {
    ours.push(await appGoesAway(world, `Paz Presence ${i}`));
    const bare = await bareGoesAway(world, baselineWaitMs);
    if (bare === undefined) unnoticed++;
    base.push(bare ?? baselineWaitMs);
  }
  return [
    timing('presence: customer’s browser killed → offline in the panel', ours, base, {
      target: { target: '≤ 10 s', met: (m) => m.p95 <= 10_000 },
      note:
        'the panel’s participant list shows the customer offline; baseline: bare PeerJS pages, the rep page’s data connection reports close' +
        (unnoticed ? ` (${unnoticed} of ${runs} never did within ${baselineWaitMs / 1000} s: counted as that)` : ''),
    }),
  ];
}

/** Kills the browser; returns when (epoch ms) it happened. */
async function kill(browser: Browser): Promise<number> {
  const at = Date.now();
  browser.process()?.kill('SIGKILL');
  await new Promise((resolve) => (browser.connected ? browser.once('disconnected', resolve) : resolve(undefined)));
  return at;
}

async function appGoesAway(world: BenchWorld, name: string): Promise<number> {
  const { panel } = world;
  const { joinUrl } = await panel.startSession();
  const customer = await launchBrowser();
  try {
    const join = await JoinPage.open(customer, joinUrl);
    await join.join(name);
    await waitForMarks(panel.page, (m) => 'linked' in m.appear);
    await resetMarks(panel.page);
    const killedAt = await kill(customer);
    const marks = await waitForMarks(panel.page, (m) => 'someone-offline' in m.appear);
    return marks.appear['someone-offline']! - killedAt;
  } finally {
    await customer.close().catch(() => undefined);
    await panel.endSession();
    await panel.waitForText('The session has ended');
    await panel.page.locator('::-p-aria([name="Back"][role="button"])').click();
    await panel.page.locator('::-p-aria([name="Start session"][role="button"])').wait();
    await resetMarks(panel.page);
  }
}

/** The same with bare pages; undefined when PeerJS did not notice within `waitMs`. */
async function bareGoesAway(world: BenchWorld, waitMs: number): Promise<number | undefined> {
  const session = await world.apiSession();
  const customer = await launchBrowser();
  const repPage = await world.openBare(world.repBrowser, session.rep);
  try {
    await world.openBare(customer, session.customer, session.rep.peerId);
    await waitForMarks(repPage, (m) => firstPeerChannel(m) !== undefined);
    const killedAt = await kill(customer);
    const deadline = Date.now() + waitMs;
    const marks: Marks = await waitForMarks(repPage, (m) => 'data-closed' in m.appear || Date.now() > deadline);
    return 'data-closed' in marks.appear ? marks.appear['data-closed']! - killedAt : undefined;
  } finally {
    await customer.close().catch(() => undefined);
    await repPage.close();
    await session.end();
  }
}
