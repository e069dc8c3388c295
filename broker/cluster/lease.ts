import type { RedisLink } from './redis';
import { KEYS } from './channels';

export interface LeaseTiming {
  /** How long the lease lasts unless renewed: how long the cluster's duties may wait after a broker dies. */
  ttlMs: number;
  /** How often it is renewed (and tried by the others). */
  renewMs: number;
}

export const LEASE_TIMING: LeaseTiming = { ttlMs: 10_000, renewMs: 3_000 };

/** Renews the lease only if this broker still holds it (a GET then PEXPIRE could renew another's). */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * One broker at a time runs the cluster's duties — WebACD passes (which are idempotent one after
 * another, but not when two interleave: both would make the same offer), presence grace, wait sweeps —
 * by holding a lease in Redis (SET NX PX, renewed while alive). A broker that dies lets it run out and
 * another takes it within a ttl. While Redis is unreachable nobody can renew: the holder stops leading
 * when its lease would have run out, so two brokers never lead at once by its own clock.
 */
export class LeaderLease {
  private heldUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly link: RedisLink,
    private readonly self: string,
    private readonly timing: LeaseTiming = LEASE_TIMING,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Tries at once, then every renewMs. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.timing.renewMs);
    this.timer.unref();
  }

  leads(): boolean {
    return this.now() < this.heldUntil;
  }

  /** Called each time this broker becomes the leader (it catches up on the duties then). */
  onLead(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const held = this.leads();
    this.heldUntil = 0;
    // Hand the duties over at once rather than after a ttl.
    if (held)
      await this.link.commands
        .eval(RELEASE, 1, KEYS.leader, this.self)
        .catch((e: unknown) => this.link.failed('release the lease', e));
  }

  private async tick(): Promise<void> {
    const asked = this.now();
    const ttl = String(this.timing.ttlMs);
    try {
      const led = this.leads();
      const renewed = led && (await this.link.commands.eval(RENEW, 1, KEYS.leader, this.self, ttl)) === 1;
      const won = renewed || (await this.link.commands.set(KEYS.leader, this.self, 'PX', this.timing.ttlMs, 'NX')) === 'OK';
      if (!won) return void (this.heldUntil = 0);
      // Counted from when we asked, not when Redis answered: never longer than Redis keeps it.
      this.heldUntil = asked + this.timing.ttlMs;
      if (!led) for (const listener of [...this.listeners]) listener();
    } catch (error) {
      this.link.failed('renew the lease', error);
    }
  }
}
