import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { SessionEvent } from '../../core/protocol';
import type { BrokerContext } from '../context';
import { LogThrottle } from '../logThrottle';
import { EventsConnection, SIGN_IN_ENDED, type EventsHub, type EventsStats } from './connection';
import { EVENTS_SOCKET_HEARTBEAT, Heartbeat, type HeartbeatTiming } from './heartbeat';

export interface EventsServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** What was dropped or refused, for diagnostics and tests. */
  readonly stats: Readonly<EventsStats>;
  /** Every socket gets what the store has after what it sent (events relayed while Redis was away were lost). */
  catchUp(): void;
  close(): void;
}

export interface EventsServerOptions {
  heartbeat?: HeartbeatTiming;
}

/**
 * WS /api/events: the first message is `hello` with a token and where the client stopped; the broker
 * replays what was missed, says `ready`, then forwards live events and presence readings of the sessions
 * the token may hear (see connection.ts). No sign-in is needed to open the socket, so nothing a stranger
 * sends may cost more than a counter and, now and then, one log line.
 */
export function createEventsServer(ctx: BrokerContext, options: EventsServerOptions = {}): EventsServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const stats: EventsStats = { ignoredMessages: 0, rateLimited: 0, badFrames: 0 };
  const heartbeat = new Heartbeat(wss.clients, options.heartbeat ?? EVENTS_SOCKET_HEARTBEAT);
  const badFrames = new LogThrottle(ctx.log, 'Events socket: closed a connection that broke the websocket protocol');
  /** Live followers of each session, and each rep's connections: events go only where they are heard. */
  const followers = new Map<string, Set<EventsConnection>>();
  const reps = ctx.reps;

  const hub: EventsHub = {
    ctx,
    stats,
    heard: (ws) => heartbeat.heard(ws),
    follow: (sessionId, connection) => add(followers, sessionId, connection),
    unfollow: (sessionId, connection) => remove(followers, sessionId, connection),
    addRep: (repId, connection) => reps.add(repId, connection),
    removeRep: (repId, connection) => reps.remove(repId, connection),
  };

  wss.on('connection', (ws) => {
    heartbeat.watch(ws);
    // ws closes the connection itself; what is left to do is count it, in one line, not a stack trace.
    ws.on('error', (error: Error & { code?: string }) => {
      stats.badFrames++;
      badFrames.note(`${error.code ?? error.name}: ${error.message}`);
    });
    new EventsConnection(hub, ws);
  });

  /**
   * Presence readings wait while an event is being handed out, so every follower hears the event (say,
   * someone left) before the reading that follows from it; several changes make one reading.
   */
  let dispatching = false;
  const presenceDue = new Set<string>();
  const pushPresence = (sessionId: string) => {
    for (const connection of followers.get(sessionId) ?? []) connection.sendPresence(sessionId);
  };

  const unsubscribe = [
    ctx.bus.subscribe((event) => {
      dispatching = true;
      try {
        dispatch(event);
      } finally {
        dispatching = false;
        for (const sessionId of presenceDue) pushPresence(sessionId);
        presenceDue.clear();
      }
    }),
    ctx.presence.onChange(({ sessionId }) => (dispatching ? presenceDue.add(sessionId) : pushPresence(sessionId))),
    // Sockets opened with a credential that stopped working close with 4401 and say why.
    ctx.revocations.subscribe((revocation) => {
      for (const connection of reps.sinksOf(revocation.repId) as EventsConnection[]) {
        if (revocation.kind === 'rep') connection.revoke('You were signed out everywhere. Please sign in again.', 'Signed out');
        else if (connection.repTokenHash === revocation.tokenHash) connection.revoke(SIGN_IN_ENDED, 'Sign-in ended');
      }
    }),
  ];

  /** Hands the event to each follower's queue (connections send in order, see connection.ts). */
  function dispatch(event: SessionEvent): void {
    for (const connection of [...(followers.get(event.sessionId) ?? [])]) connection.deliver(event);
    if (event.type === 'participant-joined') {
      pickUpOwnEntry(event.participant.id).catch((error: unknown) =>
        ctx.log.error('Events: following a new entry failed', error),
      );
    } else if (event.type === 'participant-left') {
      ctx.presence.forget(event.participantId);
    } else if (event.type === 'session-ended') {
      ctx.presence.forgetSession(event.sessionId);
    }
  }

  /** A rep's sockets pick up sessions the rep starts or joins after hello. */
  async function pickUpOwnEntry(participantId: string): Promise<void> {
    const p = await ctx.store.findParticipant(participantId);
    if (p?.repId) for (const connection of reps.sinksOf(p.repId) as EventsConnection[]) connection.ownEntry(p);
  }

  return {
    stats,
    catchUp() {
      const connections = new Set([...followers.values()].flatMap((set) => [...set]));
      for (const connection of connections) connection.catchUpAll();
    },
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    close() {
      heartbeat.stop();
      for (const stop of unsubscribe) stop();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function add<T>(index: Map<string, Set<T>>, key: string, value: T): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function remove<T>(index: Map<string, Set<T>>, key: string, value: T): void {
  const set = index.get(key);
  if (set?.delete(value) && set.size === 0) index.delete(key);
}
