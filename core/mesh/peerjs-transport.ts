import { Peer, type DataConnection, type MediaConnection, type PeerError } from 'peerjs';
import { defaultReconnectPolicy, type ReconnectPolicy } from '../reconnect';
import type { DataLink, MediaLink, PeerTransport, TransportStatus } from './transport';

export interface PeerJsTransportOptions {
  /** Broker base URL; PeerServer is mounted at /peerjs on it. */
  brokerUrl: string;
  peerId: string;
  peerToken: string;
  iceServers: RTCIceServer[];
  reconnectPolicy?: ReconnectPolicy;
}

function dataLink(connection: DataConnection): DataLink {
  return {
    remotePeerId: connection.peer,
    get isOpen() {
      return connection.open;
    },
    send: (message) => void connection.send(message),
    close: () => connection.close(),
    onOpen: (listener) => void connection.on('open', listener),
    onData: (listener) => void connection.on('data', listener),
    onClose: (listener) => onceClosed(connection, listener),
  };
}

/** PeerJS reports an end as 'close', 'error' or both: the listener hears it once. */
function onceClosed(connection: { on(event: 'close' | 'error', fn: () => void): unknown }, listener: () => void): void {
  let fired = false;
  const once = () => {
    if (fired) return;
    fired = true;
    listener();
  };
  connection.on('close', once);
  connection.on('error', once);
}

function mediaLink(connection: MediaConnection): MediaLink {
  return {
    remotePeerId: connection.peer,
    metadata: connection.metadata,
    answer: () => connection.answer(),
    close: () => connection.close(),
    onStream: (listener) => void connection.on('stream', listener),
    onClose: (listener) => onceClosed(connection, listener),
  };
}

/**
 * PeerJS behind the `PeerTransport` interface. Keeps the PeerServer connection up: reconnects after a
 * drop and recreates the Peer if PeerJS gave it up, with backoff, until `destroy()`.
 */
export function createPeerJsTransport(options: PeerJsTransportOptions): PeerTransport {
  const url = new URL(options.brokerUrl);
  const secure = url.protocol === 'https:';
  const policy = options.reconnectPolicy ?? defaultReconnectPolicy;
  const listeners = {
    connection: [] as ((link: DataLink) => void)[],
    call: [] as ((link: MediaLink) => void)[],
    status: [] as ((status: TransportStatus) => void)[],
    unavailable: [] as ((peerId: string) => void)[],
  };
  const emitStatus = (status: TransportStatus) => listeners.status.forEach((l) => l(status));
  let destroyed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let peer = createPeer();

  function createPeer(): Peer {
    emitStatus('connecting');
    const p = new Peer(options.peerId, {
      host: url.hostname,
      port: Number(url.port) || (secure ? 443 : 80),
      path: '/peerjs/',
      secure,
      key: 'peerjs',
      token: options.peerToken,
      config: { iceServers: options.iceServers },
      debug: 0,
    });
    p.on('open', () => {
      attempt = 0;
      emitStatus('open');
    });
    p.on('connection', (c) => listeners.connection.forEach((l) => l(dataLink(c))));
    p.on('call', (c) => listeners.call.forEach((l) => l(mediaLink(c))));
    p.on('disconnected', () => scheduleRetry(() => !p.destroyed && p.reconnect()));
    p.on('close', () => scheduleRetry(() => (peer = createPeer())));
    p.on('error', (error: PeerError<string>) => {
      if (error.type === 'peer-unavailable') {
        const remote = /peer (\S+)$/.exec(error.message)?.[1];
        if (remote) listeners.unavailable.forEach((l) => l(remote));
      }
    });
    return p;
  }

  function scheduleRetry(retry: () => void): void {
    if (destroyed) return;
    emitStatus('reconnecting');
    clearTimeout(timer);
    timer = setTimeout(() => !destroyed && retry(), policy(attempt++));
  }

  return {
    connect: (remotePeerId) => dataLink(peer.connect(remotePeerId, { serialization: 'json', reliable: true })),
    call: (remotePeerId, stream, metadata) => mediaLink(peer.call(remotePeerId, stream, { metadata })),
    onConnection: (l) => void listeners.connection.push(l),
    onCall: (l) => void listeners.call.push(l),
    onStatus: (l) => void listeners.status.push(l),
    onUnavailable: (l) => void listeners.unavailable.push(l),
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      peer.destroy();
    },
  };
}
