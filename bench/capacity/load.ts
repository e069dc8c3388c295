import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { percentile } from '../stats';
import type { SimPeer, StepResult, ToGenerator } from './protocol';

/**
 * The capacity benchmark's load generator, a process of its own (forked by capacity.ts) so the broker's
 * process carries only the broker. Each simulated participant holds a PeerServer websocket (and, against
 * the broker, an /api/events socket after `hello`), sends PeerJS's HEARTBEAT every 5 s, and sends its
 * partner signaling messages (OFFER with a 2.5 KB SDP, ANSWER, CANDIDATEs) at `rate` a second. The
 * relay latency of each is timed on arrival at the partner's socket (one process, one clock).
 */
const HEARTBEAT_MS = 5_000;
const CONNECT_CONCURRENCY = 64;
const SDP = 'v=0\r\n' + 'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0\r\n'.repeat(36);
const CANDIDATE = {
  candidate: 'candidate:842163049 1 udp 1677729535 127.0.0.1 53345 typ srflx raddr 0.0.0.0 rport 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

interface Live {
  sim: SimPeer;
  peer: WebSocket;
  events?: WebSocket;
  sent: number;
}

const live: Live[] = [];
let latencies: number[] = [];
let measuring = false;
let errors = 0;
let firstError: string | undefined;
let rate = 0;
const lag = monitorEventLoopDelay({ resolution: 10 });

function fail(reason: string): void {
  errors++;
  firstError ??= reason;
}

/** Opens a socket and resolves once `ready` accepts a message (after sending `hello`, if any, on open). */
function open(
  url: string,
  onMessage: (data: string) => void,
  ready: (data: string) => boolean,
  hello?: string,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let settled = false;
    if (hello) ws.once('open', () => ws.send(hello));
    ws.on('message', (raw) => {
      const data = raw.toString();
      if (settled) return onMessage(data);
      try {
        if (!ready(data)) return;
      } catch (error) {
        settled = true;
        ws.terminate();
        return reject(error as Error);
      }
      settled = true;
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => !settled && ((settled = true), reject(new Error(`HTTP ${res.statusCode}`))));
    ws.on('error', (error) => (settled ? fail(`socket error: ${error.message}`) : ((settled = true), reject(error))));
    ws.on('close', (code) => {
      if (!settled) reject(new Error(`closed before ready (${code})`));
      else if (!stopping) fail(`socket closed (${code})`);
    });
  });
}

function onPeerMessage(data: string): void {
  const message = JSON.parse(data) as { type: string; payload?: { benchSentAt?: number } };
  if (message.type === 'ERROR') return fail(`PeerServer: ${data}`);
  const sentAt = message.payload?.benchSentAt;
  if (sentAt !== undefined && measuring) latencies.push(performance.now() - sentAt);
}

async function connect(sim: SimPeer): Promise<void> {
  const peer = await open(sim.peerUrl, onPeerMessage, (data) => {
    const type = (JSON.parse(data) as { type: string }).type;
    if (type !== 'OPEN') throw new Error(`PeerServer said ${data}`);
    return true;
  });
  const entry: Live = { sim, peer, sent: 0 };
  if (sim.events) {
    const hello = JSON.stringify({ type: 'hello', token: sim.events.token, since: {} });
    const isReady = (data: string) => {
      const type = (JSON.parse(data) as { type: string }).type;
      if (type === 'error') throw new Error(`events said ${data}`);
      return type === 'ready';
    };
    entry.events = await open(sim.events.url, () => undefined, isReady, hello);
  }
  live.push(entry);
}

async function connectAll(sims: SimPeer[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < sims.length) {
      const sim = sims[next++]!;
      await connect(sim).catch((error: Error) => fail(`connect: ${error.message}`));
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
}

const SIGNALS = ['OFFER', 'ANSWER', 'CANDIDATE', 'CANDIDATE'] as const;

function signal(entry: Live): void {
  if (entry.peer.readyState !== WebSocket.OPEN) return;
  const type = SIGNALS[entry.sent++ % SIGNALS.length]!;
  const payload =
    type === 'CANDIDATE'
      ? { candidate: CANDIDATE, type: 'data', connectionId: 'dc_bench', benchSentAt: performance.now() }
      : {
          sdp: { type: type.toLowerCase(), sdp: SDP },
          type: 'data',
          connectionId: 'dc_bench',
          // As PeerJS offers a data link; the broker relays only JSON ones (issue 10).
          ...(type === 'OFFER' ? { label: 'dc_bench', reliable: true, serialization: 'json' } : {}),
          benchSentAt: performance.now(),
        };
  entry.peer.send(JSON.stringify({ type, payload, dst: entry.sim.partner }));
}

// One ticker spreads every participant's signaling and heartbeats evenly over time (no timer each).
const TICK_MS = 20;
let signalDebt = 0;
let heartbeatDebt = 0;
let signalCursor = 0;
let heartbeatCursor = 0;
let stopping = false;
const ticker = setInterval(() => {
  const n = live.length;
  if (n === 0) return;
  signalDebt += (n * rate * TICK_MS) / 1000;
  heartbeatDebt += (n * TICK_MS) / HEARTBEAT_MS;
  for (; signalDebt >= 1; signalDebt--) signal(live[signalCursor++ % n]!);
  for (; heartbeatDebt >= 1; heartbeatDebt--) {
    const entry = live[heartbeatCursor++ % n]!;
    if (entry.peer.readyState === WebSocket.OPEN) entry.peer.send('{"type":"HEARTBEAT"}');
  }
}, TICK_MS);

process.on('message', async (message: ToGenerator) => {
  if (message.type === 'stop') {
    stopping = true;
    clearInterval(ticker);
    for (const entry of live) {
      entry.peer.terminate();
      entry.events?.terminate();
    }
    process.disconnect();
    return;
  }
  rate = message.rate;
  const started = performance.now();
  await connectAll(message.add);
  const connectMs = performance.now() - started;
  latencies = [];
  lag.reset();
  lag.enable();
  measuring = true;
  await new Promise((resolve) => setTimeout(resolve, message.windowMs));
  measuring = false;
  lag.disable();
  const result: StepResult = {
    type: 'step-done',
    participants: live.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    samples: latencies.length,
    errors,
    ...(firstError ? { firstError } : {}),
    connectMs,
    generatorLagP99: lag.percentile(99) / 1e6,
  };
  process.send!(result);
});
