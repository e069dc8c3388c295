import type { BrokerContext } from '../context';

/** How often the broker looks for rep credentials that stopped working without it being told. */
export const CREDENTIAL_SWEEP_INTERVAL_MS = 5_000;
/**
 * Each sweep looks this far behind the last one again: the admin CLI stamps a revocation with its own
 * clock and commits a moment later, so a window that ended exactly at the last sweep could miss it.
 */
const OVERLAP_MS = 60_000;

/**
 * Rep credentials also stop working where the broker does not see it: the admin CLI (another process,
 * the same SQLite file) revokes tokens and disables reps, and tokens expire by time. The sweep asks the
 * store what ended since it last looked (indexed ranges, so thousands of tokens cost nothing) and tells
 * `ctx.revocations`, whose listeners close sockets opened with those credentials. What the broker
 * announced itself (sign-out) is not announced twice.
 */
export class CredentialSweep {
  private last: number;
  /** Announced lately (key → when), so overlapping windows announce once. */
  private readonly announced = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(private readonly ctx: BrokerContext) {
    this.last = ctx.now();
    this.unsubscribe = ctx.revocations.subscribe((revocation) => {
      if (revocation.kind === 'rep-token') this.announced.set(`token:${revocation.tokenHash}`, ctx.now());
    });
  }

  /** One pass; returns how many revocations it announced. */
  async sweep(): Promise<number> {
    const { store, revocations } = this.ctx;
    const now = this.ctx.now();
    const from = this.last - OVERLAP_MS;
    const disabled = await store.listRepsDisabledBetween(from, now);
    const ended = await store.listRepTokensEndedBetween(from, now);
    let count = 0;
    const announce = (key: string, emit: () => void) => {
      if (this.announced.has(key)) return;
      this.announced.set(key, now);
      emit();
      count++;
    };
    for (const { repId, disabledAt } of disabled) {
      announce(`rep:${repId}:${disabledAt}`, () => revocations.revoked({ kind: 'rep', repId }));
    }
    for (const { tokenHash, repId } of ended) {
      announce(`token:${tokenHash}`, () => revocations.revoked({ kind: 'rep-token', tokenHash, repId }));
    }
    this.last = now;
    // A key older than two overlaps can no longer fall in a window.
    for (const [key, at] of this.announced) if (at < now - 2 * OVERLAP_MS) this.announced.delete(key);
    return count;
  }

  stop(): void {
    this.unsubscribe();
  }
}

/** Sweeps every intervalMs until the returned stop() (timer unref'd: it never keeps the process alive). */
export function startCredentialSweep(ctx: BrokerContext, intervalMs = CREDENTIAL_SWEEP_INTERVAL_MS): () => void {
  const sweep = new CredentialSweep(ctx);
  let sweeping = false;
  const timer = setInterval(() => {
    // A slow store must not pile sweeps up: the next tick looks again.
    if (sweeping) return;
    sweeping = true;
    sweep
      .sweep()
      .catch((error: unknown) => ctx.log.error('Sweeping ended rep credentials failed', error))
      .finally(() => (sweeping = false));
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    sweep.stop();
  };
}
