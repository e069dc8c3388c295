import { readFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';

/** Resident memory of a process, in bytes (Linux). */
export function rss(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/**
 * The renderer process that runs `page`'s main frame. DevTools gives no page → pid call, but a trace's
 * TracingStartedInBrowser event lists the traced page's frames with their process ids.
 */
export async function rendererPid(page: Page): Promise<number> {
  await page.tracing.start({ categories: ['disabled-by-default-devtools.timeline'] });
  const trace = await page.tracing.stop();
  const events = (JSON.parse(Buffer.from(trace!).toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const frames = events.filter((e) => e.name === 'TracingStartedInBrowser').flatMap((e) => e.args?.data?.frames ?? []);
  // The trace's URLs may lack the fragment (the join link's invite is in it).
  const address = page.url().split('#')[0]!;
  const main = frames.find((f) => f.isOutermostMainFrame && f.url.split('#')[0] === address);
  if (!main) throw new Error(`No renderer found for ${address} among ${JSON.stringify(frames)}`);
  return main.processId;
}

interface TraceEvent {
  name: string;
  args?: { data?: { frames?: { url: string; processId: number; isOutermostMainFrame?: boolean }[] } };
}

export interface MemorySamples {
  /** The renderer's resident memory, bytes, one per sample. */
  rss: number[];
  /** The page's JS heap in use (DevTools Performance.getMetrics), bytes, one per sample. */
  heap: number[];
}

/**
 * Samples a page's renderer RSS and JS heap every `everyMs` until stopped (the first sample is taken at
 * once: the "before" figure). Workers' heaps are not in the page's JS heap, but their memory is in the RSS.
 */
export function sampleMemory(page: Page, pid: number, everyMs = 200): { stop(): Promise<MemorySamples> } {
  const samples: MemorySamples = { rss: [], heap: [] };
  let running = true;
  const loop = (async () => {
    while (running) {
      const metrics = await page.metrics();
      samples.rss.push(rss(pid));
      samples.heap.push(metrics.JSHeapUsedSize ?? 0);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** Highest sample minus the first, in MB (2^20 bytes). */
export const growthMb = (samples: readonly number[]) =>
  samples.length === 0 ? NaN : (Math.max(...samples) - samples[0]!) / 2 ** 20;
