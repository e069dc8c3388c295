import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as v from 'valibot';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  EventsClientMessage,
  EventsCloseCode,
  repOnlyEventTypes,
  type EventsServerMessage,
  type SessionEvent,
} from '../../core/protocol';
import type { BrokerContext } from '../context';
import { resolveToken, type Caller } from '../sessions/caller';

const PING_INTERVAL_MS = 25_000;
const HELLO_TIMEOUT_MS = 15_000;
/** A client this far behind is not reading; drop it and let it reconnect with `since`. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface EventsServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Client messages dropped as malformed after hello. */
  readonly stats: { ignoredMessages: number };
  close(): void;
}

/**
 * WS /api/events: the first message is `hello` with a token and where the client stopped; the broker
 * replays what was missed, says `ready`, then forwards live events of the sessions the token may see.
 */
export function createEventsServer(ctx: BrokerContext): EventsServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const stats = { ignoredMessages: 0 };
  const alive = new WeakMap<WebSocket, boolean>();

  wss.on('connection', (ws) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', (error) => ctx.log.warn('Events socket error', error));
    new EventsConnection(ctx, ws, stats);
  });

  // Dead connections (no pong since the last ping) are cut, which frees their subscriptions.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  return {
    stats,
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close() {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

/** One client's subscriptions; `subscribed` maps session id → last sequence number sent. */
class EventsConnection {
  private caller: Caller | undefined;
  private readonly subscribed = new Map<string, number>();
  private unsubscribe: (() => void) | undefined;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly ws: WebSocket,
    private readonly stats: { ignoredMessages: number },
  ) {
    this.helloTimer = setTimeout(
      () => this.fail(EventsCloseCode.badMessage, 'bad_request', 'Expected a hello message'),
      HELLO_TIMEOUT_MS,
    );
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => {
      clearTimeout(this.helloTimer);
      this.unsubscribe?.();
    });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const message = isBinary ? undefined : decode(data);
    if (!this.caller) {
      if (message?.type !== 'hello')
        return this.fail(EventsCloseCode.badMessage, 'bad_request', 'The first message must be hello');
      return this.hello(message);
    }
    if (message?.type !== 'follow') {
      this.stats.ignoredMessages++;
      return;
    }
    if (!this.mayFollow(message.sessionId)) {
      return this.send({ type: 'error', code: 'forbidden', message: 'You are not part of this session' });
    }
    this.follow(message.sessionId, message.since);
  }

  private hello(message: Extract<EventsClientMessage, { type: 'hello' }>): void {
    clearTimeout(this.helloTimer);
    const caller = resolveToken(this.ctx, message.token);
    if (!caller || (caller.kind === 'participant' && !this.isCurrent(caller.participant.id))) {
      return this.fail(EventsCloseCode.unauthorized, 'unauthorized', 'Please sign in again');
    }
    this.caller = caller;
    // Listen first: publishing is synchronous and so is replay, so nothing can slip between them.
    this.unsubscribe = this.ctx.bus.subscribe((event) => this.onEvent(event));
    const since = message.since ?? {};
    const sessionIds = new Set<string>();
    if (caller.kind === 'rep') {
      for (const s of this.ctx.store.listLiveSessionsOfRep(caller.rep.id)) sessionIds.add(s.id);
      // Sessions the client knew about that ended or that it left while away: it still gets the news.
      for (const id of Object.keys(since)) if (this.mayFollow(id)) sessionIds.add(id);
    } else {
      sessionIds.add(caller.participant.sessionId);
    }
    for (const id of sessionIds) this.follow(id, since[id] ?? 0);
    this.send({ type: 'ready', sessionIds: [...sessionIds] });
  }

  private mayFollow(sessionId: string): boolean {
    const caller = this.caller;
    if (!caller) return false;
    if (caller.kind === 'participant') return caller.participant.sessionId === sessionId;
    return this.ctx.store.findRepParticipants(sessionId, caller.rep.id).length > 0;
  }

  private isCustomer(): boolean {
    return this.caller?.kind === 'participant' && this.caller.participant.role === 'customer';
  }

  private isCurrent(participantId: string): boolean {
    return this.ctx.store.findParticipant(participantId)?.leftAt === null;
  }

  private follow(sessionId: string, since: number): void {
    this.subscribed.set(sessionId, since);
    for (const event of this.ctx.bus.replay(sessionId, since)) this.deliver(event);
  }

  private onEvent(event: SessionEvent): void {
    if (this.subscribed.has(event.sessionId)) return this.deliver(event);
    // A rep's socket picks up sessions the rep starts or joins after hello.
    const caller = this.caller;
    if (caller?.kind === 'rep' && event.type === 'participant-joined') {
      if (this.ctx.store.findParticipant(event.participant.id)?.repId === caller.rep.id) this.follow(event.sessionId, 0);
    }
  }

  private deliver(event: SessionEvent): void {
    const last = this.subscribed.get(event.sessionId);
    if (last === undefined || event.seq <= last) return;
    this.subscribed.set(event.sessionId, event.seq);
    // Customers never learn who else knocked; their sequence still moves past such events.
    if (!this.isCustomer() || !repOnlyEventTypes.has(event.type)) this.send({ type: 'event', event });
    this.afterDelivery(event);
  }

  /** Someone out of a session stops hearing about it; a customer's socket has nothing left to say. */
  private afterDelivery(event: SessionEvent): void {
    const caller = this.caller;
    if (!caller || (event.type !== 'session-ended' && event.type !== 'participant-left')) return;
    if (caller.kind === 'participant') {
      if (event.type === 'session-ended' || event.participantId === caller.participant.id)
        this.ws.close(1000, 'Left the session');
      return;
    }
    if (event.type === 'session-ended' || this.ctx.store.findParticipant(event.participantId)?.repId === caller.rep.id) {
      // Keep following if the rep is still in the session some other way (e.g. rejoined as assistant).
      if (!this.ctx.store.findRepParticipants(event.sessionId, caller.rep.id).some((p) => p.leftAt === null)) {
        this.subscribed.delete(event.sessionId);
      }
    }
  }

  private send(message: EventsServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) return void this.ws.terminate();
    this.ws.send(JSON.stringify(message));
  }

  private fail(code: number, errorCode: string, message: string): void {
    this.send({ type: 'error', code: errorCode, message });
    this.ws.close(code, message);
  }
}

function decode(data: RawData): EventsClientMessage | undefined {
  try {
    const result = v.safeParse(EventsClientMessage, JSON.parse(data.toString()));
    return result.success ? result.output : undefined;
  } catch {
    return undefined;
  }
}
