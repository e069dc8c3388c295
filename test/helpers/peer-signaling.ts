import { WebSocket } from 'ws';

/** A message the PeerServer sends a client (OPEN, ERROR, or a relayed OFFER/ANSWER/CANDIDATE/LEAVE/EXPIRE). */
export interface ServerSignal {
  type: string;
  src?: string;
  dst?: string;
  payload?: Record<string, unknown> & { connectionId?: string; type?: string };
}

/** A participant's PeerServer credentials, as `self` carries them. */
export interface PeerCredentials {
  peerId: string;
  peerToken: string;
}

const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
let connections = 0;
const connectionId = (kind: 'data' | 'media') => `${kind === 'data' ? 'dc' : 'mc'}_test${++connections}`;

/**
 * A scripted client of the broker's PeerServer, speaking PeerJS 1.5.5's protocol by hand: it opens the
 * socket as PeerJS does, sends well-formed or hostile frames, and collects what arrives. For tests of
 * signaling rules, and for later features (files, media) that need a peer to misbehave.
 */
export class SignalingPeer {
  private readonly queue: ServerSignal[] = [];
  private readonly waiters: ((message: ServerSignal) => void)[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    readonly ws: WebSocket,
    readonly peerId: string,
  ) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerSignal;
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static url(brokerUrl: string, self: PeerCredentials): string {
    const base = brokerUrl.replace(/^http/, 'ws');
    return `${base}/peerjs/peerjs?key=peerjs&id=${encodeURIComponent(self.peerId)}&token=${encodeURIComponent(self.peerToken)}&version=1.5.5`;
  }

  /** Opens the socket; resolves once the server said OPEN, rejects with the HTTP status if refused. */
  static async connect(brokerUrl: string, self: PeerCredentials): Promise<SignalingPeer> {
    const ws = new WebSocket(SignalingPeer.url(brokerUrl, self), { perMessageDeflate: false });
    const peer = new SignalingPeer(ws, self.peerId);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        const retryAfter = res.headers['retry-after'];
        reject(new Error(`HTTP ${res.statusCode}${retryAfter ? `, Retry-After ${retryAfter}` : ''}`));
      });
    });
    const first = await peer.next();
    if (first.type !== 'OPEN') throw new Error(`PeerServer said ${JSON.stringify(first)}`);
    return peer;
  }

  /** Sends a frame as it is: an object (as JSON), a string, or raw bytes (binary). */
  send(frame: unknown): void {
    if (Buffer.isBuffer(frame)) this.ws.send(frame, { binary: true });
    else this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** An OFFER as PeerJS sends it: a data link (JSON unless said otherwise) or a media call (a screen unless said otherwise). */
  offer(
    dst: string,
    options: {
      kind?: 'data' | 'media';
      serialization?: unknown;
      label?: unknown;
      /** A media call's metadata (a screen unless said otherwise). */
      metadata?: unknown;
      connectionId?: string;
      src?: string;
    } = {},
  ): string {
    const kind = options.kind ?? 'data';
    const id = options.connectionId ?? connectionId(kind);
    const base = { sdp: { type: 'offer', sdp: SDP }, type: kind, connectionId: id };
    const payload =
      kind === 'data'
        ? {
            ...base,
            label: 'label' in options ? options.label : id,
            reliable: true,
            serialization: 'serialization' in options ? options.serialization : 'json',
          }
        : { ...base, metadata: 'metadata' in options ? options.metadata : { kind: 'screen' } };
    this.send({ type: 'OFFER', payload, dst, ...(options.src ? { src: options.src } : {}) });
    return id;
  }

  answer(dst: string, connectionId: string, kind: 'data' | 'media' = 'data'): void {
    this.send({ type: 'ANSWER', payload: { sdp: { type: 'answer', sdp: SDP }, type: kind, connectionId }, dst });
  }

  candidate(dst: string, connectionId: string, kind: 'data' | 'media' = 'data'): void {
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    this.send({ type: 'CANDIDATE', payload: { candidate, type: kind, connectionId }, dst });
  }

  heartbeat(): void {
    this.send({ type: 'HEARTBEAT' });
  }

  /** The next message from the server, in order. */
  next(): Promise<ServerSignal> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift()!);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Messages that arrived and were not read yet. */
  get pending(): readonly ServerSignal[] {
    return this.queue;
  }

  /** Stops reading from the socket: the server's frames (a close, a ping) go unanswered, as from a frozen machine. */
  freeze(): void {
    (this.ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }

  /** Cuts the connection without a close handshake. */
  terminate(): Promise<{ code: number; reason: string }> {
    this.ws.terminate();
    return this.closed;
  }
}
