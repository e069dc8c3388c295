import type { DataConnection, MediaConnection, Peer, PeerError } from 'peerjs';
import type { Self } from '../protocol';
import { checkRelay, hasRelay, type RelayState } from './relay-check';
import { defaultReconnectPolicy, type ReconnectPolicy } from '../reconnect';
import { dataOfferAllowed } from '../protocol';
import {
  BINARY_LOW_WATER,
  type BinaryLink,
  type DataLink,
  type MediaLink,
  type PeerTransport,
  type TransportStatus,
} from './transport';
import { guardDataConnection, guardSignaling, type GuardableDataConnection, type GuardablePeer } from './signaling-guard';

export interface PeerJsTransportOptions {
  /** Broker base URL; PeerServer is mounted at /peerjs on it. */
  brokerUrl: string;
  peerId: string;
  peerToken: string;
  iceServers: RTCIceServer[];
  /** 'relay' ⇒ TURN only (the broker's ICE_TRANSPORT_POLICY). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  reconnectPolicy?: ReconnectPolicy;
}

/** A participant's PeerServer identity and ICE settings, as the broker handed them out. */
export function transportIdentity(self: Self): Omit<PeerJsTransportOptions, 'brokerUrl' | 'reconnectPolicy'> {
  return {
    peerId: self.peerId,
    peerToken: self.peerToken,
    iceServers: self.iceServers,
    iceTransportPolicy: self.iceTransportPolicy ?? 'all',
  };
}

function dataLink(connection: DataConnection): DataLink {
  // Unparsable data is dropped; the mesh counts what it cannot validate, this is what PeerJS cannot parse.
  guardDataConnection(connection as unknown as GuardableDataConnection, () => undefined);
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

/** The RTCDataChannel under a PeerJS data connection (there once negotiation has made it). */
type WithChannel = { dataChannel?: RTCDataChannel };

function binaryLink(connection: DataConnection): BinaryLink {
  const channel = () => (connection as unknown as WithChannel).dataChannel;
  const drainListeners: (() => void)[] = [];
  // The channel exists by 'open': that is when the low-water mark and its event can be set.
  connection.on('open', () => {
    const dc = channel();
    if (!dc) return;
    dc.bufferedAmountLowThreshold = BINARY_LOW_WATER;
    dc.addEventListener('bufferedamountlow', () => drainListeners.forEach((l) => l()));
  });
  return {
    remotePeerId: connection.peer,
    label: connection.label,
    get isOpen() {
      return connection.open;
    },
    get bufferedAmount() {
      // PeerJS queues in memory too when the channel is full; both count.
      return (channel()?.bufferedAmount ?? 0) + ((connection as unknown as { bufferSize?: number }).bufferSize ?? 0);
    },
    send: (chunk) => void connection.send(chunk),
    close: () => connection.close(),
    onOpen: (listener) => void connection.on('open', listener),
    onData: (listener) => void connection.on('data', (data) => data instanceof ArrayBuffer && listener(data)),
    onDrain: (listener) => void drainListeners.push(listener),
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
    answer: (stream) => connection.answer(stream),
    close: () => connection.close(),
    onStream: (listener) => void connection.on('stream', listener),
    onClose: (listener) => onceClosed(connection, listener),
  };
}

/**
 * Starts downloading PeerJS ahead of need, e.g. the moment the customer clicks Join, so the download
 * overlaps the join's API calls instead of following them. Harmless to repeat; a failure is left to
 * the transport's own retry.
 */
export function preloadPeerJs(): void {
  import('./peerjs-peer').catch(() => undefined);
}

/**
 * A link whose PeerJS connection does not exist yet (PeerJS is still loading). Listeners and a close
 * are kept and handed to the real link once it exists; it is never open before that.
 */
function pendingLink<T extends { onClose(listener: () => void): void; close(): void }>(
  made: Promise<T | undefined>,
): { get(): T | undefined; whenMade(fn: (link: T) => void): void; close(): void; onClose(listener: () => void): void } {
  let link: T | undefined;
  let closed = false;
  const closeListeners: (() => void)[] = [];
  const waiting: ((link: T) => void)[] = [];
  void made.then((real) => {
    if (!real) return closeListeners.splice(0).forEach((l) => l());
    link = real;
    waiting.splice(0).forEach((fn) => fn(real));
    closeListeners.splice(0).forEach((l) => real.onClose(l));
    if (closed) real.close();
  });
  return {
    get: () => link,
    whenMade: (fn) => (link ? fn(link) : void waiting.push(fn)),
    close() {
      closed = true;
      link?.close();
    },
    onClose: (listener) => (link ? link.onClose(listener) : void closeListeners.push(listener)),
  };
}

/**
 * PeerJS behind the `PeerTransport` interface. Keeps the PeerServer connection up: reconnects after a
 * drop and recreates the Peer if PeerJS gave it up, with backoff, until `destroy()`.
 *
 * PeerJS itself (most of the join page's weight) is imported on first use, so pages that have not
 * joined a session yet never download it: bundlers split `import('./peerjs-peer')` into a chunk of its own
 * (issue 6). Until it has loaded the status stays 'connecting'; a dial or call made meanwhile is
 * carried out as soon as it has.
 */
export function createPeerJsTransport(options: PeerJsTransportOptions): PeerTransport {
  const url = new URL(options.brokerUrl);
  const secure = url.protocol === 'https:';
  const policy = options.reconnectPolicy ?? defaultReconnectPolicy;
  const listeners = {
    connection: [] as ((link: DataLink) => void)[],
    binary: [] as ((link: BinaryLink) => void)[],
    call: [] as ((link: MediaLink) => void)[],
    status: [] as ((status: TransportStatus) => void)[],
    unavailable: [] as ((peerId: string) => void)[],
    relay: [] as ((state: RelayState) => void)[],
  };
  const emitStatus = (status: TransportStatus) => listeners.status.forEach((l) => l(status));
  let destroyed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let peer: Peer | undefined;
  let rtcConfig: RTCConfiguration = { iceServers: options.iceServers, iceTransportPolicy: options.iceTransportPolicy ?? 'all' };
  let relay: RelayState = 'none';
  let relayCheck = 0;
  /** Checks the relay of these settings; only the latest check's answer counts. */
  function verifyRelay(config: RTCConfiguration): void {
    const emit = (state: RelayState) => {
      relay = state;
      listeners.relay.forEach((l) => l(state));
    };
    const check = ++relayCheck;
    if (!hasRelay(config) || typeof RTCPeerConnection === 'undefined') return emit('none');
    emit('checking');
    void checkRelay(config)
      .catch(() => 'unreachable' as const)
      .then((state) => check === relayCheck && !destroyed && emit(state));
  }
  verifyRelay(rtcConfig);
  const loaded = load();
  /** Runs `fn` once PeerJS is there; undefined if the transport was destroyed first. */
  const afterLoad = <T>(fn: () => T) => loaded.then((p) => (p && !destroyed ? fn() : undefined));

  /** Imports PeerJS and creates the Peer; a failed download (a network blip) is retried with backoff. */
  async function load(): Promise<Peer | undefined> {
    try {
      const { Peer: PeerClass } = await import('./peerjs-peer');
      if (destroyed) return undefined;
      return (peer = createPeer(PeerClass));
    } catch {
      if (destroyed) return undefined;
      emitStatus('reconnecting');
      await new Promise((resolve) => (timer = setTimeout(resolve, policy(attempt++))));
      return destroyed ? undefined : load();
    }
  }

  function createPeer(PeerClass: typeof Peer): Peer {
    emitStatus('connecting');
    const p = new PeerClass(options.peerId, {
      host: url.hostname,
      port: Number(url.port) || (secure ? 443 : 80),
      path: '/peerjs/',
      secure,
      key: 'peerjs',
      token: options.peerToken,
      config: rtcConfig,
      debug: 0,
    });
    guardSignaling(p as unknown as GuardablePeer);
    p.on('open', () => {
      attempt = 0;
      emitStatus('open');
    });
    p.on('connection', (c) => {
      // The guard let in only JSON links and raw ones with a binary channel's label.
      if (!dataOfferAllowed(c.serialization, c.label)) return void c.close();
      if (c.serialization === 'raw') listeners.binary.forEach((l) => l(binaryLink(c)));
      else listeners.connection.forEach((l) => l(dataLink(c)));
    });
    p.on('call', (c) => listeners.call.forEach((l) => l(mediaLink(c))));
    p.on('disconnected', () => scheduleRetry(() => !p.destroyed && p.reconnect()));
    p.on('close', () => scheduleRetry(() => (peer = createPeer(PeerClass))));
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

  function connect(remotePeerId: string): DataLink {
    if (peer) return dataLink(peer.connect(remotePeerId, { serialization: 'json', reliable: true }));
    const pending = pendingLink(afterLoad(() => connect(remotePeerId)));
    return {
      remotePeerId,
      get isOpen() {
        return pending.get()?.isOpen ?? false;
      },
      // The mesh sends only on open links, and this one is not open yet.
      send: (message) => pending.get()?.send(message),
      close: () => pending.close(),
      onOpen: (listener) => pending.whenMade((link) => link.onOpen(listener)),
      onData: (listener) => pending.whenMade((link) => link.onData(listener)),
      onClose: (listener) => pending.onClose(listener),
    };
  }

  function connectBinary(remotePeerId: string, label: string): BinaryLink {
    if (peer) return binaryLink(peer.connect(remotePeerId, { label, serialization: 'raw', reliable: true }));
    const pending = pendingLink(afterLoad(() => connectBinary(remotePeerId, label)));
    return {
      remotePeerId,
      label,
      get isOpen() {
        return pending.get()?.isOpen ?? false;
      },
      get bufferedAmount() {
        return pending.get()?.bufferedAmount ?? 0;
      },
      send: (chunk) => pending.get()?.send(chunk),
      close: () => pending.close(),
      onOpen: (listener) => pending.whenMade((link) => link.onOpen(listener)),
      onData: (listener) => pending.whenMade((link) => link.onData(listener)),
      onDrain: (listener) => pending.whenMade((link) => link.onDrain(listener)),
      onClose: (listener) => pending.onClose(listener),
    };
  }

  function call(remotePeerId: string, stream: MediaStream, metadata: unknown): MediaLink {
    if (peer) return mediaLink(peer.call(remotePeerId, stream, { metadata }));
    const pending = pendingLink(afterLoad(() => call(remotePeerId, stream, metadata)));
    return {
      remotePeerId,
      metadata,
      answer: (stream) => pending.whenMade((link) => link.answer(stream)),
      close: () => pending.close(),
      onStream: (listener) => pending.whenMade((link) => link.onStream(listener)),
      onClose: (listener) => pending.onClose(listener),
    };
  }

  return {
    connect,
    connectBinary,
    call,
    onConnection: (l) => void listeners.connection.push(l),
    onBinaryConnection: (l) => void listeners.binary.push(l),
    onCall: (l) => void listeners.call.push(l),
    onStatus: (l) => void listeners.status.push(l),
    onUnavailable: (l) => void listeners.unavailable.push(l),
    setIce(ice) {
      rtcConfig = ice;
      // PeerJS reads options.config for every RTCPeerConnection it creates (its Negotiator), and a Peer
      // recreated after a drop starts from rtcConfig.
      if (peer) peer.options.config = ice;
      verifyRelay(ice);
    },
    onRelay(listener) {
      listeners.relay.push(listener);
      listener(relay);
    },
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      peer?.destroy();
    },
  };
}
