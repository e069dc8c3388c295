import type { WebSocket } from 'ws';

/** How the broker finds events sockets that died without closing (a laptop lid, a lost network). */
export interface HeartbeatTiming {
  /** How often every socket is looked at. */
  checkEveryMs: number;
  /** A socket silent this long gets a websocket ping (browsers answer it even in a throttled background tab). */
  pingAfterMs: number;
  /** A socket silent this long is cut: its participant goes offline. */
  deadAfterMs: number;
}

/**
 * Cut within 8 s of the last frame (core/protocol EVENTS_HEARTBEAT: clients give up after 8 s too).
 * Clients ping every 3 s, which counts as a sign of life, so the broker pings only sockets that went
 * quiet: at ~9,500 sockets that is no pings for current clients and one every ~4 s for the rest.
 */
export const EVENTS_SOCKET_HEARTBEAT: HeartbeatTiming = { checkEveryMs: 1_000, pingAfterMs: 4_000, deadAfterMs: 7_000 };

/** Watches sockets: any frame from one (a message, a pong) is a sign of life; silence ends it. */
export class Heartbeat {
  private readonly heardAt = new WeakMap<WebSocket, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sockets: Iterable<WebSocket>,
    private readonly timing: HeartbeatTiming,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.timer = setInterval(() => this.check(), timing.checkEveryMs);
    this.timer.unref();
  }

  watch(ws: WebSocket): void {
    this.heard(ws);
    ws.on('pong', () => this.heard(ws));
  }

  heard(ws: WebSocket): void {
    this.heardAt.set(ws, this.now());
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    const now = this.now();
    for (const ws of this.sockets) {
      const silent = now - (this.heardAt.get(ws) ?? now);
      if (silent >= this.timing.deadAfterMs) ws.terminate();
      else if (silent >= this.timing.pingAfterMs && ws.readyState === ws.OPEN) ws.ping();
    }
  }
}
