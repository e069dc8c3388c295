import { resolve } from 'node:path';
import { benchCapacity } from './capacity/capacity';
import { benchCluster } from './cluster';
import { benchChat } from './chat';
import { benchFirstFrame } from './first-frame';
import { benchFiles } from './files';
import { benchFlood } from './flood';
import { benchPresence } from './presence';
import { benchJoin } from './join';
import { benchJoinWeight } from './join-weight';
import { benchLoginFlood } from './login-flood';
import { benchMedia } from './media';
import { parseOptions, type BenchCounts, type BenchmarkName } from './options';
import { table, writeResults } from './report';
import { benchSidePanel } from './side-panel';
import type { Metric } from './stats';
import { createBenchWorld, type BenchWorld } from './world';

const BROWSER_BENCHES: Partial<Record<BenchmarkName, (world: BenchWorld, counts: BenchCounts) => Promise<Metric[]>>> = {
  // Cold panel opens first: the rep has no live session yet.
  panel: (w, c) => benchSidePanel(w, c.panel),
  weight: (w, c) => benchJoinWeight(w, c.weight),
  join: (w, c) => benchJoin(w, c.joins),
  frame: (w, c) => benchFirstFrame(w, c.frames),
  media: (w, c) => benchMedia(w, c.media),
  chat: (w, c) => benchChat(w, c.chat),
  flood: (w, c) => benchFlood(w, c.floods),
  presence: (w, c) => benchPresence(w, c.presence, c.presenceBaselineWaitMs),
  files: (w, c) => benchFiles(w, c.files),
};

/** Runs the chosen benchmarks one after another (they share the machine's two cores), in a fixed order. */
export async function runBenchmarks(
  counts: BenchCounts,
  only: readonly BenchmarkName[],
  log: (line: string) => void = () => {},
): Promise<Metric[]> {
  const metrics: Metric[] = [];
  const browserBenches = Object.entries(BROWSER_BENCHES).filter(([name]) => only.includes(name as BenchmarkName));
  if (browserBenches.length > 0) {
    const world = await createBenchWorld();
    try {
      for (const [name, bench] of browserBenches) {
        const started = Date.now();
        metrics.push(...(await bench(world, counts)));
        log(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    } finally {
      await world.close();
    }
  }
  if (only.includes('capacity')) {
    const started = Date.now();
    metrics.push(...(await benchCapacity(counts, log)));
    log(`capacity: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (only.includes('login')) {
    const started = Date.now();
    metrics.push(...(await benchLoginFlood(counts, log)));
    log(`login: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (only.includes('cluster')) {
    const started = Date.now();
    metrics.push(...(await benchCluster(counts, log)));
    log(`cluster: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return metrics;
}

// npm run bench [-- --smoke] [-- --only=join,chat] [-- --out=file]: prints the table, writes the results.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { smoke, counts, only } = parseOptions(process.argv.slice(2), process.env);
  const outArg = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
  const out = outArg ?? (smoke ? undefined : resolve(import.meta.dirname, 'results.json'));
  const started = Date.now();
  const metrics = await runBenchmarks(counts, only, (line) => console.log(line));
  console.log(`\n${table(metrics)}\n\n${metrics.length} metrics in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (out) {
    writeResults(out, metrics);
    console.log(`Wrote ${out}`);
  }
  // The in-process broker's PeerServer leaves its own timers running after close(): do not wait for them.
  process.exit(0);
}
