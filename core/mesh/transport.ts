import type { RelayState } from './relay-check';
/**
 * What the mesh needs from a WebRTC signaling library. `peerjs-transport.ts` implements it over PeerJS;
 * tests can implement it in memory. Nothing here knows about sessions or chat.
 */
export interface DataLink {
  readonly remotePeerId: string;
  readonly isOpen: boolean;
  send(message: unknown): void;
  close(): void;
  onOpen(listener: () => void): void;
  onData(listener: (data: unknown) => void): void;
  /** Fired once, whoever closed it. */
  onClose(listener: () => void): void;
}

/**
 * A labelled binary channel beside a peer's JSON link (files): ordered and reliable, chunks sent as they
 * are. The sender keeps `bufferedAmount` bounded (see `whenWritable`): the browser queues whatever it is
 * given, so a sender that does not wait fills memory and starves the chat on the same connection.
 */
export interface BinaryLink {
  readonly remotePeerId: string;
  /** `<kind>:<id>`, e.g. `file:…` (see BinaryChannelLabel): which activity it belongs to. */
  readonly label: string;
  readonly isOpen: boolean;
  /** Bytes handed to the channel and not yet sent. */
  readonly bufferedAmount: number;
  send(chunk: ArrayBuffer): void;
  close(): void;
  onOpen(listener: () => void): void;
  onData(listener: (chunk: ArrayBuffer) => void): void;
  /** `bufferedAmount` fell to the low-water mark (BINARY_LOW_WATER) or below. */
  onDrain(listener: () => void): void;
  /** Fired once, whoever closed it. */
  onClose(listener: () => void): void;
}

/** When a binary link's queue is drained this far, `onDrain` fires. */
export const BINARY_LOW_WATER = 256 * 1024;

export interface MediaLink {
  readonly remotePeerId: string;
  readonly metadata: unknown;
  /** Accept an incoming call: with a stream, media flows both ways (voice, video); without, only to us. */
  answer(stream?: MediaStream): void;
  close(): void;
  onStream(listener: (stream: MediaStream) => void): void;
  onClose(listener: () => void): void;
}

export type TransportStatus = 'connecting' | 'open' | 'reconnecting' | 'refused';

export interface PeerTransport {
  connect(remotePeerId: string): DataLink;
  /** Opens a labelled binary channel to a peer, beside (never instead of) its JSON link. */
  connectBinary(remotePeerId: string, label: string): BinaryLink;
  call(remotePeerId: string, stream: MediaStream, metadata: unknown): MediaLink;
  /** An incoming JSON link (the mesh's). */
  onConnection(listener: (link: DataLink) => void): void;
  /** An incoming binary channel; its label is one BinaryChannelLabel allows. */
  onBinaryConnection(listener: (link: BinaryLink) => void): void;
  onCall(listener: (link: MediaLink) => void): void;
  onStatus(listener: (status: TransportStatus) => void): void;
  /** A dial to `remotePeerId` failed because that peer is not online. */
  onUnavailable(listener: (remotePeerId: string) => void): void;
  /**
   * STUN/TURN for connections made from now on (renewed TURN credentials). Connections already up keep
   * what they started with: browsers cannot change a running connection's credentials.
   */
  setIce?(ice: RTCConfiguration): void;
  /** Whether the TURN relay in the current ICE settings can be reached with their credentials. */
  onRelay?(listener: (state: RelayState) => void): void;
  destroy(): void;
}
