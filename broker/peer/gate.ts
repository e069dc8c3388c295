import type { WebSocket } from 'ws';
import * as v from 'valibot';
import { CallMetadata, dataOfferAllowed } from '../../core/protocol';
import type { BrokerContext } from '../context';
import type { SignalingMessage } from './messages';
import type { SignalingLimits } from './limits';
import { peerMember, type PeerMember, type PeerSockets } from './sockets';
import type { DropReason } from './stats';

/**
 * Signaling stays inside a session (issue 10): a message passes only from a participant who is in a
 * live session to another participant of the same session, within the sender's rates. A data link must
 * use PeerJS's 'json' serialization, or 'raw' for a labelled binary channel (`dataOfferAllowed`: PeerJS's
 * 'binary' let a peer feed the rep's panel chunks that never complete); a media call must name its kind:
 * reps call with any, the active customer with a screen, camera or voice, other customers with voice only.
 */
export class SignalingGate {
  constructor(
    private readonly ctx: BrokerContext,
    private readonly sockets: PeerSockets,
    private readonly limits: SignalingLimits,
  ) {}

  /** Why the message from `src` (on `ws`) must not be relayed; undefined to relay it. Asks the store only about peers not connected. */
  async check(src: PeerMember, ws: WebSocket, message: SignalingMessage): Promise<DropReason | undefined> {
    if (src.left || ws.readyState !== ws.OPEN) return 'senderGone';
    if (!this.limits.message(src.peerId)) return 'rateLimited';
    if (message.type === 'HEARTBEAT') return undefined;
    const dst = await this.member(message.dst);
    if (!dst) return 'unknownDestination';
    if (dst.sessionId !== src.sessionId) return 'otherSession';
    if (dst.left) return 'destinationGone';
    if (message.type === 'OFFER') {
      const { payload } = message;
      if (payload.type === 'data' && !dataOfferAllowed(payload.serialization, payload.label)) return 'serialization';
      if (payload.type === 'media' && !(await this.maySendMedia(src, payload.metadata))) return 'mediaNotAllowed';
      if (!this.limits.offer(src.peerId, dst.peerId)) return 'rateLimited';
    }
    return undefined;
  }

  /**
   * `peer` queues what it cannot deliver yet: only a few messages per destination. Asked apart from
   * `check`, once it is known that no other broker holds the destination.
   */
  mayQueue(dstPeerId: string): DropReason | undefined {
    return this.limits.queue(dstPeerId) ? undefined : 'queueFull';
  }

  /**
   * Signaling another broker handed on for a peer connected here: the same session-scope rule, read
   * from this broker's own store and sockets, whatever the other broker checked (its rates were its
   * own to apply). The sender must be a participant still in a live session, the destination connected
   * here and in the same session.
   */
  async checkArrival(srcPeerId: string, message: SignalingMessage): Promise<DropReason | undefined> {
    if (message.type === 'HEARTBEAT') return 'unknownType';
    const row = await this.ctx.store.findParticipantByPeerId(srcPeerId);
    const src = row && peerMember(row);
    if (!src || src.left) return 'senderGone';
    const dst = this.sockets.member(message.dst);
    if (!dst) return 'unknownDestination';
    if (dst.sessionId !== src.sessionId) return 'otherSession';
    if (dst.left) return 'destinationGone';
    if ((await this.ctx.store.findSession(src.sessionId))?.status !== 'live') return 'senderGone';
    if (message.type === 'OFFER') {
      const { payload } = message;
      if (payload.type === 'data' && !dataOfferAllowed(payload.serialization, payload.label)) return 'serialization';
      if (payload.type === 'media' && !(await this.maySendMedia(src, payload.metadata))) return 'mediaNotAllowed';
    }
    return undefined;
  }

  /** A connected peer from memory; one not connected (yet) from the store. */
  private async member(peerId: string): Promise<PeerMember | undefined> {
    const connected = this.sockets.member(peerId);
    if (connected) return connected;
    const p = await this.ctx.store.findParticipantByPeerId(peerId);
    return p && peerMember(p);
  }

  /**
   * Reps share anything; of the customers, only the one the controller is helping now shows a screen or a
   * camera, and never a rep's screen; everyone may talk. A call that names no known kind is refused.
   */
  private async maySendMedia(src: PeerMember, metadata: unknown): Promise<boolean> {
    const parsed = v.safeParse(CallMetadata, metadata);
    if (!parsed.success) return false;
    const { kind } = parsed.output;
    if (src.role !== 'customer' || kind === 'voice') return true;
    if (kind === 'rep-screen') return false;
    return (await this.ctx.store.findSession(src.sessionId))?.activeCustomerId === src.participantId;
  }
}
