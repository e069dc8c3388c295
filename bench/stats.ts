/** One row of bench/results.json: a figure of ours beside the same figure of a baseline measured in the same run. */
export interface Metric {
  name: string;
  unit: string;
  /** Ours: the p50 of the runs unless the metric says otherwise (a size, a count). */
  value: number;
  /** The baseline's figure, measured the same way in the same run. */
  baseline: number;
  /** value / baseline: below 1 is better than the baseline, for every metric but capacity (see `higherIsBetter`). */
  ratio: number;
  p50: number;
  p95: number;
  p99?: number;
  runs: number;
  baselineP95?: number;
  baselineRuns?: number;
  /** The target, in words, and whether this run met it. */
  target?: string;
  met?: boolean;
  higherIsBetter?: boolean;
  note?: string;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const round = (n: number, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);

export interface Target {
  target: string;
  /** Whether the metric met it. */
  met(metric: Metric): boolean;
}

/** A timing metric from samples: value = p50, baseline = the baseline samples' p50. */
export function timing(
  name: string,
  samples: readonly number[],
  baselineSamples: readonly number[],
  options: { unit?: string; p99?: boolean; target?: Target; note?: string; higherIsBetter?: boolean } = {},
): Metric {
  const baseline = percentile(baselineSamples, 50);
  return finish(
    {
      name,
      unit: options.unit ?? 'ms',
      value: round(percentile(samples, 50)),
      baseline: round(baseline),
      ratio: round(percentile(samples, 50) / baseline),
      p50: round(percentile(samples, 50)),
      p95: round(percentile(samples, 95)),
      ...(options.p99 ? { p99: round(percentile(samples, 99)) } : {}),
      runs: samples.length,
      baselineP95: round(percentile(baselineSamples, 95)),
      baselineRuns: baselineSamples.length,
      ...(options.higherIsBetter ? { higherIsBetter: true } : {}),
      ...(options.note ? { note: options.note } : {}),
    },
    options.target,
  );
}

/** A single figure (a size, a count) beside its baseline; p50 = p95 = value. */
export function figure(
  name: string,
  unit: string,
  value: number,
  baseline: number,
  options: { runs?: number; target?: Target; note?: string; higherIsBetter?: boolean; p99?: number } = {},
): Metric {
  return finish(
    {
      name,
      unit,
      value: round(value),
      baseline: round(baseline),
      ratio: round(value / baseline),
      p50: round(value),
      p95: round(value),
      ...(options.p99 === undefined ? {} : { p99: round(options.p99) }),
      runs: options.runs ?? 1,
      ...(options.higherIsBetter ? { higherIsBetter: true } : {}),
      ...(options.note ? { note: options.note } : {}),
    },
    options.target,
  );
}

function finish(metric: Metric, target: Target | undefined): Metric {
  return target ? { ...metric, target: target.target, met: target.met(metric) } : metric;
}
