import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Metric } from './stats';

const cell = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '' : String(n));

/** The results as a Markdown table (README's Performance section is a copy of it). */
export function table(metrics: readonly Metric[]): string {
  const head = ['metric', 'unit', 'value', 'baseline', 'ratio', 'p50', 'p95', 'p99', 'runs', 'target', 'met'];
  const rows = metrics.map((m) => [
    m.name,
    m.unit,
    cell(m.value),
    cell(m.baseline),
    cell(m.ratio),
    cell(m.p50),
    cell(m.p95),
    cell(m.p99),
    `${m.runs}${m.baselineRuns === undefined ? '' : ` / ${m.baselineRuns}`}`,
    m.target ?? '',
    m.met === undefined ? '' : m.met ? 'yes' : '**no**',
  ]);
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/**
 * The results file after a run: each metric of this run replaces the one of the same name where it was
 * (new ones go at the end), and the rest stay — a run of some benchmarks keeps the others' last figures.
 */
export function mergeResults(previous: readonly Metric[], metrics: readonly Metric[]): Metric[] {
  const fresh = new Map(metrics.map((m) => [m.name, m]));
  const merged = previous.map((m) => fresh.get(m.name) ?? m);
  const kept = new Set(previous.map((m) => m.name));
  return [...merged, ...metrics.filter((m) => !kept.has(m.name))];
}

export function writeResults(file: string, metrics: readonly Metric[]): void {
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Metric[]) : [];
  writeFileSync(file, JSON.stringify(mergeResults(previous, metrics), null, 2) + '\n');
}
