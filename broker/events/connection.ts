import type { RawData, WebSocket } from 'ws';
import * as v from 'valibot';
import {
  ErrorCode,
  EventsClientMessage,
  EventsCloseCode,
  repOnlyEventTypes,
  type EventsServerMessage,
  type SessionEvent,
} from '../../core/protocol';
import type { ParticipantRow } from '../store';
import type { BrokerContext } from '../context';
import { TokenBucket, type Rate } from '../auth/tokenBucket';
import { touchRepToken } from '../auth/repTokens';
import { resolveToken, type Caller } from '../sessions/caller';
import type { RepSink } from './repChannel';

const HELLO_TIMEOUT_MS = 15_000;
/** A client this far behind is not reading; drop it and let it reconnect with `since`. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** A ping every 3 s and a follow now and then: a client sending more is broken or hostile (excess dropped). */
export const EVENTS_CLIENT_RATE: Rate = { burst: 50, perSecond: 10 };
/** How many messages over the rate a client may send before it is cut off. */
const PATIENCE: Rate = { burst: 100, perSecond: 1 };
export const SIGN_IN_ENDED = 'Your sign-in has ended. Please sign in again.';

export interface EventsStats {
  /** Well-formed-looking messages after hello that mean nothing (malformed JSON, unknown types, a second hello). */
  ignoredMessages: number;
  /** Messages over a client's rate, dropped. */
  rateLimited: number;
  /** Frames that broke the websocket protocol (bad UTF-8, too large…); ws closes those sockets. */
  badFrames: number;
}

/** What a connection needs from the events server it belongs to. */
export interface EventsHub {
  readonly ctx: BrokerContext;
  readonly stats: EventsStats;
  /** Any frame is a sign of life (heartbeat). */
  heard(ws: WebSocket): void;
  /** From now on the session's live events and presence readings go to this connection (or no longer). */
  follow(sessionId: string, connection: EventsConnection): void;
  unfollow(sessionId: string, connection: EventsConnection): void;
  /** A rep's connection hears of the rep's new entries in sessions and of revoked tokens. */
  addRep(repId: string, connection: EventsConnection): void;
  removeRep(repId: string, connection: EventsConnection): void;
}

/**
 * One client of WS /api/events: hello with a token and where it stopped, replay, `ready`, then live events
 * and presence of the sessions it may hear. A customer hears its own session while it is in it; a rep
 * hears every session they are in now. Someone out of a session replays it only up to the event that
 * took them out (their own `participant-left`, or `session-ended`), never later ones (issue 10).
 */
export class EventsConnection implements RepSink {
  private caller: Caller | undefined;
  /** A hello arrived (it may still be being checked): what comes next waits behind it. */
  private greeted = false;
  private ended = false;
  /**
   * Everything this connection does runs here, one task at a time: answering the client, replaying and
   * delivering live events read from the store. So the client hears replay, then live events, in order,
   * and a live event committed during a replay is queued behind it (its seq says if it was replayed).
   */
  private work: Promise<void> = Promise.resolve();
  /** Sessions followed live → the last sequence number sent. */
  private readonly cursors = new Map<string, number>();
  /** Participants this socket keeps online → their session. */
  private readonly standsFor = new Map<string, string>();
  private readonly helloTimer: NodeJS.Timeout;
  private readonly rate: TokenBucket;
  private readonly patience: TokenBucket;

  constructor(
    private readonly hub: EventsHub,
    private readonly ws: WebSocket,
  ) {
    const clock = () => performance.now();
    this.rate = new TokenBucket(EVENTS_CLIENT_RATE, clock);
    this.patience = new TokenBucket(PATIENCE, clock);
    this.helloTimer = setTimeout(
      () => this.fail(EventsCloseCode.badMessage, ErrorCode.badRequest, 'Expected a hello message'),
      HELLO_TIMEOUT_MS,
    );
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.closed());
  }

  /** The rep token this socket was opened with (to close it when that token is revoked). */
  get repTokenHash(): string | undefined {
    return this.caller?.kind === 'rep' ? this.caller.tokenHash : undefined;
  }

  /** A live event of a session this connection follows. */
  deliver(event: SessionEvent): void {
    this.enqueue(() => this.deliverNow(event));
  }

  /** Everything stored after what this socket sent, for every session it follows (the cluster missed some). */
  catchUpAll(): void {
    this.enqueue(async () => {
      for (const [sessionId, last] of [...this.cursors]) await this.catchUp(sessionId, last, Infinity);
    });
  }

  private async catchUp(sessionId: string, after: number, before: number): Promise<void> {
    for (const missed of await this.hub.ctx.bus.replay(sessionId, after)) if (missed.seq < before) await this.deliverNow(missed);
  }

  /**
   * The rep this socket belongs to has a new entry in a session (started it, assists): follow it. The
   * entry coming online makes the presence reading the server sends every follower, this one included.
   */
  ownEntry(participant: ParticipantRow): void {
    this.enqueue(() =>
      this.cursors.has(participant.sessionId) ? this.standFor(participant) : this.follow(participant.sessionId, 0),
    );
  }

  /** A message for the rep this socket belongs to (WebACD offers and state). */
  push(message: EventsServerMessage): void {
    this.enqueue(() => this.send(message));
  }

  sendPresence(sessionId: string): void {
    this.enqueue(() => this.presenceNow(sessionId));
  }

  /** The credential behind this socket stopped working: say so, and close with 4401. */
  revoke(message: string, reason: string): void {
    this.fail(EventsCloseCode.unauthorized, ErrorCode.unauthorized, message, reason);
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.work = this.work
      .then(() => (this.ended ? undefined : task()))
      .catch((error: unknown) => this.hub.ctx.log.error('Events socket: a task failed', error));
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.hub.heard(this.ws);
    if (!this.rate.take()) return this.overRate();
    const message = isBinary ? undefined : decode(data);
    if (!this.greeted) {
      if (message?.type !== 'hello') {
        return this.fail(EventsCloseCode.badMessage, ErrorCode.badRequest, 'The first message must be hello');
      }
      this.greeted = true;
      clearTimeout(this.helloTimer);
      return this.enqueue(() => this.hello(message));
    }
    if (message?.type === 'ping') {
      // Answered at once (a pong says nothing about sessions); the sign-in's renewal takes its turn.
      this.send({ type: 'pong' });
      return this.enqueue(() => this.touch());
    }
    if (message?.type !== 'follow') return void this.hub.stats.ignoredMessages++;
    this.enqueue(async () => {
      if (!(await this.mayFollow(message.sessionId))) {
        return this.send({ type: 'error', code: ErrorCode.forbidden, message: 'You are not part of this session' });
      }
      await this.follow(message.sessionId, message.since);
      if (this.cursors.has(message.sessionId)) this.presenceNow(message.sessionId);
    });
  }

  private async hello(message: Extract<EventsClientMessage, { type: 'hello' }>): Promise<void> {
    const caller = await resolveToken(this.hub.ctx, message.token);
    if (!caller || (caller.kind === 'participant' && !(await this.isCurrent(caller.participant.id)))) {
      return this.fail(EventsCloseCode.unauthorized, ErrorCode.unauthorized, 'Please sign in again');
    }
    if (this.ended) return;
    this.caller = caller;
    if (caller.kind === 'rep') {
      await this.touch();
      this.hub.addRep(caller.rep.id, this);
    }
    const since = message.since ?? {};
    const sessionIds = new Set<string>();
    if (caller.kind === 'rep' && message.scope === 'rep') {
      // Follows nothing; a later `follow` still may.
    } else if (caller.kind === 'rep') {
      for (const s of await this.hub.ctx.store.listLiveSessionsOfRep(caller.rep.id)) sessionIds.add(s.id);
      // Sessions the client knew about that ended or that it left while away: it still gets the news.
      for (const id of Object.keys(since)) if (await this.mayFollow(id)) sessionIds.add(id);
    } else {
      sessionIds.add(caller.participant.sessionId);
    }
    for (const id of sessionIds) await this.follow(id, since[id] ?? 0);
    this.send({ type: 'ready', sessionIds: [...sessionIds] });
    for (const id of this.cursors.keys()) this.presenceNow(id);
  }

  /**
   * Activity (hello, pings) renews the rep's sign-in; a token that stopped working closes the socket.
   * touchRepToken writes at most once a minute itself, so every ping may call it.
   */
  private async touch(): Promise<void> {
    const caller = this.caller;
    if (caller?.kind === 'rep' && !(await touchRepToken(this.hub.ctx, caller.tokenHash)))
      this.revoke(SIGN_IN_ENDED, 'Sign-in ended');
  }

  /**
   * Replays the session after `since`. Someone in it now keeps hearing it live (and keeps their entries
   * online); someone out of it gets the replay only up to the event that took them out. Live events of
   * the session wait in this connection's queue meanwhile, so none is missed or sent twice.
   */
  private async follow(sessionId: string, since: number): Promise<void> {
    const wasFollowing = this.cursors.has(sessionId);
    this.hub.follow(sessionId, this);
    const events = await this.hub.ctx.bus.replay(sessionId, since);
    const current = await this.currentEntries(sessionId);
    if (this.ended || current.length === 0) {
      if (!wasFollowing || this.ended) this.hub.unfollow(sessionId, this);
      if (this.ended) return;
      let exit = -1;
      for (const [index, event] of events.entries()) if (await this.tookMeOut(event)) exit = index;
      for (const event of events.slice(0, exit + 1)) this.sendEvent(event);
      return;
    }
    this.cursors.set(sessionId, since);
    for (const event of events) await this.deliverNow(event);
    if (!this.cursors.has(sessionId)) return;
    for (const participant of current) this.standFor(participant);
  }

  private async deliverNow(event: SessionEvent): Promise<void> {
    const last = this.cursors.get(event.sessionId);
    if (last === undefined || event.seq <= last) return;
    // With several brokers, an event committed on another may come after a later one committed here; it
    // was committed first (sequence numbers are taken under the session row's lock), so the store has it.
    if (event.seq > last + 1) await this.catchUp(event.sessionId, last, event.seq);
    const caught = this.cursors.get(event.sessionId);
    if (caught === undefined || event.seq <= caught) return;
    this.cursors.set(event.sessionId, event.seq);
    this.sendEvent(event);
    await this.afterDelivery(event);
  }

  private presenceNow(sessionId: string): void {
    this.send({ type: 'presence', sessionId, online: this.hub.ctx.presence.online(sessionId) });
  }

  private async mayFollow(sessionId: string): Promise<boolean> {
    const caller = this.caller;
    if (!caller) return false;
    if (caller.kind === 'participant') return caller.participant.sessionId === sessionId;
    return (await this.hub.ctx.store.findRepParticipants(sessionId, caller.rep.id)).length > 0;
  }

  /** The caller's entries in the session that have not left (a rep's, or the participant's own). */
  private async currentEntries(sessionId: string): Promise<ParticipantRow[]> {
    const caller = this.caller;
    if (!caller) return [];
    if (caller.kind === 'rep') {
      return (await this.hub.ctx.store.findRepParticipants(sessionId, caller.rep.id)).filter((p) => p.leftAt === null);
    }
    const p = await this.hub.ctx.store.findParticipant(caller.participant.id);
    return p && p.sessionId === sessionId && p.leftAt === null ? [p] : [];
  }

  /** Did this event take the caller out of its session (their own participant-left, or the end)? */
  private async tookMeOut(event: SessionEvent): Promise<boolean> {
    if (event.type === 'session-ended') return true;
    if (event.type !== 'participant-left') return false;
    const caller = this.caller;
    if (caller?.kind === 'participant') return event.participantId === caller.participant.id;
    return (await this.hub.ctx.store.findParticipant(event.participantId))?.repId === caller?.rep.id;
  }

  private async isCurrent(participantId: string): Promise<boolean> {
    return (await this.hub.ctx.store.findParticipant(participantId))?.leftAt === null;
  }

  private standFor(participant: ParticipantRow): void {
    if (this.standsFor.has(participant.id)) return;
    this.standsFor.set(participant.id, participant.sessionId);
    this.hub.ctx.presence.attach(participant.id, participant.sessionId);
  }

  private standDown(participantId: string): void {
    if (!this.standsFor.delete(participantId)) return;
    this.hub.ctx.presence.detach(participantId);
  }

  private unfollow(sessionId: string): void {
    this.cursors.delete(sessionId);
    this.hub.unfollow(sessionId, this);
    for (const [participantId, sid] of [...this.standsFor]) if (sid === sessionId) this.standDown(participantId);
  }

  /** Someone out of a session stops hearing about it; a customer's socket has nothing left to say. */
  private async afterDelivery(event: SessionEvent): Promise<void> {
    const caller = this.caller;
    if (!caller || (event.type !== 'session-ended' && event.type !== 'participant-left')) return;
    if (caller.kind === 'participant') {
      if (event.type === 'session-ended') return this.ws.close(1000, 'The session has ended');
      if (event.participantId !== caller.participant.id) return;
      // A removed customer's token is revoked: the page hears the event above, then the close says why.
      if (event.reason === 'removed') return this.ws.close(EventsCloseCode.unauthorized, 'Removed from the session');
      return this.ws.close(1000, 'Left the session');
    }
    if (event.type === 'session-ended') return this.unfollow(event.sessionId);
    if (!this.standsFor.has(event.participantId)) return;
    this.standDown(event.participantId);
    // Keep following if the rep is still in the session some other way (e.g. rejoined as assistant).
    if ((await this.currentEntries(event.sessionId)).length === 0) this.unfollow(event.sessionId);
  }

  private overRate(): void {
    this.hub.stats.rateLimited++;
    if (!this.patience.take()) this.fail(EventsCloseCode.badMessage, ErrorCode.rateLimited, 'Too many messages');
  }

  private closed(): void {
    this.ended = true;
    clearTimeout(this.helloTimer);
    for (const sessionId of [...this.cursors.keys()]) this.unfollow(sessionId);
    for (const participantId of [...this.standsFor.keys()]) this.standDown(participantId);
    if (this.caller?.kind === 'rep') this.hub.removeRep(this.caller.rep.id, this);
  }

  /** Customers never learn who else knocked; their sequence still moves past such events. */
  private sendEvent(event: SessionEvent): void {
    if (this.caller?.kind === 'participant' && this.caller.participant.role === 'customer' && repOnlyEventTypes.has(event.type)) {
      return;
    }
    this.send({ type: 'event', event });
  }

  private send(message: EventsServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) return void this.ws.terminate();
    this.ws.send(JSON.stringify(message));
  }

  private fail(code: number, errorCode: string, message: string, reason = message): void {
    this.send({ type: 'error', code: errorCode, message });
    this.ws.close(code, reason);
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
