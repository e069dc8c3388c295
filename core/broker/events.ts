import * as v from 'valibot';
import {
  EVENTS_HEARTBEAT,
  EVENTS_PATH,
  EventsCloseCode,
  EventsServerMessage,
  type EventsClientMessage,
  type SessionEvent,
} from '../protocol';
import { defaultReconnectPolicy, type ReconnectPolicy } from '../reconnect';

export interface EventStreamOptions {
  /** Broker base URL (http/https); the socket goes to /api/events on it. */
  baseUrl: string;
  token: string;
  /** Where each session's log stands already (from GET /api/sessions/:id `lastSeq`). */
  since: Record<string, number>;
  onEvent: (event: SessionEvent) => void;
  /** Called with true when the stream is live (after replay), false when it drops. */
  onStatus?: (live: boolean) => void;
  /** The broker refused the token (or revoked it, `reason` says why): reconnecting cannot help. */
  onUnauthorized?: (reason: string) => void;
  /** Who the broker hears from in a followed session, whenever that changes (and after each connect). */
  onPresence?: (sessionId: string, online: string[]) => void;
  /** 'rep': follow no session, hear only what concerns the rep (WebACD); see the hello message. */
  scope?: 'sessions' | 'rep';
  /** WebACD news for the rep: their whole standing, or an offer that is gone. */
  onRepMessage?: (message: Extract<EventsServerMessage, { type: 'acd' | 'offer-closed' }>) => void;
  WebSocket?: typeof WebSocket;
  reconnectPolicy?: ReconnectPolicy;
  /** Ping interval, and silence after which the socket counts as dead and is replaced. */
  heartbeat?: { intervalMs: number; deadAfterMs: number };
  now?: () => number;
}

/**
 * A live, gap-free stream of session events. Reconnects with backoff and asks for everything after the
 * last sequence number it delivered, so a dropped socket or a broker restart loses nothing; each event is
 * delivered exactly once and in order per session. It pings the broker every few seconds: a socket
 * that went silent (a dead network says nothing) is given up and replaced within seconds.
 */
export function openEventStream(options: EventStreamOptions): { follow(sessionId: string, since: number): void; close(): void } {
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const policy = options.reconnectPolicy ?? defaultReconnectPolicy;
  const heartbeat = options.heartbeat ?? EVENTS_HEARTBEAT;
  const now = options.now ?? Date.now;
  const lastSeq: Record<string, number> = { ...options.since };
  const url = options.baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '') + EVENTS_PATH;
  let socket: WebSocket | undefined;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pinger: ReturnType<typeof setInterval> | undefined;
  let lastHeard = 0;

  const send = (message: EventsClientMessage) => socket?.readyState === 1 && socket.send(JSON.stringify(message));

  /** The socket is over (closed, or silent too long): forget it and try again after the backoff. */
  function lost(ws: WebSocket): void {
    if (socket !== ws) return;
    socket = undefined;
    clearInterval(pinger);
    options.onStatus?.(false);
    if (!closed) timer = setTimeout(connect, policy(attempt++));
  }

  function connect(): void {
    const ws = new Socket(url);
    socket = ws;
    ws.onopen = () => {
      lastHeard = now();
      send({ type: 'hello', token: options.token, since: lastSeq, ...(options.scope ? { scope: options.scope } : {}) });
      pinger = setInterval(() => {
        if (now() - lastHeard <= heartbeat.deadAfterMs) return void send({ type: 'ping' });
        // A dead network never delivers the close handshake: stop waiting for it.
        lost(ws);
        ws.close();
      }, heartbeat.intervalMs);
    };
    ws.onerror = () => undefined; // always followed by close, which decides what to do
    ws.onmessage = (e) => {
      if (socket === ws) lastHeard = now();
      let data: unknown;
      try {
        data = JSON.parse(String(e.data));
      } catch {
        return;
      }
      const parsed = v.safeParse(EventsServerMessage, data);
      if (!parsed.success) return;
      const message = parsed.output;
      if (message.type === 'ready') {
        attempt = 0;
        options.onStatus?.(true);
      } else if (message.type === 'acd' || message.type === 'offer-closed') {
        options.onRepMessage?.(message);
      } else if (message.type === 'presence') {
        options.onPresence?.(message.sessionId, message.online);
      } else if (message.type === 'event') {
        const { event } = message;
        const seen = lastSeq[event.sessionId];
        if (seen !== undefined && event.seq <= seen) return; // replayed twice: already delivered
        lastSeq[event.sessionId] = event.seq;
        options.onEvent(event);
      }
    };
    ws.onclose = (e) => {
      if (socket !== ws) return;
      if (e.code === EventsCloseCode.unauthorized && !closed) {
        socket = undefined;
        clearInterval(pinger);
        options.onStatus?.(false);
        options.onUnauthorized?.(e.reason);
        return;
      }
      lost(ws);
    };
  }

  connect();
  return {
    follow(sessionId, since) {
      lastSeq[sessionId] ??= since;
      send({ type: 'follow', sessionId, since: lastSeq[sessionId] });
    },
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(pinger);
      socket?.close();
    },
  };
}
