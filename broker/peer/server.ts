import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { BrokerContext } from '../context';
import { repHasLiveToken } from '../auth/repTokens';
import { rejectUpgrade } from '../http/upgrade';
import { LogThrottle } from '../logThrottle';
import { admitPeer } from './guard';
import { SignalingGate } from './gate';
import { SIGNALING_LIMITS, SignalingLimits, type SignalingLimitSettings } from './limits';
import { readSignal } from './messages';
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
    ws.on('message', (data, isBinary) => {
      const read = readSignal(data, isBinary);
      if ('drop' in read) {
        stats.count(read.drop);
        return junk.note(`${read.detail}, from participant ${member.participantId}`);
      }
      const { message } = read;
      const drop = gate.check(member, ws, message);
      if (drop !== undefined) return refused(member, ws, drop);
      const relayHere = () => {
        if (message.type !== 'HEARTBEAT') stats.count('relayed');
        for (const listener of relay) listener.call(ws, data, isBinary);
      };
      if (message.type === 'HEARTBEAT' || sockets.isConnected(message.dst)) return relayHere();
      // Not connected here: on another broker, or not connected yet (then `peer` queues a few).
      const queueHere = () => {
        const full = gate.mayQueue(message.dst);
        return full === undefined ? relayHere() : refused(member, ws, full);
      };
      if (!remote) return queueHere();
      // Messages to one destination are looked up and published in order on one Redis connection.
      void remote.forward(member.peerId, message).then((forwarded) => (forwarded ? stats.count('relayed') : queueHere()));
    });
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

  // Signaling another broker handed on: checked again here, then sent as `peer` would send it.
  remote?.onArrival((srcPeerId, message) => {
    const drop = gate.checkArrival(srcPeerId, message);
    if (drop !== undefined) return void stats.count(drop);
    const ws = message.type === 'HEARTBEAT' ? undefined : sockets.current(message.dst);
    if (!ws) return void stats.count('destinationGone');
    stats.count('relayed');
    ws.send(JSON.stringify({ ...message, src: srcPeerId }));
  });

  const unsubscribe = [
    ctx.bus.subscribe((event) => {
      if (event.type === 'participant-left') {
        const p = ctx.store.findParticipant(event.participantId);
        if (p) leave(p.peerId);
      } else if (event.type === 'session-ended') {
        for (const p of ctx.store.listParticipants(event.sessionId)) leave(p.peerId);
      } else if (event.type === 'control-changed') {
        for (const id of [event.from, event.to]) {
          const p = ctx.store.findParticipant(id);
          if (p) sockets.setRole(p.peerId, p.role);
        }
      }
    }),
    // A rep signed out everywhere (or whose last sign-in ended) has no peer links left.
    ctx.revocations.subscribe(({ repId }) => {
      if (!repHasLiveToken(ctx, repId)) sockets.closeWhere((member) => member.repId === repId, 'Signed out');
    }),
  ];

  function leave(peerId: string): void {
    sockets.leave(peerId);
    limits.forget(peerId);
  }

  return {
    // peer bundles its own @types/express; at runtime it is an ordinary Express app.
    app: app as unknown as RequestHandler,
    stats,
    handleUpgrade(req, socket, head, url) {
      const id = url.searchParams.get('id');
      const token = url.searchParams.get('token');
      if (!wss || !admitPeer(ctx, id, token)) return rejectUpgrade(socket, 401, 'Unauthorized');
      const peerWss = wss;
      const refuse = (wait: number) => rejectUpgrade(socket, 429, `Too many signaling messages; try again in ${wait} s`, wait);
      const wait = limits.cutOffFor(id!);
      if (wait > 0) return refuse(wait);
      const upgrade = () =>
        peerWss.handleUpgrade(req, socket, head, (ws) => {
          // First, so no socket error goes unhandled (an unhandled one would take the broker down).
          ws.on('error', onSocketError);
          // The participant may have left while the handshake completed.
          const participant = admitPeer(ctx, id, token);
          if (!participant) return void closeSocket(ws, 'Not in the session');
          const member = peerMember(participant);
          sockets.add(member, ws);
          limits.delivered(member.peerId);
          peerWss.emit('connection', ws, req);
          inspect(ws, member);
        });
      // A peer cut off on another broker is refused here too (reconnecting elsewhere refills nothing).
      if (!remote) return upgrade();
      void remote.cutOffFor(id!).then((elsewhere) => (elsewhere > 0 ? refuse(elsewhere) : upgrade()));
    },
    close() {
      for (const stop of unsubscribe) stop();
      sockets.closeAll();
      wss?.close();
    },
  };
}
