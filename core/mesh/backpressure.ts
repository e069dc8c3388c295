import { BINARY_LOW_WATER, type BinaryLink } from './transport';

/** Above this many queued bytes a sender waits for the queue to drain (a few chunks in flight keep the pipe full). */
export const BINARY_HIGH_WATER = 1024 * 1024;

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/** Senders waiting on each link; one drain and one close listener per link, however many waits. */
const waiting = new WeakMap<BinaryLink, Waiter[]>();

function waitersOf(link: BinaryLink): Waiter[] {
  let waiters = waiting.get(link);
  if (!waiters) {
    const list: Waiter[] = [];
    link.onDrain(() => list.splice(0).forEach((w) => w.resolve()));
    link.onClose(() => list.splice(0).forEach((w) => w.reject(new Error('The channel closed'))));
    waiting.set(link, (waiters = list));
  }
  return waiters;
}

/**
 * Resolves once the link may take more: at once below the high-water mark, else when it has drained to
 * the low-water mark. Rejects when the link closes meanwhile, so a sender never waits forever.
 */
export function whenWritable(link: BinaryLink, highWater = BINARY_HIGH_WATER): Promise<void> {
  if (!link.isOpen) return Promise.reject(new Error('The channel is closed'));
  // The drain event fires only on crossing the low-water mark: at or below it, go on now.
  if (link.bufferedAmount <= Math.max(highWater, BINARY_LOW_WATER)) return Promise.resolve();
  return new Promise((resolve, reject) => waitersOf(link).push({ resolve, reject }));
}
