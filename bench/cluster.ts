import type { CreateSessionResponse, JoinResponse, Self } from '../core/protocol';
import { startBroker, type TestBroker } from '../test/helpers/broker';
import { SignalingPeer } from '../test/helpers/peer-signaling';
import { startRedis } from '../test/helpers/redis';
import { postJson } from './api';
import { brokerSim, Generator } from './capacity/generator';
import { describeOpenFiles, filesFor, participantsFitting, raiseOpenFiles } from './capacity/open-files';
import type { SimPeer } from './capacity/protocol';
import type { BenchCounts } from './options';
import { figure, percentile, round, timing, type Metric } from './stats';

/** Customers per session (with its rep): sessions are made this size to hold the participants. */
const CUSTOMERS_PER_SESSION = 19;
/** Open files a broker keeps besides the participants' sockets: its database, Redis, the timed pairs. */
const BROKER_SPARE_FILES = 1000;
/** Each timed sender sends one CANDIDATE this often (the PeerServer allows 100 a second a peer). */
const SEND_EVERY_MS = 50;

/**
 * Issue 16: two brokers (child processes, one SQLite file, one Redis) hold `participants` together, half
 * connected to each (an events socket and a PeerServer socket each, held by load generators: processes
 * of their own, as many as their open-files limits need); every one must show online to the other broker.
 * Each broker's open-files limit is raised to fit its half where allowed; if it cannot be, the cluster
 * holds what fits. While they are held, `pairs` rep–customer pairs exchange timed signaling: split across
 * the brokers (rep on A, customer on B: relayed through Redis) beside pairs on one broker (the baseline).
 * Times are one way, sender and receiver in this process on one clock.
 */
export async function benchCluster(counts: BenchCounts, log: (line: string) => void = () => {}): Promise<Metric[]> {
  const { participants, pairs, messages } = counts.cluster;
  const redis = await startRedis();
  const env = {
    REDIS_URL: redis.url,
    MAX_CUSTOMERS: String(CUSTOMERS_PER_SESSION),
    PEER_CONCURRENT_LIMIT: '100000',
    // Making thousands of participants takes longer than the grace period they would be timed out after.
    PRESENCE_GRACE_SECONDS: '3600',
  };
  const brokers: TestBroker[] = [];
  const generators: Generator[] = [];
  const sockets: { close(): void }[] = [];
  try {
    const a = await startBroker({ mode: 'child', env });
    brokers.push(a);
    const b = await startBroker({ mode: 'child', env, dataDir: a.dataDir });
    brokers.push(b);
    // Each broker holds half the participants, two sockets each: one socket a participant of the whole.
    const want = participants + BROKER_SPARE_FILES;
    const files = brokers.map((broker) => raiseOpenFiles(broker.pid, want)).sort((x, y) => x.limit - y.limit)[0]!;
    const count = Math.min(participants, files.limit - BROKER_SPARE_FILES);
    log(`cluster: ${describeOpenFiles(files, want)} on each broker; ${count} participants of ${participants} fit`);
    const rep = await a.addRep({ maxCustomers: CUSTOMERS_PER_SESSION });
    const token = await a.login(rep.email, rep.password);

    // Held: participants in sessions of 20, every other one on B; no signaling of their own (rate 0).
    const held = await makeParticipants(a.url, token, count);
    const sims = held.map(({ self, bearer }, i) => brokerSim(i % 2 === 0 ? a.url : b.url, self, bearer, self.peerId));
    const started = Date.now();
    await hold(sims, generators, log);
    log(
      `cluster: ${held.length} participants connected in ${((Date.now() - started) / 1000).toFixed(1)} s by ${generators.length} generator(s)`,
    );
    const online = await onlineEverywhere(a.url, b.url, token, held);
    log(`cluster: ${online} of ${held.length} online as seen from both brokers`);

    const split = await timeRelays(a.url, b.url, token, pairs, messages, sockets);
    const same = await timeRelays(a.url, a.url, token, pairs, messages, sockets);
    return [
      figure('cluster: participants held by two brokers with Redis', 'participants', online, held.length, {
        higherIsBetter: true,
        note:
          `${held.length} participants, half on each broker (events + PeerServer sockets), each counted online on both brokers; baseline: how many were connected` +
          (count < participants ? `; ${participants} asked, ${describeOpenFiles(files, want)} on each broker fits ${count}` : ''),
      }),
      timing('cluster: signaling relay, a pair split across brokers', split, same, {
        p99: true,
        note: `one-way CANDIDATE, rep on A and customer on B (relayed through Redis), ${pairs} pairs × ${messages} messages while the participants above are held; baseline: the same with both on A (its p99 ${round(percentile(same, 99))} ms)`,
      }),
    ];
  } finally {
    for (const generator of generators) await generator.stop();
    for (const socket of sockets) socket.close();
    for (const broker of brokers.reverse()) await broker.close();
    await redis.stop();
  }
}

/** Sessions of the rep, each with customers by link, until `count` participants (reps included) exist. */
async function makeParticipants(url: string, token: string, count: number) {
  /** `bearer`: what opens the participant's events socket (the rep's sign-in; a customer's own token). */
  const made: { self: Self & { sessionId: string }; bearer: string }[] = [];
  while (made.length < count) {
    const { session, self } = await postJson<CreateSessionResponse>(url, '/api/sessions', {}, token);
    made.push({ self: { ...self, sessionId: session.id }, bearer: token });
    const invite = session.joinUrl!.split('#')[1]!;
    for (let i = 0; i < CUSTOMERS_PER_SESSION && made.length < count; i++) {
      const joined = await postJson<JoinResponse>(url, '/api/join', { invite, name: `Customer ${made.length}` });
      made.push({ self: { ...joined.self, sessionId: joined.sessionId }, bearer: joined.self.peerToken });
    }
  }
  return made;
}

/**
 * Connects `sims` through load generators, each taking as many as its open-files limit allows (two client
 * sockets a participant), so this process's own limit does not cap the cluster.
 */
async function hold(sims: SimPeer[], generators: Generator[], log: (line: string) => void): Promise<void> {
  for (let start = 0; start < sims.length;) {
    const generator = new Generator(filesFor(sims.length - start));
    generators.push(generator);
    const take = participantsFitting(generator.files.limit);
    const done = await generator.step(sims.slice(start, start + take), 0, 0);
    // Not fatal: those lost are not online, and the held figure counts only who is.
    if (done.errors > 0) log(`cluster: ${done.errors} sockets failed or closed while connecting (${done.firstError})`);
    start += take;
  }
}

/** How many held participants both brokers count online (read from each one's session detail). */
async function onlineEverywhere(
  a: string,
  b: string,
  token: string,
  held: { self: { participantId: string; sessionId: string } }[],
) {
  const sessionIds = [...new Set(held.map((h) => h.self.sessionId))];
  const ids = new Set(held.map((h) => h.self.participantId));
  const read = async (url: string) => {
    const online = new Set<string>();
    for (const id of sessionIds) {
      const res = await fetch(`${url}/api/sessions/${id}`, { headers: { authorization: `Bearer ${token}` } });
      for (const p of ((await res.json()) as { online?: string[] }).online ?? []) online.add(p);
    }
    return online;
  };
  // Presence crosses brokers within a snapshot or a delta: give it a few seconds to settle.
  for (let tries = 0; ; tries++) {
    const [onA, onB] = await Promise.all([read(a), read(b)]);
    const both = [...ids].filter((id) => onA.has(id) && onB.has(id)).length;
    if (both === ids.size || tries === 50) return both;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `pairs` sessions, rep on `repUrl` and a customer on `customerUrl`, each rep sending `messages` CANDIDATEs. */
async function timeRelays(
  repUrl: string,
  customerUrl: string,
  token: string,
  pairs: number,
  messages: number,
  sockets: { close(): void }[],
) {
  const samples: number[] = [];
  await Promise.all(
    Array.from({ length: pairs }, async () => {
      const { session, self } = await postJson<CreateSessionResponse>(repUrl, '/api/sessions', {}, token);
      const customer = await postJson<JoinResponse>(customerUrl, '/api/join', {
        invite: session.joinUrl!.split('#')[1],
        name: 'Timed',
      });
      const from = await SignalingPeer.connect(repUrl, self);
      const to = await SignalingPeer.connect(customerUrl, customer.self);
      sockets.push({ close: () => void from.terminate() }, { close: () => void to.terminate() });
      const arrived = new Promise<void>((resolve) => {
        let got = 0;
        to.ws.on('message', (data) => {
          const message = JSON.parse(data.toString()) as { type: string; payload?: { sentAt?: number } };
          if (message.type !== 'CANDIDATE' || typeof message.payload?.sentAt !== 'number') return;
          samples.push(performance.now() - message.payload.sentAt);
          if (++got === messages) resolve();
        });
      });
      for (let i = 0; i < messages; i++) {
        from.send({
          type: 'CANDIDATE',
          dst: customer.self.peerId,
          payload: { type: 'data', connectionId: 'dc_bench', candidate: {}, sentAt: performance.now() },
        });
        await new Promise((resolve) => setTimeout(resolve, SEND_EVERY_MS));
      }
      // A message lost would hang the run: after 10 s it is counted lost instead.
      await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }),
  );
  if (samples.length < pairs * messages) throw new Error(`${pairs * messages - samples.length} timed messages were lost`);
  return samples;
}
