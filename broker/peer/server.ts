import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import { ExpressPeerServer } from 'peer';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BrokerContext } from '../context';
import { rejectUpgrade } from '../http/upgrade';
import { admitPeer } from './guard';

export const PEER_MOUNT = '/peerjs';
/** Where the PeerJS client opens its socket: `${mount}/${path}peerjs` with path '/'. */
export const PEER_SOCKET_PATH = '/peerjs/peerjs';

export interface PeerService {
  /** An Express sub-app; mount at PEER_MOUNT (mounting starts it). */
  app: RequestHandler;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void;
  close(): void;
}

/**
 * The PeerServer (signaling for WebRTC) behind our own door: its websocket server takes no upgrades
 * by itself (`noServer`); we verify id and token first, and cut a peer's socket the moment its
 * participant leaves or its session ends.
 */
export function createPeerService(ctx: BrokerContext, server: Server, concurrentLimit: number): PeerService {
  let wss: WebSocketServer | undefined;
  const app = ExpressPeerServer(server, {
    path: '/',
    key: 'peerjs',
    allow_discovery: false,
    concurrent_limit: concurrentLimit,
    // Our CORS middleware answers for the whole broker; the PeerServer's own would allow any origin.
    corsOptions: { origin: false },
    // Signaling messages are SDP and ICE candidates: a few kilobytes.
    createWebSocketServer: () => (wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 })),
  });
  app.on('error', (error) => ctx.log.warn('PeerServer error', error));

  const sockets = new Map<string, Set<WebSocket>>();
  const closePeer = (peerId: string) => {
    for (const ws of sockets.get(peerId) ?? []) {
      ws.close(1008, 'Not in the session');
      // A client that does not answer the close handshake is cut anyway.
      setTimeout(() => ws.terminate(), 1000).unref();
    }
  };

  /**
   * Remembers a peer's socket, to cut it when its participant leaves. A function of its own, so the
   * listener it leaves on the socket does not hold the upgrade request (and its headers) for the life
   * of the connection, as a closure inside handleUpgrade did (issue 6: memory per participant).
   */
  function track(peerId: string, ws: WebSocket): void {
    const set = sockets.get(peerId) ?? new Set<WebSocket>();
    sockets.set(peerId, set.add(ws));
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0 && sockets.get(peerId) === set) sockets.delete(peerId);
    });
  }

  const unsubscribe = ctx.bus.subscribe((event) => {
    if (event.type === 'participant-left') {
      const p = ctx.store.findParticipant(event.participantId);
      if (p) closePeer(p.peerId);
    } else if (event.type === 'session-ended') {
      for (const p of ctx.store.listParticipants(event.sessionId)) closePeer(p.peerId);
    }
  });

  return {
    // peer bundles its own @types/express; at runtime it is an ordinary Express app.
    app: app as unknown as RequestHandler,
    handleUpgrade(req, socket, head, url) {
      const id = url.searchParams.get('id');
      const token = url.searchParams.get('token');
      if (!wss || !admitPeer(ctx, id, token)) return rejectUpgrade(socket, 401, 'Unauthorized');
      const peerWss = wss;
      peerWss.handleUpgrade(req, socket, head, (ws) => {
        track(id!, ws);
        // The participant may have left while the handshake completed.
        if (!admitPeer(ctx, id, token)) return void ws.close(1008, 'Not in the session');
        peerWss.emit('connection', ws, req);
      });
    },
    close() {
      unsubscribe();
      for (const set of sockets.values()) for (const ws of set) ws.terminate();
      sockets.clear();
      wss?.close();
    },
  };
}
