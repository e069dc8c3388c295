import type { CreateSessionResponse, JoinResponse } from '../../core/protocol';
import { hashToken, newId, newRepToken } from '../../broker/auth/tokens';
import { startBroker, type TestRep } from '../../test/helpers/broker';
import { startPostgres } from '../../test/helpers/postgres';
import type { BenchCounts } from '../options';
import { figure, type Metric } from '../stats';
import { brokerSim, forkTs, Generator, nextMessage } from './generator';
import { describeOpenFiles, filesFor, participantsFitting, raiseOpenFiles, type OpenFiles } from './open-files';
import type { SimPeer, StepResult } from './protocol';
import { postJson } from '../api';
import { rss } from '../memory';

const P99_LIMIT_MS = 50;

/**
 * The steps that fit `limit` open files a process; when some do not, the most that fits (rounded down to
 * 250) ends the ramp instead, so the report says how far this machine goes rather than stopping short.
 */
function stepsThatFit(steps: readonly number[], limit: number): number[] {
  const fit = participantsFitting(limit);
  const kept = steps.filter((n) => n <= fit);
  const last = Math.floor(fit / 250) * 250;
  return kept.length < steps.length && !kept.includes(last) ? [...kept, last] : kept;
}

interface Step extends StepResult {
  rssBytes: number;
}

interface Ramp {
  steps: Step[];
  /** The largest step with p99 ≤ 50 ms and no errors (0 if none). */
  maxHeld: number;
  idleRss: number;
  /** The steps ramped through: those asked for that fit the open-files limit of the server and the generator. */
  ran: number[];
  /** The lower open-files limit of the two processes, and why it was not raised if it was not. */
  files: OpenFiles;
}

/**
 * Ramps one server through `steps` with a fresh load generator: both get their open-files limit raised for
 * the largest step where allowed, the steps that fit are kept, and `makeSims` makes that many
 * participants. At each step the generator connects the new participants, carries traffic for the window
 * and reports latencies; the server's RSS is read then. Stops at the first step with p99 > 50 ms or any error.
 */
async function ramp(
  steps: readonly number[],
  serverPid: number,
  makeSims: (count: number) => Promise<SimPeer[]>,
  counts: BenchCounts,
  log: (line: string) => void,
  label: string,
): Promise<Ramp> {
  const want = filesFor(Math.max(...steps));
  const generator = new Generator(want);
  const files = [raiseOpenFiles(serverPid, want), generator.files].sort((a, b) => a.limit - b.limit)[0]!;
  const ran = stepsThatFit(steps, files.limit);
  log(`  ${label}: ${describeOpenFiles(files, want)}; steps ${ran.join(', ')}`);
  const results: Step[] = [];
  let maxHeld = 0;
  let idleRss = 0;
  try {
    const sims = await makeSims(Math.max(...ran));
    idleRss = rss(serverPid);
    let connected = 0;
    for (const target of ran) {
      const add = sims.slice(connected, target);
      connected = target;
      const done = await generator.step(add, counts.capacityWindowMs, counts.capacityRate);
      const step: Step = { ...done, rssBytes: rss(serverPid) };
      results.push(step);
      log(
        `  ${label} ${step.participants}: p50 ${step.p50.toFixed(1)} p99 ${step.p99.toFixed(1)} ms (${step.samples} relays), ` +
          `RSS ${(step.rssBytes / 2 ** 20).toFixed(0)} MB, errors ${step.errors}${step.firstError ? ` (${step.firstError})` : ''}, ` +
          `generator lag p99 ${step.generatorLagP99.toFixed(1)} ms`,
      );
      if (step.errors > 0 || !(step.p99 <= P99_LIMIT_MS)) break;
      maxHeld = step.participants;
    }
  } finally {
    await generator.stop();
  }
  return { steps: results, maxHeld, idleRss, ran, files };
}

type Broker = Awaited<ReturnType<typeof startBroker>>;

/**
 * A rep of their own for each session, as in life (a rep's events socket follows every session of that
 * rep), signed in. Made straight in the store from one template, so the ramp does not wait for thousands
 * of password hashes; the broker takes the token like any other.
 */
async function signedInRep(broker: Broker, template: TestRep, i: number): Promise<string> {
  const id = newId();
  await broker.store.insertRep({ ...template, id, email: `load${i}.${id}@example.test`, name: `Load Rep ${i}` });
  const token = newRepToken();
  const now = Date.now();
  await broker.store.insertRepToken({ tokenHash: hashToken(token), repId: id, createdAt: now, expiresAt: now + 86_400_000 });
  return token;
}

/** Real participants on the broker: sessions of a rep each, with the rep as controller and one customer. */
async function brokerParticipants(broker: Broker, count: number): Promise<SimPeer[]> {
  const template = await broker.addRep({ name: 'Load Rep' });
  const post = <T>(path: string, body: unknown, bearer?: string) => postJson<T>(broker.url, path, body, bearer);
  // The events socket takes the rep's token for a rep (their peerToken is a PeerServer credential only).
  const sim = (self: { peerId: string; peerToken: string }, eventsToken: string, partner: string) =>
    brokerSim(broker.url, self, eventsToken, partner);
  const pairs: SimPeer[][] = [];
  // All reps first: this process writes the database only while the broker does not.
  const tokens: string[] = [];
  for (let i = 0; i < Math.ceil(count / 2); i++) tokens.push(await signedInRep(broker, template, i));
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const i = next++;
      const token = tokens[i]!;
      const created = await post<CreateSessionResponse>('/api/sessions', {}, token);
      const invite = created.session.joinUrl!.split('#')[1];
      const { self } = await post<JoinResponse>('/api/join', { invite, name: `Load ${i}` });
      pairs[i] = [sim(created.self, token, self.peerId), sim(self, self.peerToken, created.self.peerId)];
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return pairs.flat().slice(0, count);
}

/** The same pairs for the bare PeerServer: any id and token will do there. */
function bareParticipants(port: number, count: number): SimPeer[] {
  const id = (i: number) => `bare${i.toString(16).padStart(8, '0')}`;
  return Array.from({ length: count }, (_, i) => ({
    id: id(i),
    peerUrl: `ws://127.0.0.1:${port}/peerjs/peerjs?key=peerjs&id=${id(i)}&token=t${i}&version=1.5.5`,
    partner: id(i ^ 1),
  }));
}

const perParticipant = (r: Ramp, step: Step) => (step.rssBytes - r.idleRss) / step.participants / 1024;

/** The step of `r` with exactly `n` participants, if it was reached. */
const at = (r: Ramp, n: number) => r.steps.find((s) => s.participants === n);

/** One broker (child process) ramped with real participants: sessions of a rep each, and a customer. */
async function rampBroker(
  env: Record<string, string>,
  steps: readonly number[],
  counts: BenchCounts,
  log: (line: string) => void,
  label: string,
): Promise<Ramp> {
  const broker = await startBroker({ mode: 'child', env });
  try {
    return await ramp(steps, broker.pid, (count) => brokerParticipants(broker, count), counts, log, label);
  } finally {
    await broker.close();
  }
}

/**
 * Issue 6, metric 5: how many participants the broker carries — each a PeerServer socket with a real
 * id/token plus an /api/events socket, signaling at a realistic rate — before relay p99 passes 50 ms or
 * errors appear, beside a bare `peer` PeerServer under the same PeerServer load, one after the other in
 * the same run. Broker, bare PeerServer and load generator are separate processes; all share this
 * machine's two cores, so the generator's own delay is part of every latency (reported in the log).
 */
export async function benchCapacity(counts: BenchCounts, log: (line: string) => void = () => {}): Promise<Metric[]> {
  // Participants of later steps join up front and connect minutes later: no presence grace may run out meanwhile.
  const env = { PRESENCE_GRACE_SECONDS: '86400' };
  const steps = counts.capacitySteps;
  const ours = await rampBroker(env, steps, counts, log, 'broker');
  // The same broker with its state in PostgreSQL (DATABASE_URL), a cluster of the run's own.
  const cluster = await startPostgres();
  let onPostgres: Ramp;
  try {
    onPostgres = await rampBroker({ ...env, DATABASE_URL: await cluster.createDatabase() }, steps, counts, log, 'broker-pg');
  } finally {
    await cluster.stop();
  }
  const bareServer = forkTs('bare-peer-server.ts');
  let bare: Ramp;
  try {
    const { port } = await nextMessage<{ port: number }>(bareServer);
    bare = await ramp(steps, bareServer.pid!, async (count) => bareParticipants(port, count), counts, log, 'bare');
  } finally {
    bareServer.kill();
  }

  return [...capacityFigures('broker', ours, bare, counts), ...capacityFigures('broker on PostgreSQL', onPostgres, bare, counts)];
}

/** The ramp's figures beside the bare PeerServer's: participants held, relay p99, memory. */
function capacityFigures(prefix: string, ours: Ramp, bare: Ramp, counts: BenchCounts): Metric[] {
  const { ran, files } = ours;
  const cut = counts.capacitySteps.some((n) => !ran.includes(n));
  const metrics: Metric[] = [
    figure(`${prefix}: participants held (p99 ≤ 50 ms, no errors)`, 'participants', ours.maxHeld, bare.maxHeld, {
      runs: ours.steps.length,
      higherIsBetter: true,
      // Issue 16's target for this machine (issue 6 asked ≥ 5,000).
      target: { target: '≥ 20,000', met: (m) => m.value >= 20_000 },
      note:
        `steps ${ran.join(', ')}` +
        (cut && ours.maxHeld === ran.at(-1)
          ? ` (all held: the ramp ends at what ${describeOpenFiles(files, filesFor(Math.max(...counts.capacitySteps)))} fits; latency did not end it)`
          : '') +
        '; ' +
        `each participant signals ${counts.capacityRate}/s + a heartbeat every 5 s; ${counts.capacityWindowMs / 1000} s a step`,
    }),
  ];
  // The issue's 1,000 and 5,000, and the ramp's last step (how latency grows toward the end).
  const reported = [...new Set([1000, 5000, ran.at(-1)!])].filter((n) => ran.includes(n));
  for (const n of reported.length > 0 ? reported : ran.slice(0, 1)) {
    const a = at(ours, n);
    const b = at(bare, n);
    if (!a || !b) continue;
    metrics.push(
      figure(`${prefix}: relay p99 at ${n} participants`, 'ms', a.p99, b.p99, {
        runs: a.samples,
        p99: a.p99,
        // One 10 s window's p99 swings with a GC pause or the neighbour's tests (seen 0.4× to 3× bare from
        // run to run, both ways); the p50 and p95 beside it in the note are the steadier comparison.
        target: n === 5000 ? { target: 'p99 ≤ 50 ms', met: (m) => m.value <= 50 } : undefined,
        note: `p50 ${a.p50.toFixed(1)} / bare ${b.p50.toFixed(1)} ms, p95 ${a.p95.toFixed(1)} / bare ${b.p95.toFixed(1)} ms; generator lag p99 ${a.generatorLagP99.toFixed(1)} ms`,
      }),
    );
    const metric = metrics.at(-1)!;
    metric.p50 = Number(a.p50.toFixed(2));
    metric.p95 = Number(a.p95.toFixed(2));
  }
  // Memory where both ramps still stood: the largest step they both reached.
  const common = ours.steps.filter((s) => at(bare, s.participants)).at(-1);
  if (common) {
    const mine = perParticipant(ours, common);
    const theirs = perParticipant(bare, at(bare, common.participants)!);
    const idle = (r: Ramp) => `${(r.idleRss / 2 ** 20).toFixed(0)} MB`;
    metrics.push(
      figure(`${prefix}: RSS per participant`, 'KB', mine, theirs, {
        runs: common.participants,
        target: { target: '≤ 20 KB, ≤ 1.2× bare', met: (m) => m.value <= 20 && m.ratio <= 1.2 },
        note:
          `at ${common.participants} participants, above the idle process (broker ${idle(ours)}, bare ${idle(bare)}); ` +
          'a participant is 2 sockets on the broker (PeerServer + events), 1 on the bare PeerServer',
      }),
      // What each server spends on one connection.
      figure(`${prefix}: RSS per socket`, 'KB', mine / 2, theirs, {
        runs: common.participants * 2,
        note: 'RSS per participant over sockets per participant (broker 2, bare 1)',
      }),
    );
  }
  return metrics;
}
