import { randomBytes } from 'node:crypto';
import { link, mkdtemp, open, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { BINARY_HIGH_WATER } from '../core/mesh/backpressure';
import { BINARY_LOW_WATER } from '../core/mesh/transport';
import { CHUNK_SIZE } from '../core/files/transfer';
import { clickByRole } from '../test/e2e/browser';
import { pickFiles, transferRow, type TransferRow } from '../test/e2e/pages/files';
import { chatFrom } from './chat';
import { growthMb, rendererPid, sampleMemory, type MemorySamples } from './memory';
import { readMarks, resetMarks, type BinaryMark } from './marks';
import type { FileCounts } from './options';
import { closeRawChannel, openRawChannel } from './raw-channel';
import { startAndJoin, type Joined } from './session';
import { percentile, round, timing, type Metric, type Target } from './stats';
import type { BenchWorld } from './world';

const MB = 2 ** 20;

/** The raw channel's chunk: our transfer's payload per chunk, so both pay the same per-message cost. */
const RAW_CHUNK = CHUNK_SIZE;
/** Bytes read from the file at once, cut into chunks: as our sender reads (core/files/outgoing.ts READ_BLOCK). */
const RAW_BLOCK = 16 * CHUNK_SIZE;

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
 * The baseline sender: the file read in blocks (the next read started before the block is sent), cut into
 * chunks sent on a raw channel, waiting for `bufferedamountlow` above the high-water mark — the same block,
 * chunk and marks as our sender (core/files/outgoing.ts, core/mesh/backpressure.ts), without hashes,
 * headers or acks.
 */
const RAW_SEND = `async (name, chunk, block, lowWater, highWater) => {
  const { dc } = window[name];
  const file = window.__benchFile;
  dc.bufferedAmountLowThreshold = lowWater;
  const drained = () => new Promise((resolve) => dc.addEventListener('bufferedamountlow', resolve, { once: true }));
  const read = (offset) => file.slice(offset, offset + block).arrayBuffer();
  let next = read(0);
  for (let offset = 0; offset < file.size; offset += block) {
    const data = await next;
    if (offset + block < file.size) next = read(offset + block);
    for (let at = 0; at < data.byteLength; at += chunk) {
      if (dc.bufferedAmount > highWater) await drained();
      dc.send(data.slice(at, at + chunk));
    }
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
  // `void`: evaluate would otherwise await the sending (longer than a DevTools call may take for 2 GB).
  await host.evaluate(
    `void (window.__rawSending = (${RAW_SEND})('__rawFile', ${RAW_CHUNK}, ${RAW_BLOCK}, ${BINARY_LOW_WATER}, ${BINARY_HIGH_WATER}))`,
  );
  try {
    return await waitForBytes(host, customer, bytes);
  } finally {
    await host.evaluate('window.__rawSending');
    await closeRawChannel([host, customer], '__rawFile');
  }
}

/** How long a transfer of ours may go without a verified byte before the run counts as stalled. */
const STALL_MS = 60_000;

class Stalled extends Error {}

/** Runs of ours whose receiver had the file, checked, while the sender's row never reached done (why, each). */
const senderStuck: string[] = [];

/**
 * Polls (100 ms) the transfer of `name` as `page` lists it until it is in one of `states`; throws Stalled
 * when its verified bytes have not moved for STALL_MS (a benchmark must end, and say what it saw).
 */
async function transferIn(page: Page, name: string, states: readonly string[]): Promise<TransferRow> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const row = await transferRow(page, name);
    if (row && states.includes(row.state)) return row;
    if (row?.bytes !== last) [last, movedAt] = [row?.bytes ?? -1, Date.now()];
    else if (Date.now() - movedAt > STALL_MS) throw new Stalled(`${name} stalled: ${JSON.stringify(row)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * One transfer of ours, rep → customer, as the people would do it: the file picked in the panel's Send
 * file picker (it crosses to the session host as a disk-backed File), Accept on the customer's page, until
 * the customer's page has it done (every chunk and the whole file checked, on disk). Then both sides remove it from
 * their lists (the received bytes leave the disk). `path` must be a name not sent before in this session:
 * the same file again would resume.
 */
async function ourTransfer(world: BenchWorld, { host, customer }: Pages, path: string, bytes: number): Promise<Transfer> {
  const name = basename(path);
  await Promise.all([resetMarks(host), resetMarks(customer)]);
  await pickFiles(world.panel.page, 'Send file', [path]);
  await transferIn(customer, name, ['incoming']);
  await clickByRole(customer, 'button', `Accept ${name}`);
  const row = await transferIn(customer, name, ['done', 'failed']).catch(async (error: unknown) => {
    if (!(error instanceof Stalled)) throw error;
    // What each side's channel carried tells whose step hung; then Cancel, as a person would.
    const seen = await transferSeen(host, customer).catch(() => undefined);
    await clickByRole(customer, 'button', `Cancel ${name}`);
    await transferIn(world.panel.page, name, ['done', 'failed']);
    await clickByRole(customer, 'button', `Remove ${name} from the list`);
    await clickByRole(world.panel.page, 'button', `Remove ${name} from the list`);
    throw new Stalled(`${error.message}; channel ${JSON.stringify(seen)}`);
  });
  if (row.state !== 'done') throw new Error(`Our transfer of ${name} failed: ${row.status}`);
  const seen = await transferSeen(host, customer);
  await clickByRole(customer, 'button', `Remove ${name} from the list`);
  // The sender is done once the receiver's verdict on the whole file is back; a sender that never gets
  // there is counted (the file did arrive, checked: the throughput stands) and cancelled.
  await transferIn(world.panel.page, name, ['done', 'failed']).catch(async (error: unknown) => {
    if (!(error instanceof Stalled)) throw error;
    senderStuck.push(error.message);
    console.log(`files: the sender never finished: ${error.message}`);
    await clickByRole(world.panel.page, 'button', `Cancel ${name}`);
    await transferIn(world.panel.page, name, ['done', 'failed']);
  });
  await clickByRole(world.panel.page, 'button', `Remove ${name} from the list`);
  if (!seen.received) throw new Error('The receiver saw no bytes');
  return { bytes, firstSent: seen.sent.firstSent, lastReceived: seen.received.lastReceived };
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

/** A transfer with the receiver's memory sampled and chat timed while it runs; chat sent before its first byte or after its last is dropped. */
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
  const [ran, chatted] = await Promise.allSettled([running, chat]);
  const memory = await probe.stop();
  if (ran.status === 'rejected') throw ran.reason;
  if (chatted.status === 'rejected') throw chatted.reason;
  const [result, samples] = [ran.value, chatted.value];
  const during = samples.filter((s) => s.sentAt >= result.firstSent && s.sentAt <= result.lastReceived);
  return { transfer: result, memory, chat: during.map((s) => s.ms) };
}

interface Side {
  runs: Transfer[];
  big?: Transfer;
  memory?: MemorySamples;
  chat: number[];
}

/**
 * Issue 14: file transfer rep → customer between the rep's session host and the customer's join page
 * (where our transfers run) beside a raw RTCDataChannel between the same two pages sending the same file
 * with the same chunk size and backpressure. Throughput (runs alternate); the receiving page's memory
 * (renderer RSS, JS heap) during a big transfer; chat round trips idle and during each big transfer.
 */
export async function benchFiles(world: BenchWorld, counts: FileCounts): Promise<Metric[]> {
  const load = [loadavg()[0]!];
  const dir = await mkdtemp(join(tmpdir(), 'bench-files-'));
  const app = await startAndJoin(world, 'Fiona Files');
  const pages: Pages = { host: world.panel.host!, customer: app.join.page };
  const raw: Side = { runs: [], chat: [] };
  const ours: Side = { runs: [], chat: [] };
  const idle: number[] = [];
  const stalls: string[] = [];
  /** A run of ours, or undefined when it stalled (counted, and said in the notes). */
  const attempt = async <T>(run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof Stalled)) throw error;
      stalls.push(error.message);
      console.log(`files: ${error.message}`);
      return undefined;
    }
  };
  try {
    const small = join(dir, 'small.bin');
    const big = join(dir, 'big.bin');
    await makeFile(small, counts.mb * MB);
    await makeFile(big, counts.bigMb * MB);
    // Ours by a new name each run (a hard link: the same bytes), or the same file again would resume.
    const named = async (file: string, name: string) => (await link(file, join(dir, name)), join(dir, name));
    const pid = await rendererPid(app.join.page);

    const half = Math.ceil(counts.chat / 2);
    idle.push(...(await chatFrom(world.panel.page, app.join.page, half, 'idle-r')).rtt);
    idle.push(...(await chatFrom(app.join.page, world.panel.page, counts.chat - half, 'idle-c')).rtt);

    await pickFile(pages.host, small);
    for (let i = 0; i < counts.runs; i++) {
      console.log(`files: run ${i + 1} of ${counts.runs}, ${counts.mb} MB, raw then ours`);
      raw.runs.push(await rawTransfer(pages, counts.mb * MB, `small-${i}`));
      const done = await attempt(async () => ourTransfer(world, pages, await named(small, `small-${i}.bin`), counts.mb * MB));
      if (done) ours.runs.push(done);
    }

    await pickFile(pages.host, big);
    console.log(`files: ${counts.bigMb} MB raw, then ours, with the memory probe and chat`);
    const bigRaw = await measuredTransfer(world, app, pid, () => rawTransfer(pages, counts.bigMb * MB, 'big'), 'raw');
    await pages.host.evaluate('delete window.__benchFile');
    const bigName = await named(big, 'big-file.bin');
    const bigOurs = await attempt(() =>
      measuredTransfer(world, app, pid, () => ourTransfer(world, pages, bigName, counts.bigMb * MB), 'ours'),
    );
    for (const [side, measured] of [
      [raw, bigRaw],
      [ours, bigOurs],
    ] as const) {
      if (!measured) continue;
      side.big = measured.transfer;
      side.memory = measured.memory;
      side.chat.push(...measured.chat);
    }
  } finally {
    load.push(loadavg()[0]!);
    await app.end();
    await rm(dir, { recursive: true, force: true });
  }
  const stalled =
    stalls.length > 0
      ? `; ${stalls.length} run(s) of ours stalled (no verified byte for ${STALL_MS / 1000} s), left out: ${stalls.join(' | ')}`
      : '';
  const stuck = senderStuck.splice(0);
  const unfinished =
    stuck.length > 0
      ? `; in ${stuck.length} run(s) the file arrived checked but the sender's row stayed unfinished for ${STALL_MS / 1000} s (cancelled there): ${stuck.join(' | ')}`
      : '';
  const loadNote = `load average ${load.map((l) => l.toFixed(1)).join(' → ')} (2 cores)${stalled}${unfinished}`;
  const shape = `${RAW_CHUNK / 1024} KiB chunks, low/high water ${BINARY_LOW_WATER / 1024}/${BINARY_HIGH_WATER / 1024} KiB`;
  const atLeast80 = { target: '≥ 0.8× raw', met: (m: Metric) => m.ratio >= 0.8 };
  return [
    timing(`files: throughput rep → customer, ${counts.mb} MB`, ours.runs.map(mbPerSecond), raw.runs.map(mbPerSecond), {
      unit: 'MB/s',
      higherIsBetter: true,
      target: atLeast80,
      note: `first byte sent → last byte received; p95 is the fast end; baseline: raw RTCDataChannel between the same two pages, same file, ${shape}; ${loadNote}`,
    }),
    timing(
      `files: throughput rep → customer, ${counts.bigMb} MB`,
      ours.big ? [mbPerSecond(ours.big)] : [],
      [mbPerSecond(raw.big!)],
      {
        unit: 'MB/s',
        higherIsBetter: true,
        target: atLeast80,
        note: `one run each, with the memory probe and chat running; ${loadNote}`,
      },
    ),
    memoryMetric(
      `files: receiving page’s renderer RSS growth, ${counts.bigMb} MB transfer`,
      ours.memory?.rss ?? [],
      raw.memory!.rss,
      {
        target: 'flat: ≤ 128 MB',
        met: (m) => m.value <= 128,
      },
    ),
    memoryMetric(
      `files: receiving page’s JS heap growth, ${counts.bigMb} MB transfer`,
      ours.memory?.heap ?? [],
      raw.memory!.heap,
    ),
    timing('chat: round trip during a file transfer', ours.chat, idle, {
      p99: true,
      target: { target: 'p95 < 100 ms', met: (m) => m.p95 < 100 },
      note: `the ${counts.bigMb} MB transfer of ours, half each way; baseline: the same chat idle; ${loadNote}`,
    }),
    timing('chat: round trip during a raw RTCDataChannel transfer', raw.chat, idle, {
      p99: true,
      note: `the ${counts.bigMb} MB raw transfer; baseline: the same chat idle; ${loadNote}`,
    }),
  ];
}

/** Peak minus before, ours beside the raw channel's receiving page (the same page) in the same run, in MB. */
function memoryMetric(name: string, ours: readonly number[], base: readonly number[], target?: Target): Metric {
  const value = growthMb(ours);
  const baseline = growthMb(base);
  const metric: Metric = {
    name,
    unit: 'MB',
    value: round(value),
    baseline: round(baseline),
    ratio: round(value / baseline),
    p50: round((percentile(ours, 50) - ours[0]!) / MB),
    p95: round((percentile(ours, 95) - ours[0]!) / MB),
    runs: ours.length,
    baselineRuns: base.length,
    note: 'peak − before, sampled every 200 ms (p50/p95: of the samples); baseline: the same page receiving the raw transfer',
  };
  return target ? { ...metric, target: target.target, met: target.met(metric) } : metric;
}
