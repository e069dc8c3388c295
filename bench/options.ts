/** The files benchmark (issue 14): sizes in MB (2^20 bytes). */
export interface FileCounts {
  /** Throughput runs each, ours and the raw channel alternating. */
  runs: number;
  /** Size of each throughput run's file. */
  mb: number;
  /** The big transfer (one each) during which the receiver's memory is sampled and chat is timed. */
  bigMb: number;
  /** Chat messages timed while idle (half each way); during the big transfers, as many as fit. */
  chat: number;
}

/** How much each benchmark does. The full run meets the minimum counts; the smoke run (npm test) is tiny. */
export interface BenchCounts {
  /** Joins timed (and as many bare-PeerJS joins). */
  joins: number;
  /** Screen shares timed to the first frame. */
  frames: number;
  /** Rep shares timed to the first frame at the customer, and rep voice joins timed to the first audio. */
  media: number;
  /** Chat messages timed (half each way), and as many raw data channel echoes. */
  chat: number;
  /** Cold loads of the join page weighed and timed. */
  weight: number;
  /** Side panel cold opens and reloads timed. */
  panel: number;
  /** 3,000-message floods the panel is typed into during (and as many quiet typing rounds). */
  floods: number;
  /** Customers' browsers killed, timed until the panel shows them offline (and as many bare pages). */
  presence: number;
  /** How long the baseline may take to notice a killed peer before it counts as that long. */
  presenceBaselineWaitMs: number;
  /** Concurrent participants at each step of the broker ramp. */
  capacitySteps: number[];
  /** How long each ramp step carries traffic before its latencies are read. */
  capacityWindowMs: number;
  /** Signaling rate per participant, in relayed messages a second (see bench/capacity/load.ts). */
  capacityRate: number;
  /** Join page loads timed with and without a flood, and the bogus sign-ins in flight during the flood. */
  loginFlood: { samples: number; concurrency: number };
  /** Two brokers with Redis: participants held, and timed pairs (split and on one broker) × messages each. */
  cluster: { participants: number; pairs: number; messages: number };
  files: FileCounts;
}

export const FULL: BenchCounts = {
  joins: 20,
  frames: 10,
  media: 10,
  chat: 1000,
  weight: 10,
  panel: 10,
  floods: 5,
  presence: 3,
  presenceBaselineWaitMs: 40_000,
  // Issue 16's ramp to 20,000. Steps beyond a process's open-files limit (two sockets a participant) give
  // way to the most that fits: here the hard limit is 20,000 and cannot be raised, so 9,750 ends it.
  capacitySteps: [1000, 5000, 10000, 15000, 20000],
  capacityWindowMs: 10_000,
  capacityRate: 0.1,
  loginFlood: { samples: 50, concurrency: 48 },
  cluster: { participants: 20_000, pairs: 20, messages: 50 },
  files: { runs: 5, mb: 128, bigMb: 2048, chat: 100 },
};

export const SMOKE: BenchCounts = {
  joins: 1,
  frames: 1,
  media: 1,
  chat: 2,
  weight: 1,
  panel: 1,
  floods: 1,
  presence: 1,
  presenceBaselineWaitMs: 2_000,
  capacitySteps: [2, 4],
  capacityWindowMs: 300,
  capacityRate: 5,
  loginFlood: { samples: 3, concurrency: 4 },
  cluster: { participants: 4, pairs: 1, messages: 3 },
  files: { runs: 1, mb: 2, bigMb: 4, chat: 2 },
};

export const BENCHMARKS = [
  'weight',
  'panel',
  'join',
  'frame',
  'media',
  'chat',
  'flood',
  'presence',
  'files',
  'capacity',
  'login',
  'cluster',
] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/**
 * `--smoke` (or BENCH_SMOKE=1) starts from the tiny counts; BENCH_JOINS, BENCH_FRAMES, BENCH_CHAT,
 * BENCH_WEIGHT, BENCH_PANEL, BENCH_FLOODS, BENCH_PRESENCE, BENCH_CAPACITY_STEPS (comma-separated), BENCH_CAPACITY_WINDOW_MS,
 * BENCH_CAPACITY_RATE, BENCH_LOGIN_SAMPLES, BENCH_LOGIN_CONCURRENCY, BENCH_CLUSTER_PARTICIPANTS / _PAIRS /
 * _MESSAGES and BENCH_FILES_RUNS / _MB / _BIG_MB / _CHAT override single counts; `--only join,chat`
 * picks benchmarks.
 */
export function parseOptions(argv: readonly string[], env: Record<string, string | undefined>) {
  const smoke = argv.includes('--smoke') || env.BENCH_SMOKE === '1';
  const counts: BenchCounts = { ...(smoke ? SMOKE : FULL) };
  const num = (name: string) => (env[name] ? Number(env[name]) : undefined);
  counts.joins = num('BENCH_JOINS') ?? counts.joins;
  counts.frames = num('BENCH_FRAMES') ?? counts.frames;
  counts.chat = num('BENCH_CHAT') ?? counts.chat;
  counts.weight = num('BENCH_WEIGHT') ?? counts.weight;
  counts.panel = num('BENCH_PANEL') ?? counts.panel;
  counts.floods = num('BENCH_FLOODS') ?? counts.floods;
  counts.presence = num('BENCH_PRESENCE') ?? counts.presence;
  counts.capacityWindowMs = num('BENCH_CAPACITY_WINDOW_MS') ?? counts.capacityWindowMs;
  counts.capacityRate = num('BENCH_CAPACITY_RATE') ?? counts.capacityRate;
  counts.loginFlood = {
    samples: num('BENCH_LOGIN_SAMPLES') ?? counts.loginFlood.samples,
    concurrency: num('BENCH_LOGIN_CONCURRENCY') ?? counts.loginFlood.concurrency,
  };
  counts.cluster = {
    participants: num('BENCH_CLUSTER_PARTICIPANTS') ?? counts.cluster.participants,
    pairs: num('BENCH_CLUSTER_PAIRS') ?? counts.cluster.pairs,
    messages: num('BENCH_CLUSTER_MESSAGES') ?? counts.cluster.messages,
  };
  counts.files = {
    runs: num('BENCH_FILES_RUNS') ?? counts.files.runs,
    mb: num('BENCH_FILES_MB') ?? counts.files.mb,
    bigMb: num('BENCH_FILES_BIG_MB') ?? counts.files.bigMb,
    chat: num('BENCH_FILES_CHAT') ?? counts.files.chat,
  };
  if (env.BENCH_CAPACITY_STEPS) counts.capacitySteps = env.BENCH_CAPACITY_STEPS.split(',').map(Number);
  const onlyArg = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const only = (onlyArg ?? env.BENCH_ONLY)?.split(',').map((s) => s.trim()) as BenchmarkName[] | undefined;
  for (const name of only ?? [])
    if (!BENCHMARKS.includes(name)) throw new Error(`Unknown benchmark "${name}": ${BENCHMARKS.join(', ')}`);
  return { smoke, counts, only: only ?? [...BENCHMARKS] };
}
