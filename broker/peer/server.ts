import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SessionEvent } from '../../core/protocol';
import type { BrokerContext } from '../context';
import { repHasLiveToken } from '../auth/repTokens';
import { rejectUpgrade } from '../http/upgrade';
import { LogThrottle } from '../logThrottle';
import { admitPeer } from './guard';
import { SignalingGate } from './gate';
import { SIGNALING_LIMITS, SignalingLimits, type SignalingLimitSettings } from './limits';
import { readSignal, type SignalingMessage } from './messages';
import { closeSocket, peerMember, PeerSockets, type PeerMember } from './sockets';
import type { RemotePeers } from './remote';
import { SignalingStats, type DropReason } from './stats';

export const PEER_MOUNT = '/peerjs';
/** Where the PeerJS client opens its socket: `${mount}/${path}peerjs` with path '/'. */
export const PEER_SOCKET_PATH = '/peerjs/peerjs';
/** Signaling messages are SDP and ICE candidates: a few kilobytes (a Chrome offer with audio and video ~6 KB). */
export const PEER_MAX_PAYLOAD = 32 * 1024;

export interface PeerService {
  /** An Express sub-app; mount at PEER_MOUNT (mounting starts it). */
  app: RequestHandler;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  /** What was relayed and dropped, and why. */
  readonly stats: SignalingStats;
  close(): void;
}

export interface PeerServiceOptions {
  concurrentLimit: number;
  limits?: SignalingLimitSettings;
  /** With several brokers: peers connected to the others (cluster/peerRelay.ts). */
  remote?: RemotePeers;
}

/**
 * The PeerServer (signaling for WebRTC) behind our own door: its websocket server takes no upgrades
 * by itself (`noServer`); we verify id and token first, read every frame before `peer` does (see
 * `inspect`), and cut a peer's socket the moment its participant leaves, its session ends, or the rep
 * behind it has signed out everywhere.
 */
export function createPeerService(ctx: BrokerContext, server: Server, options: PeerServiceOptions): PeerService {
  let wss: WebSocketServer | undefined;
  const app = ExpressPeerServer(server, {
    path: '/',
    key: 'peerjs',
    allow_discovery: false,
    concurrent_limit: options.concurrentLimit,
    // Our CORS middleware answers for the whole broker; the PeerServer's own would allow any origin.
    corsOptions: { origin: false },
    createWebSocketServer: () => (wss = new WebSocketServer({ noServer: true, maxPayload: PEER_MAX_PAYLOAD })),
  });
  const stats = new SignalingStats();
  const { remote } = options;
  const sockets = new PeerSockets(remote);
  const settings = options.limits ?? SIGNALING_LIMITS;
  const limits = new SignalingLimits(settings);
  const gate = new SignalingGate(ctx, sockets, limits);
  const junk = new LogThrottle(ctx.log, 'PeerServer: dropped a malformed signaling message');
  const badFrames = new LogThrottle(ctx.log, 'PeerServer: closed a connection that broke the websocket protocol');
  const floods = new LogThrottle(ctx.log, 'PeerServer: cut off a peer that kept flooding signaling');
  /** Socket errors we counted already; `peer` re-emits them on the app. */
  const counted = new WeakSet<Error>();

  // `peer` reports socket errors here too (counted below); anything else, in one line.
  app.on('error', (error: Error) => {
    if (!counted.has(error)) badFrames.note(`${error.name}: ${error.message}`);
  });

  const onSocketError = (error: Error & { code?: string }) => {
    counted.add(error);
    stats.count(error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'oversized' : 'badFrames');
    badFrames.note(`${error.code ?? error.name}: ${error.message}`);
  };

  /**
   * `peer` reads a socket's frames with its own 'message' listener, attached synchronously while it
   * handles 'connection' (peer 1.0.2 `_configureWS`). We take that listener off and call it only for
   * frames the gate lets through, so `peer` relays (or queues) exactly those and never sees a frame it
   * would throw on. `peer` parses the frame again; signaling frames are small.
   */
  function inspect(ws: WebSocket, member: PeerMember): void {
    const relay = ws.listeners('message') as ((data: RawData, isBinary: boolean) => void)[];
    ws.removeAllListeners('message');
    // The gate may ask the store; frames are still checked and relayed one at a time, in order
    // (an OFFER before its candidates).
    let previous = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      previous = previous
        .then(() => pass(data, isBinary))
        .catch((error: unknown) => ctx.log.error('PeerServer: checking a signaling message failed', error));
    });
    async function pass(data: RawData, isBinary: boolean): Promise<void> {
      const read = readSignal(data, isBinary);
      if ('drop' in read) {
        stats.count(read.drop);
        return junk.note(`${read.detail}, from participant ${member.participantId}`);
      }
      const { message } = read;
      const drop = await gate.check(member, ws, message);
      if (drop !== undefined) return refused(member, ws, drop);
      const relayHere = () => {
        if (message.type !== 'HEARTBEAT') stats.count('relayed');
        for (const listener of relay) listener.call(ws, data, isBinary);
      };
      if (message.type === 'HEARTBEAT' || sockets.isConnected(message.dst)) return relayHere();
      // Not connected here: on another broker, or not connected yet (then `peer` queues a few).
      if (remote && (await remote.forward(member.peerId, message))) return void stats.count('relayed');
      const full = gate.mayQueue(message.dst);
      return full === undefined ? relayHere() : refused(member, ws, full);
    }
  }

  function refused(member: PeerMember, ws: WebSocket, drop: DropReason): void {
    stats.count(drop);
    if (drop === 'rateLimited' && limits.strike(member.peerId)) {
      stats.count('cutOff');
      floods.note(`participant ${member.participantId}, refused for ${settings.cutOffMs / 1000} s`);
      remote?.cutOff(member.peerId, settings.cutOffMs);
      closeSocket(ws, 'Too many signaling messages');
    }
  }

  // The peer reconnected to another broker: an older socket of it here is stale.
  remote?.onMoved((peerId) => sockets.closeWhere((member) => member.peerId === peerId, 'Connected elsewhere'));

  // Signaling another broker handed on: checked again here (the store may be asked), then sent as `peer`
  // would send it, in the order it came (an OFFER before its candidates).
  let arrivals = Promise.resolve();
  remote?.onArrival((srcPeerId, message) => {
    arrivals = arrivals
      .then(() => arrive(srcPeerId, message))
      .catch((error: unknown) => ctx.log.error('PeerServer: relaying signaling from another broker failed', error));
  });
  async function arrive(srcPeerId: string, message: SignalingMessage): Promise<void> {
    const drop = await gate.checkArrival(srcPeerId, message);
    if (drop !== undefined) return void stats.count(drop);
    const ws = message.type === 'HEARTBEAT' ? undefined : sockets.current(message.dst);
    if (!ws) return void stats.count('destinationGone');
    stats.count('relayed');
    ws.send(JSON.stringify({ ...message, src: srcPeerId }));
  }

  const unsubscribe = [
    ctx.bus.subscribe(
      (event) => void follow(event).catch((error: unknown) => ctx.log.error('PeerServer: following an event failed', error)),
    ),
    // A rep signed out everywhere (or whose last sign-in ended) has no peer links left.
    ctx.revocations.subscribe(({ repId }) => {
      repHasLiveToken(ctx, repId)
        .then((live) => live || sockets.closeWhere((member) => member.repId === repId, 'Signed out'))
        .catch((error: unknown) => ctx.log.error('PeerServer: closing a signed-out rep failed', error));
    }),
  ];

  /** Who left, and whose role changed, from the store: the event names participants, sockets go by peer id. */
  async function follow(event: SessionEvent): Promise<void> {
    if (event.type === 'participant-left') {
      const p = await ctx.store.findParticipant(event.participantId);
      if (p) leave(p.peerId);
    } else if (event.type === 'session-ended') {
      for (const p of await ctx.store.listParticipants(event.sessionId)) leave(p.peerId);
    } else if (event.type === 'control-changed') {
      for (const id of [event.from, event.to]) {
        const p = await ctx.store.findParticipant(id);
        if (p) sockets.setRole(p.peerId, p.role);
      }
    }
  }

  function leave(peerId: string): void {
    sockets.leave(peerId);
    limits.forget(peerId);
  }

  return {
    // peer bundles its own @types/express; at runtime it is an ordinary Express app.
    app: app as unknown as RequestHandler,
    stats,
    handleUpgrade(req, socket, head, url) {
      upgrade(req, socket, head, url).catch((error: unknown) => {
        ctx.log.error('PeerServer: admitting a peer failed', error);
        socket.destroy();
      });
    },
    close() {
      for (const stop of unsubscribe) stop();
      sockets.closeAll();
      wss?.close();
    },
  };

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    const id = url.searchParams.get('id');
    const token = url.searchParams.get('token');
    if (!wss || !(await admitPeer(ctx, id, token))) return rejectUpgrade(socket, 401, 'Unauthorized');
    // A peer cut off here, or on another broker (reconnecting elsewhere refills nothing), is refused.
    const wait = Math.max(limits.cutOffFor(id!), remote ? await remote.cutOffFor(id!) : 0);
    if (wait > 0) return rejectUpgrade(socket, 429, `Too many signaling messages; try again in ${wait} s`, wait);
    const peerWss = wss;
    peerWss.handleUpgrade(req, socket, head, (ws) => {
      // First, so no socket error goes unhandled (an unhandled one would take the broker down).
      ws.on('error', onSocketError);
      // Frames wait (paused) until `peer` and our inspector listen.
      ws.pause();
      void admitted(ws, req, peerWss, id!, token!);
    });
  }

  /** The participant may have left while the handshake completed: asked once more before `peer` sees the socket. */
  async function admitted(
    ws: WebSocket,
    req: IncomingMessage,
    peerWss: WebSocketServer,
    id: string,
    token: string,
  ): Promise<void> {
    const participant = await admitPeer(ctx, id, token).catch(() => undefined);
    if (!participant) {
      ws.resume(); // so the closing handshake is read
      return void closeSocket(ws, 'Not in the session');
    }
    const member = peerMember(participant);
    sockets.add(member, ws);
    limits.delivered(member.peerId);
    peerWss.emit('connection', ws, req);
    inspect(ws, member);
    ws.resume();
  }
}
