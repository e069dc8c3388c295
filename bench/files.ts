import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { BINARY_HIGH_WATER } from '../core/mesh/backpressure';
import { BINARY_LOW_WATER } from '../core/mesh/transport';
import { chatFrom } from './chat';
import { growthMb, rendererPid, sampleMemory, type MemorySamples } from './memory';
import { readMarks, resetMarks, type BinaryMark } from './marks';
import type { FileCounts } from './options';
import { closeRawChannel, openRawChannel } from './raw-channel';
import { startAndJoin, type Joined } from './session';
import { percentile, round, timing, type Metric } from './stats';
import type { BenchWorld } from './world';

const MB = 2 ** 20;

/** The raw channel's chunk: what our transfer sends too (see the files activity), so both pay the same per-message cost. */
export const RAW_CHUNK = 64 * 1024;

/** One transfer as both sides' marks saw it: payload bytes and when the first left and the last arrived. */
interface Transfer {
  bytes: number;
  /** Epoch ms (both browsers' clocks are anchored to the system clock). */
  firstSent: number;
  lastReceived: number;
}

const mbPerSecond = (t: Transfer) => t.bytes / MB / ((t.lastReceived - t.firstSent) / 1000);

/**
 * A file of `bytes` on disk, written from a random block repeated (incompressible to any layer that
 * would try, and quick to make): the same bytes for the raw channel and for ours.
 */
async function makeFile(path: string, bytes: number): Promise<void> {
  const block = randomBytes(4 * MB);
  const file = await open(path, 'w');
  try {
    for (let written = 0; written < bytes; written += block.length)
      await file.write(block, 0, Math.min(block.length, bytes - written));
  } finally {
    await file.close();
  }
}

/**
 * Puts the file at `path` into `page` as `window.__benchFile`, a disk-backed File (as a picked file is),
 * through a file input made for it: never read into memory here.
 */
async function pickFile(page: Page, path: string): Promise<void> {
  const input = (await page.evaluateHandle(`(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.hidden = true;
    document.body.append(input);
    return input;
  })()`)) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(path);
  await input.evaluate((el) => {
    (window as unknown as { __benchFile?: File }).__benchFile = el.files![0];
    el.remove();
  });
  await input.dispose();
}

/**
 * The baseline sender: the file read a chunk at a time (the next read started before the send) into a
 * raw channel, waiting for `bufferedamountlow` above the high-water mark — our mesh's own marks.
 */
const RAW_SEND = `async (name, chunk, lowWater, highWater) => {
  const { dc } = window[name];
  const file = window.__benchFile;
  dc.bufferedAmountLowThreshold = lowWater;
  const drained = () => new Promise((resolve) => dc.addEventListener('bufferedamountlow', resolve, { once: true }));
  const read = (offset) => file.slice(offset, offset + chunk).arrayBuffer();
  let next = read(0);
  for (let offset = 0; offset < file.size; offset += chunk) {
    const data = await next;
    if (offset + chunk < file.size) next = read(offset + chunk);
    if (dc.bufferedAmount > highWater) await drained();
    dc.send(data);
  }
}`;

/** The channel that carried the most binary bytes since the marks were reset, as sender and receiver saw it. */
async function transferSeen(sender: Page, receiver: Page): Promise<{ label: string; sent: BinaryMark; received?: BinaryMark }> {
  const sent = Object.entries((await readMarks(sender)).binary).sort(([, a], [, b]) => b.sent - a.sent)[0];
  if (!sent) throw new Error('No binary bytes were sent');
  return { label: sent[0], sent: sent[1], received: (await readMarks(receiver)).binary[sent[0]] };
}

/** Waits (polling 100 ms) until the receiver has `bytes` on the sender's busiest channel; returns the transfer. */
async function waitForBytes(sender: Page, receiver: Page, bytes: number): Promise<Transfer> {
  for (;;) {
    const seen = await transferSeen(sender, receiver).catch(() => undefined);
    if (seen?.received && seen.received.received >= bytes)
      return { bytes, firstSent: seen.sent.firstSent, lastReceived: seen.received.lastReceived };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Pages {
  /** The rep's session host (Chrome's offscreen document), where the rep's connections live. */
  host: Page;
  /** The customer's join page, in the customer's browser. */
  customer: Page;
}

/** One raw-channel transfer of the picked file, host → customer, on a fresh peer connection (as ours opens one per transfer). */
async function rawTransfer({ host, customer }: Pages, bytes: number, run: string): Promise<Transfer> {
  await Promise.all([resetMarks(host), resetMarks(customer)]);
  await openRawChannel(host, customer, '__rawFile', `bench-file-${run}`);
  await host.evaluate(
    `window.__rawSending = (${RAW_SEND})('__rawFile', ${RAW_CHUNK}, ${BINARY_LOW_WATER}, ${BINARY_HIGH_WATER})`,
  );
  try {
    return await waitForBytes(host, customer, bytes);
  } finally {
    await host.evaluate('window.__rawSending');
    await closeRawChannel([host, customer], '__rawFile');
  }
}

/** Chat round trips, half each way, sent while `inFlight` holds (and at least one message each way). */
async function chatWhile(world: BenchWorld, app: Joined, inFlight: () => boolean, prefix: string): Promise<ChatSample[]> {
  const out: ChatSample[] = [];
  for (let i = 0; inFlight() || i < 2; i++) {
    const [from, to] = i % 2 === 0 ? [world.panel.page, app.join.page] : [app.join.page, world.panel.page];
    const { rtt, sentAt } = await chatFrom(from, to, 5, `${prefix}${i}x`);
    out.push(...rtt.map((ms, k) => ({ ms, sentAt: sentAt[k]! })));
  }
  return out;
}

interface ChatSample {
  ms: number;
  sentAt: number;
}

/** A transfer with the receiver's memory sampled and chat timed while it runs; the chat sent after its last byte is dropped. */
async function measuredTransfer(
  world: BenchWorld,
  app: Joined,
  pid: number,
  transfer: () => Promise<Transfer>,
  prefix: string,
): Promise<{ transfer: Transfer; memory: MemorySamples; chat: number[] }> {
  const probe = sampleMemory(app.join.page, pid);
  let done = false;
  const running = transfer().finally(() => (done = true));
  const chat = chatWhile(world, app, () => !done, prefix);
  const [result, samples] = await Promise.all([running, chat]);
  const memory = await probe.stop();
  return { transfer: result, memory, chat: samples.filter((s) => s.sentAt <= result.lastReceived).map((s) => s.ms) };
}

/**
 * Issue 14: file transfer rep → customer between the rep's session host and the customer's join page
 * (where our transfers run) beside a raw RTCDataChannel between the same two pages sending the same file
 * with the same chunk size and backpressure. Throughput (runs alternate); the receiving page's memory
 * (renderer RSS, JS heap) during a big transfer; chat round trips idle and during a transfer.
 */
export async function benchFiles(world: BenchWorld, counts: FileCounts): Promise<Metric[]> {
  const load = [loadavg()[0]!];
  const dir = await mkdtemp(join(tmpdir(), 'bench-files-'));
  const app = await startAndJoin(world, 'Fiona Files');
  const pages: Pages = { host: world.panel.host!, customer: app.join.page };
  const raw = { runs: [] as Transfer[], big: undefined as Transfer | undefined, memory: undefined as MemorySamples | undefined };
  const chat = { idle: [] as number[], raw: [] as number[] };
  try {
    const small = join(dir, 'small.bin');
    const big = join(dir, 'big.bin');
    await makeFile(small, counts.mb * MB);
    await makeFile(big, counts.bigMb * MB);
    const pid = await rendererPid(app.join.page);

    const half = Math.ceil(counts.chat / 2);
    const idleRep = await chatFrom(world.panel.page, app.join.page, half, 'idle-r');
    const idleCustomer = await chatFrom(app.join.page, world.panel.page, counts.chat - half, 'idle-c');
    chat.idle.push(...idleRep.rtt, ...idleCustomer.rtt);

    await pickFile(pages.host, small);
    for (let i = 0; i < counts.runs; i++) raw.runs.push(await rawTransfer(pages, counts.mb * MB, `small-${i}`));

    await pickFile(pages.host, big);
    const bigRaw = await measuredTransfer(world, app, pid, () => rawTransfer(pages, counts.bigMb * MB, 'big'), 'raw');
    raw.big = bigRaw.transfer;
    raw.memory = bigRaw.memory;
    chat.raw.push(...bigRaw.chat);
    await pages.host.evaluate('delete window.__benchFile');
  } finally {
    load.push(loadavg()[0]!);
    await app.end();
    await rm(dir, { recursive: true, force: true });
  }
  const loadNote = `load average ${load.map((l) => l.toFixed(1)).join(' → ')} (2 cores)`;
  const rawMbps = raw.runs.map(mbPerSecond);
  return [
    timing(`files: raw RTCDataChannel throughput, ${counts.mb} MB host → customer`, rawMbps, rawMbps, {
      unit: 'MB/s',
      higherIsBetter: true,
      note: `the baseline alone (ours not measured yet); ${RAW_CHUNK / 1024} KiB chunks, low/high water ${BINARY_LOW_WATER / 1024}/${BINARY_HIGH_WATER / 1024} KiB; ${counts.bigMb} MB: ${round(mbPerSecond(raw.big!))} MB/s; ${loadNote}`,
    }),
    memoryMetric(
      `files: receiving page’s renderer RSS growth, ${counts.bigMb} MB transfer`,
      raw.memory!.rss,
      raw.memory!.rss,
      loadNote,
    ),
    memoryMetric(
      `files: receiving page’s JS heap growth, ${counts.bigMb} MB transfer`,
      raw.memory!.heap,
      raw.memory!.heap,
      loadNote,
    ),
    timing('chat: round trip during a raw RTCDataChannel transfer', chat.raw, chat.idle, {
      target: { target: 'p95 < 100 ms', met: (m) => m.p95 < 100 },
      note: `baseline: the same chat idle, same session; ${loadNote}`,
    }),
  ];
}

/** Peak minus before, ours beside the baseline page's, in MB. */
function memoryMetric(name: string, ours: readonly number[], base: readonly number[], note: string): Metric {
  const value = growthMb(ours);
  const baseline = growthMb(base);
  return {
    name,
    unit: 'MB',
    value: round(value),
    baseline: round(baseline),
    ratio: round(value / baseline),
    p50: round((percentile(ours, 50) - ours[0]!) / MB),
    p95: round((percentile(ours, 95) - ours[0]!) / MB),
    runs: ours.length,
    baselineRuns: base.length,
    note: `peak − before, sampled every 200 ms (p50/p95: of the samples); ${note}`,
  };
}
