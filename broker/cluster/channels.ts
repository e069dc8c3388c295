import { KEY_PREFIX } from './redis';

/** Redis names the cluster uses; all under KEY_PREFIX. */
export const CHANNELS = {
  /** Heard by every broker. */
  all: `${KEY_PREFIX}all`,
  /** Heard by one broker: pushes and signaling for its own sockets. */
  to: (brokerId: string) => `${KEY_PREFIX}to:${brokerId}`,
} as const;

export const KEYS = {
  /** The broker that runs the cluster's duties (WebACD passes, presence grace, wait sweeps). */
  leader: `${KEY_PREFIX}leader`,
  /** The HMAC key every broker derives secrets with. */
  serverKey: `${KEY_PREFIX}server-key`,
  /** Which broker holds a peer's PeerServer socket. */
  peer: (peerId: string) => `${KEY_PREFIX}peer:${peerId}`,
  /** A peer cut off for flooding signaling, refused by every broker until it expires. */
  cutOff: (peerId: string) => `${KEY_PREFIX}cut-off:${peerId}`,
  /** A shared rate-limit window. */
  limit: (name: string, key: string) => `${KEY_PREFIX}limit:${name}:${key}`,
} as const;
