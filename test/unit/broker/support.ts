import { WebSocket } from 'ws';
import * as v from 'valibot';
import { expect } from 'vitest';
import {
  ApiErrorBody,
  CreateSessionResponse,
  JoinResponse,
  type EventsServerMessage,
  type Self,
  type SessionEvent,
} from '../../../core/protocol';

/** Test-side HTTP: JSON in, status + JSON out. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, body: json, headers: response.headers };
}

/** Messages in arrival order, read one at a time; a read before arrival waits. */
class Inbox<T> {
  private readonly queue: T[] = [];
  private readonly waiters: ((message: T) => void)[] = [];

  push(message: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(message);
    else this.queue.push(message);
  }

  next(): Promise<T> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

type PresenceMessage = Extract<EventsServerMessage, { type: 'presence' }>;

/**
 * A websocket whose messages queue up, read in order with next(); close is observable too. Presence
 * readings of /api/events (`{type:'presence'}`) queue apart, read with nextPresence(), so tests of events
 * are not interleaved with them.
 */
export class Socket {
  private readonly inbox = new Inbox<unknown>();
  private readonly presence = new Inbox<PresenceMessage>();
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type?: unknown };
      if (message.type === 'presence') this.presence.push(message as PresenceMessage);
      else this.inbox.push(message);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  static async open(url: string): Promise<Socket> {
    const socket = new Socket(new WebSocket(url));
    await socket.opened;
    return socket;
  }

  next<T = EventsServerMessage>(): Promise<T> {
    return this.inbox.next() as Promise<T>;
  }

  /** The next presence reading (of any session). */
  nextPresence(): Promise<PresenceMessage> {
    return this.presence.next();
  }

  /** Presence readings until one for this session says exactly these participants are online (any order). */
  async presenceUntil(sessionId: string, online: string[]): Promise<PresenceMessage> {
    const want = [...online].sort().join();
    for (;;) {
      const message = await this.presence.next();
      if (message.sessionId === sessionId && [...message.online].sort().join() === want) return message;
    }
  }

  /** Messages until (and including) the first `ready`. */
  async untilReady(): Promise<EventsServerMessage[]> {
    const messages: EventsServerMessage[] = [];
    for (;;) {
      const message = await this.next();
      messages.push(message);
      if (message.type === 'ready' || message.type === 'error') return messages;
    }
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

export const wsUrl = (httpUrl: string, path: string) => httpUrl.replace(/^http/, 'ws') + path;

/** Events of a batch of messages, as "type:seq". */
export const eventSummary = (messages: EventsServerMessage[]) =>
  messages.flatMap((m) => (m.type === 'event' ? [`${m.event.type}:${m.event.seq}`] : []));

/** Asserts a 4xx/5xx answer in the broker's error shape with this code. */
export function expectError(res: { status: number; body: unknown }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(v.is(ApiErrorBody, res.body)).toBe(true);
  expect((res.body as ApiErrorBody).error.code).toBe(code);
}

/** The token in a join or assist link's fragment. */
export const linkToken = (url: string) => url.split('#')[1]!;

/** POST /api/sessions as the rep with this token; the new session and the rep's place in it. */
export async function startSessionAs(brokerUrl: string, token: string) {
  const res = await call(brokerUrl, 'POST', '/api/sessions', { token });
  expect(res.status).toBe(201);
  return v.parse(CreateSessionResponse, res.body);
}

/** Opens /api/events, says hello, and reads up to `ready`. */
export async function helloEvents(
  brokerUrl: string,
  hello: { token: string; since?: Record<string, number> },
): Promise<{ socket: Socket; messages: EventsServerMessage[] }> {
  const socket = await Socket.open(wsUrl(brokerUrl, '/api/events'));
  socket.send({ type: 'hello', ...hello });
  return { socket, messages: await socket.untilReady() };
}

/** Events sockets a test file opens with `listen` (hello, replay, ready), all closed by `closeAll`. */
export function eventSockets(brokerUrl: () => string) {
  const sockets: Socket[] = [];
  return {
    async listen(token: string, since: Record<string, number> = {}) {
      const opened = await helloEvents(brokerUrl(), { token, since });
      sockets.push(opened.socket);
      return opened;
    },
    closeAll: async () => void (await Promise.all(sockets.splice(0).map((s) => s.close()))),
  };
}

/** Reads messages until an event of this type (and session, when given) arrives; returns it. */
export async function nextEventOf<T extends SessionEvent['type']>(
  socket: Socket,
  type: T,
  sessionId?: string,
): Promise<Extract<SessionEvent, { type: T }>> {
  for (;;) {
    const message = await socket.next();
    if (message.type === 'event' && message.event.type === type && (!sessionId || message.event.sessionId === sessionId)) {
      return message.event as Extract<SessionEvent, { type: T }>;
    }
  }
}

/** A logger that keeps every line, for tests of what the broker writes. */
export function recordingLogger() {
  const lines: { level: 'info' | 'warn' | 'error'; args: unknown[] }[] = [];
  return {
    lines,
    log: {
      info: (...args: unknown[]) => void lines.push({ level: 'info', args }),
      warn: (...args: unknown[]) => void lines.push({ level: 'warn', args }),
      error: (...args: unknown[]) => void lines.push({ level: 'error', args }),
    },
  };
}

/** POST /api/join with the invite in a join link: the new customer's `self`. */
export async function joinByLink(brokerUrl: string, joinUrl: string, name: string): Promise<Self> {
  const res = await call(brokerUrl, 'POST', '/api/join', { body: { invite: linkToken(joinUrl), name } });
  expect(res.status).toBe(201);
  return v.parse(JoinResponse, res.body).self;
}

/** A colleague (with their rep token) assists by session number: their `self` as assistant. */
export async function assistByNumber(brokerUrl: string, number: string, token: string): Promise<Self> {
  const res = await call(brokerUrl, 'POST', `/api/sessions/by-number/${number}/assist`, { token, body: {} });
  expect(res.status).toBeLessThan(300);
  return v.parse(JoinResponse, res.body).self;
}
