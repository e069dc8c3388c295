import * as v from 'valibot';
import { EventsCloseCode, EventsServerMessage, type EventsClientMessage, type SessionEvent } from '../protocol';
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
  /** The broker refused the token: reconnecting cannot help. */
  onUnauthorized?: () => void;
  WebSocket?: typeof WebSocket;
  reconnectPolicy?: ReconnectPolicy;
}

/**
 * A live, gap-free stream of session events. Reconnects with backoff and asks for everything after the
 * last sequence number it delivered, so a dropped socket or a broker restart loses nothing; each event is
 * delivered exactly once and in order per session.
 */
export function openEventStream(options: EventStreamOptions): { follow(sessionId: string, since: number): void; close(): void } {
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const policy = options.reconnectPolicy ?? defaultReconnectPolicy;
  const lastSeq: Record<string, number> = { ...options.since };
  const url = options.baseUrl.replace(/^http/, 'ws').replace(/\/+$/, '') + '/api/events';
  let socket: WebSocket | undefined;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = (message: EventsClientMessage) => socket?.readyState === 1 && socket.send(JSON.stringify(message));

  function connect(): void {
    const ws = new Socket(url);
    socket = ws;
    ws.onopen = () => send({ type: 'hello', token: options.token, since: lastSeq });
    ws.onerror = () => undefined; // always followed by close, which decides what to do
    ws.onmessage = (e) => {
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
      socket = undefined;
      options.onStatus?.(false);
      if (closed) return;
      if (e.code === EventsCloseCode.unauthorized) {
        options.onUnauthorized?.();
        return;
      }
      timer = setTimeout(connect, policy(attempt++));
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
      socket?.close();
    },
  };
}
