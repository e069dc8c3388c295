import { writeFileSync } from 'node:fs';
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

export function writeResults(file: string, metrics: readonly Metric[]): void {
  writeFileSync(file, JSON.stringify(metrics, null, 2) + '\n');
}
