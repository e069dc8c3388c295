import { dataOfferAllowed } from '../protocol';

/**
 * Defences PeerJS (1.5.5) lacks, installed on its internals. Every remote peer reaches us through the
 * broker's signaling, which already keeps it inside the session; these hold even if it did not:
 *
 * - A data connection is accepted only with JSON serialization, or 'raw' for a labelled binary channel
 *   (`dataOfferAllowed`): a peer dialing with `binary` made the panel keep chunks that never complete (its
 *   heap grew from 3 MB to 99 MB), and an unknown serialization made PeerJS throw
 *   (`new this._serializers[x]` of undefined).
 * - At most a handful of connections per remote peer may be negotiating at once, and one that has not
 *   opened after a while is closed: 550 junk OFFERs once exhausted Chrome's PeerConnections.
 * - Signaling for connections that do not exist is dropped instead of being kept "for later" forever.
 *
 * The hooks replace `_handleMessage` on the Peer instance and `_handleDataMessage` on data connections;
 * PeerJS calls both through `this`, so instance properties take precedence over its prototype methods.
 */

interface ServerMessage {
  type?: unknown;
  src?: unknown;
  payload?: unknown;
}

interface Closable {
  open?: boolean;
  close(): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** The parts of a PeerJS Peer the guard uses. */
export interface GuardablePeer {
  _handleMessage(message: ServerMessage): void;
  getConnection(peerId: string, connectionId: string): Closable | null | undefined;
}

export interface SignalingGuardOptions {
  /** Connections from one peer that may be negotiating at once. */
  maxPendingPerPeer?: number;
  /** How long an incoming connection may take to open before it is closed. */
  openTimeoutMs?: number;
  /** Called for every refused message (counting, diagnostics). */
  onRefused?(reason: 'serialization' | 'type' | 'pending' | 'unknown-connection'): void;
}

const asRecord = (value: unknown) =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

export function guardSignaling(peer: GuardablePeer, options: SignalingGuardOptions = {}): void {
  // The JSON link, a call and the mesh's 4 binary channels (MAX_BINARY_CHANNELS_PER_PEER) may all be
  // negotiating at once; junk beyond that is what exhausted Chrome's PeerConnections.
  const maxPending = options.maxPendingPerPeer ?? 6;
  const openTimeoutMs = options.openTimeoutMs ?? 20_000;
  const pending = new Map<string, Set<string>>();
  const handle = peer._handleMessage.bind(peer);

  function settle(src: string, connectionId: string): void {
    const set = pending.get(src);
    set?.delete(connectionId);
    if (set?.size === 0) pending.delete(src);
  }

  function acceptOffer(src: string, payload: Record<string, unknown>, message: ServerMessage): void {
    const connectionId = String(payload.connectionId ?? '');
    const set = pending.get(src) ?? new Set<string>();
    if (set.size >= maxPending) return options.onRefused?.('pending');
    handle(message);
    const connection = peer.getConnection(src, connectionId);
    if (!connection) return;
    pending.set(src, set.add(connectionId));
    const done = () => settle(src, connectionId);
    connection.on(payload.type === 'media' ? 'stream' : 'open', done);
    connection.on('close', done);
    connection.on('error', done);
    setTimeout(() => {
      if (!pending.get(src)?.has(connectionId)) return;
      done();
      connection.close();
    }, openTimeoutMs);
  }

  peer._handleMessage = (message: ServerMessage) => {
    const payload = asRecord(message.payload);
    const src = typeof message.src === 'string' ? message.src : undefined;
    if (message.type === 'OFFER') {
      if (!src || !payload) return options.onRefused?.('type');
      if (payload.type === 'data' && !dataOfferAllowed(payload.serialization, payload.label)) {
        return options.onRefused?.('serialization');
      }
      if (payload.type !== 'data' && payload.type !== 'media') return options.onRefused?.('type');
      return acceptOffer(src, payload, message);
    }
    if ((message.type === 'ANSWER' || message.type === 'CANDIDATE') && src && payload) {
      const connectionId = payload.connectionId;
      if (typeof connectionId !== 'string' || !peer.getConnection(src, connectionId)) {
        return options.onRefused?.('unknown-connection');
      }
    }
    handle(message);
  };
}

/** The part of a PeerJS DataConnection the guard uses. */
export interface GuardableDataConnection {
  _handleDataMessage(event: { data: unknown }): void;
}

/**
 * A data message PeerJS cannot parse (not JSON, not UTF-8) throws inside its channel listener; here it
 * is dropped and counted instead.
 */
export function guardDataConnection(connection: GuardableDataConnection, onMalformed: () => void): void {
  const handle = connection._handleDataMessage.bind(connection);
  connection._handleDataMessage = (event) => {
    try {
      handle(event);
    } catch {
      onMalformed();
    }
  };
}
