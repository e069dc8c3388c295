import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { HTTPResponse } from 'puppeteer-core';
import { INSTRUMENT, waitForMarks } from './marks';
import { PEERJS_MIN } from './bare/server';
import { figure, timing, type Metric } from './stats';
import type { BenchWorld } from './world';

const gzipBytes = (data: Buffer | string) => gzipSync(data, { level: 9 }).length;
/** What a page is made of; API answers (fetch) and sockets are data, not weight. */
const ASSET_TYPES = new Set(['document', 'script', 'stylesheet', 'font', 'image', 'media', 'manifest', 'other']);

/**
 * Issue 6, metric 4: everything the join page loads before the customer clicks Join (HTML, JS, CSS,
 * fonts, icons), gzip -9 of each body as served, beside PeerJS alone (peerjs.min.js, gzip -9); and
 * time to interactive (name field shown − navigation start) for a first-time visitor with a valid
 * link, beside a bare page that loads peerjs.min.js and runs it.
 */
export async function benchJoinWeight(world: BenchWorld, runs: number): Promise<Metric[]> {
  const session = await world.apiSession();
  const bytes: number[] = [];
  const interactive: number[] = [];
  const bareInteractive: number[] = [];
  const files = new Map<string, number>();
  try {
    for (let i = 0; i < runs; i++) {
      const context = await world.customerBrowser.createBrowserContext();
      const page = await context.newPage();
      await page.evaluateOnNewDocument(INSTRUMENT);
      const responses: HTTPResponse[] = [];
      page.on('response', (r) => void responses.push(r));
      await page.goto(session.joinUrl);
      const marks = await waitForMarks(page, (m) => 'name-field' in m.appear);
      interactive.push(marks.appear['name-field']! - marks.origin);
      let total = 0;
      for (const response of responses) {
        if (!ASSET_TYPES.has(response.request().resourceType()) || response.url().startsWith('data:')) continue;
        const size = gzipBytes(await response.buffer());
        files.set(new URL(response.url()).pathname, size);
        total += size;
      }
      bytes.push(total);
      await context.close();

      const bareContext = await world.customerBrowser.createBrowserContext();
      const bare = await world.openBare(bareContext, session.customer);
      const bareMarks = await waitForMarks(bare, (m) => 'peerjs-ready' in m.appear);
      bareInteractive.push(bareMarks.appear['peerjs-ready']! - bareMarks.origin);
      await bareContext.close();
    }
  } finally {
    await session.end();
  }
  const peerjs = gzipBytes(readFileSync(PEERJS_MIN));
  const loaded = [...files].map(([path, size]) => `${path} ${(size / 1024).toFixed(1)} KB`).join(', ');
  const kb = (n: number) => n / 1024;
  return [
    figure('join page: weight before Join (gzip)', 'KB', kb(Math.max(...bytes)), kb(peerjs), {
      runs: bytes.length,
      target: { target: '≤ 40 KB', met: (m) => m.value <= 40 },
      note: `loaded: ${loaded}; baseline: peerjs.min.js alone`,
    }),
    timing('join page: link opened → name field ready', interactive, bareInteractive, {
      note: 'first visit, cold cache; includes the invite check; baseline: a bare page loading and running peerjs.min.js',
    }),
  ];
}
