import type { WebSocket } from 'ws';
import { dataOfferAllowed } from '../../core/protocol';
import type { BrokerContext } from '../context';
import type { SignalingMessage } from './messages';
import type { SignalingLimits } from './limits';
import { peerMember, type PeerMember, type PeerSockets } from './sockets';
import type { DropReason } from './stats';

/**
 * Signaling stays inside a session (issue 10): a message passes only from a participant who is in a
 * live session to another participant of the same session, within the sender's rates. A data link must
 * use PeerJS's 'json' serialization, or 'raw' for a labelled binary channel (`dataOfferAllowed`: PeerJS's
 * 'binary' let a peer feed the rep's panel chunks that never complete); a media call may come only from
 * the session's reps and its active customer.
 */
export class SignalingGate {
  constructor(
    private readonly ctx: BrokerContext,
    private readonly sockets: PeerSockets,
    private readonly limits: SignalingLimits,
  ) {}

  /** Why the message from `src` (on `ws`) must not be relayed; undefined to relay it. */
  check(src: PeerMember, ws: WebSocket, message: SignalingMessage): DropReason | undefined {
    if (src.left || ws.readyState !== ws.OPEN) return 'senderGone';
    if (!this.limits.message(src.peerId)) return 'rateLimited';
    if (message.type === 'HEARTBEAT') return undefined;
    const dst = this.member(message.dst);
    if (!dst) return 'unknownDestination';
    if (dst.sessionId !== src.sessionId) return 'otherSession';
    if (dst.left) return 'destinationGone';
    if (message.type === 'OFFER') {
      const { payload } = message;
      if (payload.type === 'data' && !dataOfferAllowed(payload.serialization, payload.label)) return 'serialization';
      if (payload.type === 'media' && !this.maySendMedia(src)) return 'mediaNotAllowed';
      if (!this.limits.offer(src.peerId, dst.peerId)) return 'rateLimited';
    }
    // `peer` queues what it cannot deliver yet; only a few messages per destination.
    if (!this.sockets.isConnected(dst.peerId) && !this.limits.queue(dst.peerId)) return 'queueFull';
    return undefined;
  }

  /** A connected peer from memory; one not connected (yet) from the store. */
  private member(peerId: string): PeerMember | undefined {
    const connected = this.sockets.member(peerId);
    if (connected) return connected;
    const p = this.ctx.store.findParticipantByPeerId(peerId);
    return p && peerMember(p);
  }

  /** Reps share; of the customers, only the one the controller is helping now. */
  private maySendMedia(src: PeerMember): boolean {
    if (src.role !== 'customer') return true;
    return this.ctx.store.findSession(src.sessionId)?.activeCustomerId === src.participantId;
  }
}
