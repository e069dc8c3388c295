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

export interface MediaLink {
  readonly remotePeerId: string;
  readonly metadata: unknown;
  /** Accept an incoming call without sending media back. */
  answer(): void;
  close(): void;
  onStream(listener: (stream: MediaStream) => void): void;
  onClose(listener: () => void): void;
}

export type TransportStatus = 'connecting' | 'open' | 'reconnecting' | 'refused';

export interface PeerTransport {
  connect(remotePeerId: string): DataLink;
  call(remotePeerId: string, stream: MediaStream, metadata: unknown): MediaLink;
  onConnection(listener: (link: DataLink) => void): void;
  onCall(listener: (link: MediaLink) => void): void;
  onStatus(listener: (status: TransportStatus) => void): void;
  /** A dial to `remotePeerId` failed because that peer is not online. */
  onUnavailable(listener: (remotePeerId: string) => void): void;
  destroy(): void;
}
