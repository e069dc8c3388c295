import type { RemotePeers } from '../peer/remote';
import type { SignalingMessage } from '../peer/messages';
import type { RedisLink } from './redis';
import { CHANNELS, KEYS } from './channels';

export interface PeerRegistryTiming {
  /** How long an entry lives unless renewed: how long a dead broker's peers look reachable through it. */
  ttlMs: number;
  renewMs: number;
}

export const PEER_REGISTRY_TIMING: PeerRegistryTiming = { ttlMs: 30_000, renewMs: 10_000 };

/**
 * Signaling for a peer no broker holds yet, kept for the broker it connects to: as many as, and as long
 * as, `peer` queues for a destination (SIGNALING_LIMITS.queuedPerDestination, queueLifeMs).
 */
const PENDING_PER_PEER = 16;
const PENDING_MS = 6_000;

/** Renews only an entry that is this broker's or gone: never takes back a peer that moved to another. */
const RENEW_IF_MINE = `local v = redis.call('GET', KEYS[1]) if v == false or v == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) else return 0 end`;
const FORGET_IF_MINE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface PeerRelayCounts {
  /** Signaling handed to another broker. */
  forwarded: number;
  /** Signaling another broker handed here. */
  arrived: number;
}

/**
 * Signaling between peers on different brokers. A registry in Redis says which broker holds which peer
 * id (`rs:peer:<id>` → broker id, with an expiry renewed while the socket is open and removed when it
 * closes, so a dead broker's peers vanish within a ttl); a message for a peer held elsewhere goes to
 * that broker's own channel, which delivers it to the peer after its own session-scope check.
 */
export class PeerRelay implements RemotePeers {
  readonly counts: PeerRelayCounts = { forwarded: 0, arrived: 0 };
  private readonly held = new Set<string>();
  /** dst → signaling that found no holder: `peer` queues it for a connect here, this for one elsewhere. */
  private readonly pending = new Map<string, { src: string; message: SignalingMessage; at: number }[]>();
  private timer: NodeJS.Timeout | undefined;
  private handler: ((src: string, message: SignalingMessage) => void) | undefined;
  private movedHandler: ((peerId: string) => void) | undefined;

  constructor(
    private readonly link: RedisLink,
    private readonly self: string,
    private readonly timing: PeerRegistryTiming = PEER_REGISTRY_TIMING,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.renew(), this.timing.renewMs);
    this.timer.unref();
  }

  connected(peerId: string): void {
    this.held.add(peerId);
    // What waited here for it went to `peer`'s own queue, which delivers it now.
    this.pending.delete(peerId);
    // A socket of this peer left on another broker (half-dead after a network blip) would keep getting
    // what that broker's peers send it: that broker closes it.
    this.link.publish(CHANNELS.all, JSON.stringify({ kind: 'peer-moved', from: this.self, peerId }));
    this.link.commands
      .set(KEYS.peer(peerId), this.self, 'PX', this.timing.ttlMs)
      .catch((error: unknown) => this.link.failed('register a peer', error));
  }

  disconnected(peerId: string): void {
    if (!this.held.delete(peerId)) return;
    this.link.commands
      .eval(FORGET_IF_MINE, 1, KEYS.peer(peerId), this.self)
      .catch((error: unknown) => this.link.failed('unregister a peer', error));
  }

  async forward(srcPeerId: string, message: SignalingMessage): Promise<boolean> {
    if (message.type === 'HEARTBEAT') return false;
    let holder: string | null;
    try {
      holder = await this.link.commands.get(KEYS.peer(message.dst));
    } catch (error) {
      this.link.failed('look up a peer', error);
      return false;
    }
    if (holder === null) this.keep(srcPeerId, message);
    if (holder === null || holder === this.self) return false;
    this.send(holder, srcPeerId, message);
    return true;
  }

  private send(holder: string, src: string, message: SignalingMessage): void {
    this.counts.forwarded++;
    this.link.publish(CHANNELS.to(holder), JSON.stringify({ kind: 'signal', from: this.self, src, message }));
  }

  /** A peer that connects a moment later (to another broker) still gets what was sent it meanwhile. */
  private keep(src: string, message: SignalingMessage & { dst: string }): void {
    const now = performance.now();
    const kept = (this.pending.get(message.dst) ?? []).filter((p) => now - p.at < PENDING_MS);
    if (kept.length < PENDING_PER_PEER) kept.push({ src, message, at: now });
    this.pending.set(message.dst, kept);
  }

  cutOff(peerId: string, ms: number): void {
    this.link.commands
      .set(KEYS.cutOff(peerId), '1', 'PX', ms)
      .catch((error: unknown) => this.link.failed('share a signaling cut-off', error));
  }

  async cutOffFor(peerId: string): Promise<number> {
    try {
      const ms = await this.link.commands.pttl(KEYS.cutOff(peerId));
      return ms > 0 ? Math.ceil(ms / 1000) : 0;
    } catch (error) {
      // Unreachable Redis: this broker's own cut-offs still hold.
      this.link.failed('read a signaling cut-off', error);
      return 0;
    }
  }

  onArrival(handler: (srcPeerId: string, message: SignalingMessage) => void): void {
    this.handler = handler;
  }

  onMoved(handler: (peerId: string) => void): void {
    this.movedHandler = handler;
  }

  /** Another broker holds the peer now: what waited for it goes there; a socket of it here is stale. */
  moved(peerId: string, holder: string): void {
    const now = performance.now();
    for (const p of this.pending.get(peerId) ?? []) if (now - p.at < PENDING_MS) this.send(holder, p.src, p.message);
    this.pending.delete(peerId);
    if (this.held.has(peerId)) this.movedHandler?.(peerId);
  }

  /** A validated `signal` from this broker's channel. */
  arrive(srcPeerId: string, message: SignalingMessage): void {
    this.counts.arrived++;
    this.handler?.(srcPeerId, message);
  }

  close(): void {
    clearInterval(this.timer);
    for (const peerId of [...this.held]) this.disconnected(peerId);
  }

  private renew(): void {
    const now = performance.now();
    for (const [peerId, kept] of this.pending) if (kept.every((p) => now - p.at >= PENDING_MS)) this.pending.delete(peerId);
    if (this.held.size === 0) return;
    const batch = this.link.commands.pipeline();
    for (const peerId of this.held) batch.eval(RENEW_IF_MINE, 1, KEYS.peer(peerId), this.self, this.timing.ttlMs);
    batch.exec().catch((error: unknown) => this.link.failed('renew the peer registry', error));
  }
}
