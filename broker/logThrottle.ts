import { OncePerWindow } from './auth/rateLimit';
import type { Logger } from './log';

/**
 * One kind of noise strangers can make at will (malformed websocket frames, junk signaling): always
 * counted, written as one line without a stack trace, and at most once a window, so a flood of bad
 * frames cannot flood the log. The line carries the running count and how many went unlogged.
 */
export class LogThrottle {
  private count = 0;
  private unlogged = 0;
  private readonly lines: OncePerWindow;

  constructor(
    private readonly log: Logger,
    /** Names the noise, e.g. "PeerServer: dropped a signaling message". */
    private readonly what: string,
    windowMs = 60_000,
    now: () => number = () => performance.now(),
  ) {
    this.lines = new OncePerWindow(windowMs, now);
  }

  /** Counts one occurrence; `detail` is a short reason, never content from the message. */
  note(detail: string): void {
    this.count++;
    if (!this.lines.take('line')) {
      this.unlogged++;
      return;
    }
    const skipped = this.unlogged > 0 ? `, ${this.unlogged} not logged since the last line` : '';
    this.unlogged = 0;
    this.log.warn(`${this.what} (${oneLine(detail)}); ${this.count} so far${skipped}`);
  }

  get total(): number {
    return this.count;
  }
}

/** Short and on one line, whatever an error message held. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}
