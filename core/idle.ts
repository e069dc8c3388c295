/**
 * Runs work once the page has rendered and the main thread is free, so background fetches never
 * compete with the first paint. Falls back to a timeout where requestIdleCallback is missing (Safari).
 */
export function whenIdle(work: () => void, timeoutMs = 1000): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => work(), { timeout: timeoutMs });
  else setTimeout(work, 0);
}
