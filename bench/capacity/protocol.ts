/** What the capacity benchmark's parent and its load generator (a child process) say to each other over IPC. */

/** One simulated participant: its PeerServer socket, optionally its events socket, and whom it signals. */
export interface SimPeer {
  id: string;
  peerUrl: string;
  /** ws URL of /api/events and the hello token; absent against the bare PeerServer. */
  events?: { url: string; token: string };
  /** The peer id it exchanges signaling messages with (its session partner). */
  partner: string;
}

export type ToGenerator = { type: 'step'; add: SimPeer[]; windowMs: number; rate: number } | { type: 'stop' };

export interface StepResult {
  type: 'step-done';
  participants: number;
  /** Relay latencies (send → the partner's socket receives it) during the window, ms. */
  p50: number;
  p95: number;
  p99: number;
  samples: number;
  errors: number;
  firstError?: string;
  /** How long connecting this step's new participants took, ms. */
  connectMs: number;
  /** The generator's own event-loop delay p99 during the window (its share of the latency), ms. */
  generatorLagP99: number;
}
