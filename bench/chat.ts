import type { Page } from 'puppeteer-core';
import { readMarks } from './marks';
import { closeRawChannel, openRawChannel } from './raw-channel';
import { startAndJoin } from './session';
import { timing, type Metric } from './stats';
import type { BenchWorld } from './world';

// A sentence of a realistic length, the same in both the app's messages and the raw echoes.
const FILLER = 'my printer says it is offline but the light is green, what should I try next?';

/**
 * The fastest a person's chat goes in the benchmark: one message every 60 ms (16 a second), under the
 * mesh's per-peer limit of 20 chat messages a second that keeps a flood out (issue 10).
 */
const MIN_GAP_MS = 60;

/**
 * Sends `count` chat messages from this page's chat box, one after another, each once the previous is
 * acknowledged (its "sending…" mark gone) and at least MIN_GAP_MS after it: returns [sent, acked] epoch
 * ms per message token.
 */
const CHAT_LOOP = `async (count, prefix, filler, gap) => {
  const box = document.querySelector('textarea');
  const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
  const out = [];
  for (let i = 0; i < count; i++) {
    const token = prefix + i;
    setValue.call(box, 'bench-' + token + ' ' + filler);
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((resolve) => setTimeout(resolve, 0)); // Preact renders the draft
    const sent = window.__benchNow();
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await window.__benchAcked(token);
    out.push([token, sent, window.__bench.acked[token]]);
    const wait = sent + gap - window.__benchNow();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  return out;
}`;

/** The raw echo: the answering side sends back what it gets, the offering side times each round trip. */
const ECHO_BACK = `(() => {
  const { dc } = window.__echo;
  dc.onmessage = (m) => dc.send(m.data);
})()`;
const ECHO_LOOP = `async (count, filler) => {
  const { dc } = window.__echo;
  const out = [];
  for (let i = 0; i < count; i++) {
    const sentAt = window.__benchNow();
    const echoed = new Promise((resolve) => dc.addEventListener('message', resolve, { once: true }));
    dc.send(JSON.stringify({ type: 'chat', id: 'echo' + i, text: filler, sentAt, senderId: 'x', senderName: 'Echo' }));
    await echoed;
    out.push(window.__benchNow() - sentAt);
  }
  return out;
}`;

/** Messages a single page.evaluate sends: a long loop would outlast the DevTools protocol's timeout. */
const BATCH = 25;

/** Chat messages from `from`'s chat box to `to`: round trips, one-way times, and when each was sent (epoch ms). */
export async function chatFrom(
  from: Page,
  to: Page,
  count: number,
  prefix: string,
): Promise<{ rtt: number[]; oneWay: number[]; sentAt: number[] }> {
  await from.bringToFront();
  const sent: [string, number, number][] = [];
  for (let done = 0; done < count; done += BATCH) {
    const n = Math.min(BATCH, count - done);
    const batch = `(${CHAT_LOOP})(${n}, ${JSON.stringify(`${prefix}${done}x`)}, ${JSON.stringify(FILLER)}, ${MIN_GAP_MS})`;
    sent.push(...((await from.evaluate(batch)) as [string, number, number][]));
  }
  const seen = (await readMarks(to)).texts;
  return {
    rtt: sent.map(([, at, acked]) => acked - at),
    oneWay: sent.map(([token, at]) => seen[token]! - at),
    sentAt: sent.map(([, at]) => at),
  };
}

/**
 * Issue 6, metric 3: chat round trip — typed and sent, shown on the other side, the acknowledgement back
 * and shown to the sender — half the messages from the rep's panel, half from the customer, beside a raw
 * RTCDataChannel echo of a message of the same size between the same two pages.
 */
export async function benchChat(world: BenchWorld, count: number): Promise<Metric[]> {
  const app = await startAndJoin(world, 'Chad Chat');
  try {
    const half = Math.ceil(count / 2);
    const a = await chatFrom(world.panel.page, app.join.page, half, 'r');
    const b = await chatFrom(app.join.page, world.panel.page, count - half, 'c');

    await openRawChannel(world.panel.page, app.join.page, '__echo', 'bench-echo');
    await app.join.page.evaluate(ECHO_BACK);
    const echo = (await world.panel.page.evaluate(`(${ECHO_LOOP})(${count}, ${JSON.stringify(FILLER)})`)) as number[]; // raw echoes take well under a millisecond each: one evaluate is enough
    await closeRawChannel([world.panel.page, app.join.page], '__echo');
    return [
      timing('chat: round trip (sent → shown there → ack shown here)', [...a.rtt, ...b.rtt], echo, {
        p99: true,
        target: { target: 'p50 ≤ 20 ms', met: (m) => m.p50 <= 20 },
        note: 'baseline: raw RTCDataChannel echo between the same two pages',
      }),
      timing(
        'chat: sent → shown on the other side',
        [...a.oneWay, ...b.oneWay],
        echo.map((ms) => ms / 2),
        {
          p99: true,
          note: 'across the two browsers (clocks anchored to the system clock, ±1 ms); baseline: half the raw echo',
        },
      ),
    ];
  } finally {
    await app.end();
  }
}
