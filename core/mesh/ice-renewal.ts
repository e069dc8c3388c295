import type { IceConfig } from '../protocol';

export interface IceRenewalDeps {
  /** When the current TURN credentials stop working (ms); null ⇒ nothing to renew. */
  expiresAt: number | null;
  fetch(): Promise<IceConfig>;
  apply(ice: IceConfig): void;
  now?: () => number;
}

/** Never wait less than this between attempts: a broker that keeps failing is not hammered. */
const MIN_DELAY_MS = 15_000;

/**
 * Fetches fresh TURN credentials when three quarters of the current ones' life has passed, so
 * connections made late in a long session (a new share, a reconnect) still reach the relay. A failed
 * fetch is tried again (at least MIN_DELAY_MS apart) until one works. Returns a stop function.
 */
export function startIceRenewal(deps: IceRenewalDeps): () => void {
  const now = deps.now ?? Date.now;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const schedule = (expiresAt: number | null) => {
    if (expiresAt === null || stopped) return;
    const delay = Math.max(MIN_DELAY_MS, (expiresAt - now()) * 0.75);
    timer = setTimeout(() => void renew(expiresAt), delay);
  };
  async function renew(current: number): Promise<void> {
    try {
      const ice = await deps.fetch();
      if (stopped) return;
      deps.apply(ice);
      schedule(ice.expiresAt);
    } catch {
      schedule(current);
    }
  }
  schedule(deps.expiresAt);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
