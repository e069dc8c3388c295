/** How long to wait before reconnect attempt `attempt` (0-based). Injectable so tests need no real timers. */
export type ReconnectPolicy = (attempt: number) => number;

/** Exponential backoff with jitter: 250 ms, 500 ms, 1 s … capped at 10 s. */
export const defaultReconnectPolicy: ReconnectPolicy = (attempt) => {
  const base = Math.min(10_000, 250 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
};
