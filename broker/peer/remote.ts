import type { SignalingMessage } from './messages';

/**
 * Peers connected to other brokers (REDIS_URL), as the PeerServer sees them: it says which peers it
 * holds, hands on signaling for a peer it does not hold, and takes what other brokers hand on for its
 * own peers. Implemented by cluster/peerRelay.ts; absent for a broker alone.
 */
export interface RemotePeers {
  /** This broker holds a socket of the peer now. */
  connected(peerId: string): void;
  /** …and no longer. */
  disconnected(peerId: string): void;
  /** Hands the message to the broker holding `message.dst`; false when no other broker holds it. */
  forward(srcPeerId: string, message: SignalingMessage): Promise<boolean>;
  /** The peer flooded and is refused for `ms`, on every broker. */
  cutOff(peerId: string, ms: number): void;
  /** Seconds until a peer cut off (on any broker) may connect again; 0 when it may now. */
  cutOffFor(peerId: string): Promise<number>;
  /** Where the news arrives that another broker now holds a peer (a reconnect that went elsewhere). */
  onMoved(handler: (peerId: string) => void): void;
  /** Where signaling another broker handed on arrives (once; the PeerServer checks and delivers it). */
  onArrival(handler: (srcPeerId: string, message: SignalingMessage) => void): void;
}
