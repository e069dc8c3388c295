import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { startBroker } from '../test/helpers/broker';
import type { BenchCounts } from './options';
import { timing, type Metric } from './stats';

/**
 * Issue 10: the join page (`GET /`, a static file read on libuv's thread pool) while `concurrency` bogus
 * sign-ins are in flight, beside the same page with no flood, in the same run. Once with the broker's
 * scrypt cap as configured by default, once with the cap lifted (the broker before issue 10), so the
 * table shows what the cap buys. The sign-in limits are lifted in both: the flood must keep reaching
 * scrypt (otherwise the per-address and global limits would soon answer it without any hashing).
 * With the cap, most of the flood is answered 429 at once and sent again at once: what is left of the
 * slowdown is that request rate, and the capped hashes taking the cores, not a full thread pool.
 */
const NO_LOGIN_LIMITS = {
  LOGIN_FAILURES_PER_ADDRESS_AND_ACCOUNT: '1000000',
  LOGIN_FAILURES_PER_ACCOUNT: '1000000',
  LOGIN_FAILURES_PER_ADDRESS: '1000000',
  LOGIN_FAILURES_PER_MINUTE: '1000000',
};
const UNCAPPED = { PASSWORD_HASH_CONCURRENCY: '64', PASSWORD_HASH_QUEUE: '10000' };

export async function benchLoginFlood(counts: BenchCounts, log: (line: string) => void = () => {}): Promise<Metric[]> {
  const { samples, concurrency } = counts.loginFlood;
  const capped = await measure({ ...NO_LOGIN_LIMITS }, samples, concurrency);
  log(`login flood, scrypt capped: sign-ins answered ${JSON.stringify(capped.statuses)}`);
  const uncapped = await measure({ ...NO_LOGIN_LIMITS, ...UNCAPPED }, samples, concurrency);
  log(`login flood, scrypt uncapped: sign-ins answered ${JSON.stringify(uncapped.statuses)}`);
  const note = (how: string, statuses: Record<string, number>) =>
    `${concurrency} bogus sign-ins in flight, ${how}; sign-ins answered ${Object.entries(statuses)
      .map(([status, n]) => `${n}× ${status}`)
      .join(', ')}; baseline: the same page with no flood, same broker`;
  return [
    timing(`join page GET / during ${concurrency} bogus sign-ins (scrypt capped)`, capped.flood, capped.quiet, {
      note: note('PASSWORD_HASH_CONCURRENCY and PASSWORD_HASH_QUEUE at their defaults', capped.statuses),
    }),
    timing(`join page GET / during ${concurrency} bogus sign-ins (scrypt uncapped)`, uncapped.flood, uncapped.quiet, {
      note: note('no cap on scrypt (as before issue 10), for comparison', uncapped.statuses),
    }),
  ];
}

/** A broker of its own (child process) with `env`: GET / timed without, then during, the flood. */
async function measure(env: Record<string, string>, samples: number, concurrency: number) {
  const broker = await startBroker({ mode: 'child', env });
  const attacker = fork(resolve(import.meta.dirname, 'login-flood-load.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    // Warm up: the first requests pay for module loading and the decoy hash.
    await timeJoinPage(broker.url, 3);
    const quiet = await timeJoinPage(broker.url, samples);
    const flooding = nextMessage(attacker);
    attacker.send({ type: 'start', url: broker.url, concurrency });
    await flooding;
    const flood = await timeJoinPage(broker.url, samples);
    const stopped = nextMessage<{ statuses: Record<string, number> }>(attacker);
    attacker.send({ type: 'stop' });
    return { quiet, flood, statuses: (await stopped).statuses };
  } finally {
    attacker.kill();
    await broker.close();
  }
}

/** Sequential GET / of the join page, each timed from request to the last byte. */
async function timeJoinPage(url: string, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const res = await fetch(`${url}/`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET / answered ${res.status}: is the join page built (npm run build)?`);
    times.push(performance.now() - started);
  }
  return times;
}

function nextMessage<T = unknown>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the login flood's attacker exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}
