import * as v from 'valibot';
import { EventsServerMessage, OpaqueId, PeerId, SessionEvent } from '../../core/protocol';
import { PEER_MAX_PAYLOAD } from '../peer/server';
import { SignalingMessage } from '../peer/messages';

/**
 * What brokers tell each other over Redis pub/sub. Redis is shared infrastructure, not a trusted peer:
 * every message is size-checked before parsing and validated here, and what fails is dropped and
 * counted (cluster/inbox.ts), never thrown.
 */

/** A broker's id: random per process (cluster/cluster.ts), so a restarted broker is a new member. */
export const BrokerId = OpaqueId;

/** Participants or reps a broker hears from, at most this many in one snapshot. */
export const MAX_SNAPSHOT_ENTRIES = 50_000;
/** The largest message read at all: a full snapshot (~80 bytes an entry), far above a signal or an event. */
export const MAX_CLUSTER_MESSAGE_BYTES = 8 * 1024 * 1024;
/** A relayed signaling message: the frame a peer sent (bounded by the PeerServer) plus the envelope. */
export const MAX_SIGNAL_BYTES = PEER_MAX_PAYLOAD + 1024;

const from = BrokerId;

/** On the channel every broker hears. */
export const Broadcast = v.variant('kind', [
  /** A session event committed by `from` (its own clients had it already). */
  v.strictObject({ kind: v.literal('event'), from, event: SessionEvent }),
  /**
   * `from` started (or came back after an outage): everyone answers with a snapshot, and catches its
   * sockets up from the store (what `from` could not publish while cut off).
   */
  v.strictObject({ kind: v.literal('hello'), from }),
  /** `from` is closing: forget what only it heard. */
  v.strictObject({ kind: v.literal('bye'), from }),
  /** Everything `from` hears, every few seconds: also its sign of life. */
  v.strictObject({
    kind: v.literal('snapshot'),
    from,
    participants: v.pipe(v.array(v.tuple([OpaqueId, OpaqueId])), v.maxLength(MAX_SNAPSHOT_ENTRIES)),
    reps: v.pipe(v.array(OpaqueId), v.maxLength(MAX_SNAPSHOT_ENTRIES)),
  }),
  /** A participant's sockets on `from` came (the first) or went (the last). */
  v.strictObject({ kind: v.literal('presence'), from, participantId: OpaqueId, sessionId: OpaqueId, heard: v.boolean() }),
  /** A rep's sockets on `from` came or went. */
  v.strictObject({ kind: v.literal('rep'), from, repId: OpaqueId, heard: v.boolean() }),
  /**
   * `from` now holds the peer's PeerServer socket: another broker still holding an older one closes it,
   * and one that kept signaling for the peer (sent before it connected) hands that on.
   */
  v.strictObject({ kind: v.literal('peer-moved'), from, peerId: PeerId }),
  /** Something may change who gets WebACD offers: the broker that leads runs a pass. */
  v.strictObject({ kind: v.literal('acd-changed'), from }),
]);
export type Broadcast = v.InferOutput<typeof Broadcast>;

/** The relayed kinds of signaling: HEARTBEAT is between a peer and its own broker. */
const RelayedSignal = v.pipe(
  SignalingMessage,
  v.check((m) => m.type !== 'HEARTBEAT', 'HEARTBEAT is not relayed'),
);

/** On one broker's own channel. */
export const Direct = v.variant('kind', [
  /** A push to a rep whose socket is on this broker (WebACD `acd`, `offer-closed`). */
  v.strictObject({ kind: v.literal('rep-push'), from, repId: OpaqueId, message: EventsServerMessage }),
  /**
   * Signaling from `src` (connected to `from`, which checked it already) to `dst` (connected here). The
   * receiver checks the session-scope rule again from its own store, whatever `from` says.
   */
  v.strictObject({ kind: v.literal('signal'), from, src: PeerId, message: RelayedSignal }),
]);
export type Direct = v.InferOutput<typeof Direct>;
