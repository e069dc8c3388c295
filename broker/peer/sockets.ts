import type { WebSocket } from 'ws';
import type { Role } from '../../core/protocol';
import type { ParticipantRow } from '../store';
import type { RemotePeers } from './remote';

/** A participant as signaling sees it. */
export interface PeerMember {
  peerId: string;
  participantId: string;
  sessionId: string;
  role: Role;
  repId: string | null;
  /** Out of the session (left, removed, timed out, ended). */
  left: boolean;
}

export function peerMember(p: ParticipantRow): PeerMember {
  return {
    peerId: p.peerId,
    participantId: p.id,
    sessionId: p.sessionId,
    role: p.role,
    repId: p.repId,
    left: p.leftAt !== null,
  };
}

/**
 * The PeerServer's open sockets by peer id, with who each peer is (cached at admission, so relaying a
 * message needs no database read for connected peers). Marked left the moment the participant leaves,
 * so frames still in flight while the socket closes are dropped.
 */
export class PeerSockets {
  private readonly peers = new Map<string, { member: PeerMember; sockets: Set<WebSocket> }>();

  /** `registry`: with several brokers, told which peers this one holds. */
  constructor(private readonly registry?: RemotePeers) {}

  /**
   * Remembers a socket until it closes. A function of its own, so the listener it leaves on the socket
   * does not hold the upgrade request (and its headers) for the life of the connection (issue 6).
   */
  add(member: PeerMember, ws: WebSocket): void {
    let entry = this.peers.get(member.peerId);
    if (!entry) {
      this.peers.set(member.peerId, (entry = { member, sockets: new Set() }));
      this.registry?.connected(member.peerId);
    }
    const { sockets } = entry;
    sockets.add(ws);
    ws.on('close', () => {
      sockets.delete(ws);
      if (sockets.size === 0 && this.peers.get(member.peerId)?.sockets === sockets) {
        this.peers.delete(member.peerId);
        this.registry?.disconnected(member.peerId);
      }
    });
  }

  /** The peer's newest open socket: the one `peer` relays to (a reconnect replaces the older). */
  current(peerId: string): WebSocket | undefined {
    const sockets = [...(this.peers.get(peerId)?.sockets ?? [])];
    return sockets.reverse().find((ws) => ws.readyState === ws.OPEN);
  }

  /** A connected peer. */
  member(peerId: string): PeerMember | undefined {
    return this.peers.get(peerId)?.member;
  }

  isConnected(peerId: string): boolean {
    return this.peers.has(peerId);
  }

  /** Control passed: the cached role follows (the gate tells reps from customers by it). */
  setRole(peerId: string, role: Role): void {
    const entry = this.peers.get(peerId);
    if (entry) entry.member.role = role;
  }

  /** The participant is out of the session: drop what it still sends, and close. */
  leave(peerId: string): void {
    const entry = this.peers.get(peerId);
    if (!entry) return;
    entry.member.left = true;
    for (const ws of entry.sockets) closeSocket(ws, 'Not in the session');
  }

  /** Closes the sockets of every connected peer that matches. */
  closeWhere(matches: (member: PeerMember) => boolean, reason: string): void {
    for (const { member, sockets } of this.peers.values()) if (matches(member)) for (const ws of sockets) closeSocket(ws, reason);
  }

  closeAll(): void {
    for (const { sockets } of this.peers.values()) for (const ws of sockets) ws.terminate();
    for (const peerId of this.peers.keys()) this.registry?.disconnected(peerId);
    this.peers.clear();
  }
}

/** Closes with a reason; a client that does not answer the close handshake is cut anyway. */
export function closeSocket(ws: WebSocket, reason: string): void {
  ws.close(1008, reason);
  setTimeout(() => ws.terminate(), 1000).unref();
}
