import { TokenBucket, type Rate } from '../auth/tokenBucket';

export interface SignalingLimitSettings {
  /** Every message one peer sends: generous, ICE candidates come in bursts. */
  messages: Rate;
  /** OFFERs from one peer: each makes its receiver build a peer connection (Chrome stops at ~500). */
  offers: Rate;
  /** OFFERs from one peer to one other: a data link, a screen, a redial or two. */
  offersToOnePeer: Rate;
  /** Messages over a rate a peer may send before its socket is cut. */
  patience: Rate;
  /** How long a peer that was cut for flooding is refused at the door. */
  cutOffMs: number;
  /** Messages `peer` may hold for one destination that is not connected yet. */
  queuedPerDestination: number;
  /** How long `peer` holds them: it drops a destination's queue 5 s after its first message (expire_timeout). */
  queueLifeMs: number;
}

/**
 * Honest peers never meet these: a reconnecting rep with five customers sends ~10 OFFERs and ~100
 * candidates at once; a panel reloaded ten times in a row, or a screen shared and stopped again and
 * again, offers one peer a link or a call each time (the per-pair burst is sized for that). A hostile
 * customer who sent 550 junk OFFERs to a rep (issue 10) gets 20 through and is cut off after ~200 more
 * messages over its rates.
 */
export const SIGNALING_LIMITS: SignalingLimitSettings = {
  messages: { burst: 400, perSecond: 100 },
  offers: { burst: 40, perSecond: 4 },
  offersToOnePeer: { burst: 20, perSecond: 2 },
  patience: { burst: 200, perSecond: 5 },
  cutOffMs: 30_000,
  queuedPerDestination: 16,
  queueLifeMs: 6_000,
};

interface Source {
  messages: TokenBucket;
  offers: TokenBucket;
  offersTo: Map<string, TokenBucket>;
  patience: TokenBucket;
  cutOffUntil: number;
}

/**
 * Per-peer rates of the PeerServer, kept per peer id (not per socket) so reconnecting does not refill
 * them, and forgotten when the participant leaves. Plus the bound on what `peer` queues for destinations
 * that are not connected.
 */
export class SignalingLimits {
  private readonly sources = new Map<string, Source>();
  private readonly queued = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly settings: SignalingLimitSettings = SIGNALING_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Any message from `peerId`; false when over its rate. */
  message(peerId: string): boolean {
    return this.source(peerId).messages.take();
  }

  /** An OFFER from `peerId` to `dst`; false when over either rate. */
  offer(peerId: string, dst: string): boolean {
    const source = this.source(peerId);
    let toOne = source.offersTo.get(dst);
    if (!toOne) source.offersTo.set(dst, (toOne = new TokenBucket(this.settings.offersToOnePeer, this.now)));
    return toOne.take() && source.offers.take();
  }

  /**
   * A message over a rate was dropped; true when the peer is out of patience: its socket is to be cut
   * and the peer id refused for a while.
   */
  strike(peerId: string): boolean {
    const source = this.source(peerId);
    if (source.patience.take()) return false;
    source.cutOffUntil = this.now() + this.settings.cutOffMs;
    return true;
  }

  /** Seconds until a peer cut off for flooding may connect again; 0 when it may now. */
  cutOffFor(peerId: string): number {
    const left = (this.sources.get(peerId)?.cutOffUntil ?? 0) - this.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /** A message for a destination that is not connected, which `peer` would queue; false when enough wait. */
  queue(dst: string): boolean {
    const now = this.now();
    let entry = this.queued.get(dst);
    if (!entry || now - entry.since > this.settings.queueLifeMs) this.queued.set(dst, (entry = { count: 0, since: now }));
    if (entry.count >= this.settings.queuedPerDestination) return false;
    entry.count++;
    return true;
  }

  /** The destination connected: `peer` hands it what waited. */
  delivered(peerId: string): void {
    this.queued.delete(peerId);
  }

  /** The participant left: nothing to remember about them. */
  forget(peerId: string): void {
    this.sources.delete(peerId);
    this.queued.delete(peerId);
  }

  private source(peerId: string): Source {
    let source = this.sources.get(peerId);
    if (!source) {
      const bucket = (rate: Rate) => new TokenBucket(rate, this.now);
      source = {
        messages: bucket(this.settings.messages),
        offers: bucket(this.settings.offers),
        offersTo: new Map(),
        patience: bucket(this.settings.patience),
        cutOffUntil: 0,
      };
      this.sources.set(peerId, source);
    }
    return source;
  }
}
