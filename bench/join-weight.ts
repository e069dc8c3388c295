import type { BrowserContext, Page } from 'puppeteer-core';
import { INSTRUMENT, waitForMarks } from './marks';
import { SLOW_MOBILE, watchWire } from './network';
import { figure, percentile, timing, type Metric } from './stats';
import type { BenchWorld } from './world';

type Session = Awaited<ReturnType<BenchWorld['apiSession']>>;

/** Until the background PeerJS fetch has finished, i.e. everything the page loads before Join. */
const PEERJS_FETCHED = `performance.getEntriesByType('resource').some((e) => e.name.includes('peerjs-peer') && e.responseEnd > 0)`;

async function openJoin(context: BrowserContext, session: Session, slow: boolean) {
  const page = await context.newPage();
  await page.evaluateOnNewDocument(INSTRUMENT);
  const wire = await watchWire(page, slow ? SLOW_MOBILE : undefined);
  await page.goto(session.joinUrl);
  const marks = await waitForMarks(page, (m) => 'name-field' in m.appear);
  // PeerJS comes in the background once the form is up: what the form itself needed is everything else.
  return { page, wire, usableMs: marks.appear['name-field']! - marks.origin, usableBytes: wire.bytes(/peerjs-peer/) };
}

async function openBare(world: BenchWorld, context: BrowserContext, session: Session, slow: boolean) {
  let wire: { bytes(): number } | undefined;
  const prepare = async (page: Page) => (wire = await watchWire(page, slow ? SLOW_MOBILE : undefined));
  const page = await world.openBare(context, session.customer, undefined, prepare);
  const marks = await waitForMarks(page, (m) => 'peerjs-ready' in m.appear);
  return { readyMs: marks.appear['peerjs-ready']! - marks.origin, bytes: wire!.bytes() };
}

/** Opens a fresh, cold browser context for one load and closes it after. */
async function cold<T>(world: BenchWorld, load: (context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await world.customerBrowser.createBrowserContext();
  try {
    return await load(context);
  } finally {
    await context.close();
  }
}

/**
 * Issues 6 and 15: what the join page costs a first-time customer with a valid link, beside a bare page
 * that loads peerjs.min.js and runs it, each measured in Chromium the same run:
 * - bytes on the wire (CDP encodedDataLength: compressed bodies and headers) until the name field is usable,
 *   and until the background PeerJS fetch is done too (all of it before Join);
 * - link opened → name field usable, on the loopback link and on a slow mobile link (SLOW_MOBILE).
 */
export async function benchJoinWeight(world: BenchWorld, runs: number): Promise<Metric[]> {
  const session = await world.apiSession();
  const usableBytes: number[] = [];
  const allBytes: number[] = [];
  const bareBytes: number[] = [];
  const fast: number[] = [];
  const bareFast: number[] = [];
  const slow: number[] = [];
  const bareSlow: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      await cold(world, async (context) => {
        const ours = await openJoin(context, session, false);
        fast.push(ours.usableMs);
        usableBytes.push(ours.usableBytes);
        await ours.page.waitForFunction(PEERJS_FETCHED, { polling: 50 });
        allBytes.push(ours.wire.bytes());
      });
      await cold(world, async (context) => {
        const bare = await openBare(world, context, session, false);
        bareFast.push(bare.readyMs);
        bareBytes.push(bare.bytes);
      });
      await cold(world, async (context) => void slow.push((await openJoin(context, session, true)).usableMs));
      await cold(world, async (context) => void bareSlow.push((await openBare(world, context, session, true)).readyMs));
    }
  } finally {
    await session.end();
  }
  const kb = (samples: number[]) => percentile(samples, 50) / 1024;
  const bare = 'baseline: a bare page loading and running peerjs.min.js (as its static server sends it, uncompressed)';
  return [
    figure('join page: bytes on the wire until name field usable', 'KB', kb(usableBytes), kb(bareBytes), {
      runs: usableBytes.length,
      target: { target: '≤ 40 KB', met: (m) => m.value <= 40 },
      note: `Chromium CDP encodedDataLength summed (headers + compressed bodies), p50; ${bare}`,
    }),
    figure('join page: bytes on the wire before Join (incl. background PeerJS)', 'KB', kb(allBytes), kb(bareBytes), {
      runs: allBytes.length,
      note: `as above, after the idle-time PeerJS fetch has finished; ${bare}`,
    }),
    timing('join page: link opened → name field ready', fast, bareFast, {
      note: `first visit, cold cache, loopback; includes the invite check; ${bare}`,
    }),
    timing('join page: link opened → name field ready (slow mobile)', slow, bareSlow, {
      target: { target: 'p50 ≤ 900 ms', met: (m) => m.value <= 900 },
      note: `CDP emulateNetworkConditions 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency; cold cache; ${bare} under the same profile`,
    }),
  ];
}
