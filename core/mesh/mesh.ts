import * as v from 'valibot';
import { BinaryChannelLabel, CallMetadata, type CallKind, MESH_HEARTBEAT, MeshMessage } from '../protocol';
import { defaultReconnectPolicy, type ReconnectPolicy } from '../reconnect';
import { createTokenBucket, type TokenBucket } from '../token-bucket';
import type { BinaryLink, DataLink, MediaLink, PeerTransport } from './transport';

export interface MeshPeer {
  participantId: string;
  peerId: string;
}

export interface MeshEvents {
  /** A valid message from a roster participant. */
  onMessage(participantId: string, message: MeshMessage): void;
  /** The reliable link to `participantId` is open (first time or again after a reconnect). */
  onLinkOpen(participantId: string): void;
  onLinkClose(participantId: string): void;
  /** An incoming media call from a roster participant (not yet answered), with the kind its metadata names. */
  onCall(participantId: string, call: MediaLink, kind: CallKind): void;
  /** `participantId` sends faster than the rate allows; their excess is being dropped. Once per participant. */
  onFlood?(participantId: string): void;
  /** A roster participant opened a labelled binary channel to us (files); without a taker it is closed. */
  onChannel?(participantId: string, link: BinaryLink): void;
}

/** Binary channels open at once with one peer, both directions; more are refused. */
export const MAX_BINARY_CHANNELS_PER_PEER = 4;
/** The largest chunk a binary channel carries; a bigger one closes the channel (Chrome's own limit is 256 KB). */
export const MAX_BINARY_CHUNK = 256 * 1024;
/**
 * Bytes one peer may send us over all its binary channels: a burst and a sustained rate well above what a
 * LAN transfer reaches (~12 MB/s measured between two Chromium pages), so only a flood meets it; a channel
 * over it is closed. What a transfer may total is its activity's business (the announced file size).
 */
export const DEFAULT_BINARY_RATE = { bytesPerSecond: 64 * 1024 * 1024, burst: 64 * 1024 * 1024 } as const;

/**
 * What a peer may send: chat messages at a sustained rate with a burst (a reconnect's resend), and the
 * rest (acknowledgements, heartbeats, share news — a conversation at full speed is as many acks as
 * messages) at ten times that.
 */
export const DEFAULT_PEER_RATE = { perSecond: 20, burst: 50 } as const;
const CONTROL_RATE_FACTOR = 10;
/**
 * History sync: requests, and pages (up to 14 kB each), each with a budget of its own (a rep both asks
 * its peers and answers them), so a long history neither starves acknowledgements nor lets a peer that
 * keeps asking make us send more than ~0.5 MB/s.
 */
export const DEFAULT_HISTORY_RATE = { perSecond: 40, burst: 80 } as const;
/** Links from one unknown peer held while the roster catches up; more are refused at once. */
const MAX_WAITING_PER_PEER = 2;
/** Unknown peers whose links may be held at once. */
const MAX_WAITING_PEERS = 8;

export interface MeshOptions extends MeshEvents {
  transport: PeerTransport;
  selfPeerId: string;
  reconnectPolicy?: ReconnectPolicy;
  /** How long an unknown peer's connection may wait for the roster to catch up before it is refused. */
  unknownPeerGraceMs?: number;
  /** How long a dial may stay unanswered before it is abandoned. */
  dialTimeoutMs?: number;
  /** Per-peer message rate; the excess is dropped and counted. */
  rate?: { perSecond: number; burst: number };
  /** Per-peer rate of history requests and pages, apart from the rest. */
  historyRate?: { perSecond: number; burst: number };
  /** Per-peer byte rate over binary channels; a channel over it is closed and counted. */
  binaryRate?: { bytesPerSecond: number; burst: number };
  /** Heartbeat on every open link; a link silent for `deadAfterMs` is closed (and redialed). */
  heartbeat?: { intervalMs: number; deadAfterMs: number };
  now?: () => number;
}

interface Link {
  data: DataLink;
  outgoing: boolean;
  /** When anything last arrived on this link (or when it opened). */
  lastHeard: number;
}

/**
 * Keeps one reliable data link to every other participant on the roster (a full mesh: sessions are a
 * handful of people), and only to them.
 *
 * Who dials: a peer that comes (back) online dials everyone it has no link to, and keeps redialing (with
 * backoff) until the link opens or the peer leaves the roster; after an open link drops, the side with the
 * smaller peer id redials. When both dial at once, the link dialed by the smaller id wins.
 * An incoming link replaces an open one: the remote restarted and its old link is dead.
 */
export function createMesh(options: MeshOptions) {
  const { transport, selfPeerId } = options;
  const policy = options.reconnectPolicy ?? defaultReconnectPolicy;
  const graceMs = options.unknownPeerGraceMs ?? 10_000;
  const dialTimeoutMs = options.dialTimeoutMs ?? 15_000;
  const rate = options.rate ?? DEFAULT_PEER_RATE;
  const historyRate = options.historyRate ?? DEFAULT_HISTORY_RATE;
  const heartbeat = options.heartbeat ?? MESH_HEARTBEAT;
  const now = options.now ?? Date.now;
  const roster = new Map<string, string>(); // peerId → participantId
  const links = new Map<string, Link>(); // peerId → current link
  const waitingForRoster = new Map<string, DataLink[]>();
  const redialAttempts = new Map<string, number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  /** Per peer id, across its links: reconnecting must not refill a flooder's allowance. */
  const buckets = new Map<string, Record<'chat' | 'control' | 'history' | 'history-request', TokenBucket>>();
  const flooding = new Set<string>();
  /** Binary channels per peer id, both directions: closed with the peer's place on the roster. */
  const channels = new Map<string, Set<BinaryLink>>();
  /** Per peer id, like `buckets`: a new channel must not refill a flooder's byte allowance. */
  const byteBuckets = new Map<string, TokenBucket>();
  const binaryRate = options.binaryRate ?? DEFAULT_BINARY_RATE;
  let transportOpen = false;
  let destroyed = false;
  let dropped = 0;
  let rateDropped = 0;

  /** Takes a token for a message from `peerId` (chat, history or the rest, told by a peek at its type). */
  const allowed = (peerId: string, raw: unknown) => {
    let bucket = buckets.get(peerId);
    if (!bucket) {
      const control = (n: number) => n * CONTROL_RATE_FACTOR;
      bucket = {
        chat: createTokenBucket(rate.perSecond, rate.burst, now),
        control: createTokenBucket(control(rate.perSecond), control(rate.burst), now),
        history: createTokenBucket(historyRate.perSecond, historyRate.burst, now),
        'history-request': createTokenBucket(historyRate.perSecond, historyRate.burst, now),
      };
      buckets.set(peerId, bucket);
    }
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    const own = type === 'chat' || type === 'history' || type === 'history-request' ? type : 'control';
    return bucket[own].take();
  };

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!destroyed) fn();
    }, ms);
    timers.add(timer);
  };

  function adopt(peerId: string, data: DataLink, outgoing: boolean): void {
    const link: Link = { data, outgoing, lastHeard: now() };
    links.get(peerId)?.data.close();
    links.set(peerId, link);
    const isCurrent = () => links.get(peerId) === link;
    let everOpened = false;
    const opened = () => {
      if (!isCurrent()) return;
      everOpened = true;
      link.lastHeard = now();
      redialAttempts.delete(peerId);
      const participantId = roster.get(peerId);
      if (participantId) options.onLinkOpen(participantId);
    };
    if (data.isOpen) queueMicrotask(opened);
    else data.onOpen(opened);
    data.onData((raw) => {
      link.lastHeard = now();
      const participantId = roster.get(peerId);
      if (!isCurrent() || !participantId) return void dropped++;
      // Before parsing: a flood costs a counter, not a validation and a render each.
      if (!allowed(peerId, raw)) {
        dropped++;
        rateDropped++;
        if (!flooding.has(participantId)) {
          flooding.add(participantId);
          options.onFlood?.(participantId);
        }
        return;
      }
      const parsed = v.safeParse(MeshMessage, raw);
      if (!parsed.success) return void dropped++;
      if (parsed.output.type === 'heartbeat') return;
      options.onMessage(participantId, parsed.output);
    });
    data.onClose(() => {
      if (!isCurrent()) return;
      links.delete(peerId);
      const participantId = roster.get(peerId);
      if (!participantId) return;
      if (everOpened) options.onLinkClose(participantId);
      // A dropped link is redialed by one side only; a dial that never opened, by the dialer: the other
      // side may never have heard of it.
      if (selfPeerId < peerId || (outgoing && !everOpened)) scheduleRedial(peerId);
    });
    if (outgoing) {
      later(dialTimeoutMs, () => {
        if (isCurrent() && !data.isOpen) data.close();
      });
    }
  }

  function peerIdOf(participantId: string): string | undefined {
    for (const [peerId, pid] of roster) if (pid === participantId) return peerId;
    return undefined;
  }

  function openLinkOf(participantId: string): DataLink | undefined {
    const peerId = peerIdOf(participantId);
    const data = peerId === undefined ? undefined : links.get(peerId)?.data;
    return data?.isOpen ? data : undefined;
  }

  function dial(peerId: string): void {
    if (destroyed || !transportOpen || links.has(peerId) || !roster.has(peerId)) return;
    adopt(peerId, transport.connect(peerId), true);
  }

  /**
   * Dials `peerId` now, giving up a dial of ours that is still unanswered: it went out while one side
   * could not hear it (the PeerServer keeps no lost offers), and waiting out its timeout and the backoff
   * leaves the link down for half a minute. An open link, or one the other side is making, is left alone.
   */
  function redialNow(peerId: string): void {
    const link = links.get(peerId);
    if (link && (link.data.isOpen || !link.outgoing)) return;
    if (link) {
      links.delete(peerId); // no longer current: its close schedules nothing
      link.data.close();
    }
    redialAttempts.delete(peerId);
    dial(peerId);
  }

  function scheduleRedial(peerId: string): void {
    const attempt = redialAttempts.get(peerId) ?? 0;
    redialAttempts.set(peerId, attempt + 1);
    later(policy(attempt), () => dial(peerId));
  }

  function acceptIncoming(data: DataLink): void {
    const peerId = data.remotePeerId;
    const existing = links.get(peerId);
    // Both dialed at once: the link dialed by the smaller peer id wins, on both sides alike.
    if (existing && existing.outgoing && !existing.data.isOpen && selfPeerId < peerId) {
      data.close();
      return;
    }
    adopt(peerId, data, false);
  }

  transport.onConnection((data) => {
    if (roster.has(data.remotePeerId)) return acceptIncoming(data);
    // The broker's roster event may still be on its way: hold the link briefly, then refuse it. Only a
    // few, so strangers cannot make us hold connections open.
    const waiting = waitingForRoster.get(data.remotePeerId) ?? [];
    if (waiting.length >= MAX_WAITING_PER_PEER || (waiting.length === 0 && waitingForRoster.size >= MAX_WAITING_PEERS)) {
      dropped++;
      data.close();
      return;
    }
    waiting.push(data);
    waitingForRoster.set(data.remotePeerId, waiting);
    later(graceMs, () => {
      if (waitingForRoster.get(data.remotePeerId)?.includes(data)) {
        waitingForRoster.delete(data.remotePeerId);
        dropped++;
        data.close();
      }
    });
  });

  /** Counts a binary channel against its peer's allowance (false: over it) and forgets it once closed. */
  function track(peerId: string, link: BinaryLink): boolean {
    const open = channels.get(peerId) ?? new Set<BinaryLink>();
    if (open.size >= MAX_BINARY_CHANNELS_PER_PEER) return false;
    channels.set(peerId, open.add(link));
    link.onClose(() => {
      open.delete(link);
      if (open.size === 0 && channels.get(peerId) === open) channels.delete(peerId);
    });
    return true;
  }

  function bytesAllowed(peerId: string, bytes: number): boolean {
    let bucket = byteBuckets.get(peerId);
    if (!bucket) byteBuckets.set(peerId, (bucket = createTokenBucket(binaryRate.bytesPerSecond, binaryRate.burst, now)));
    return bucket.take(bytes);
  }

  function closeChannels(peerId: string): void {
    const open = channels.get(peerId);
    channels.delete(peerId);
    open?.forEach((link) => link.close());
  }

  transport.onBinaryConnection((link) => {
    const participantId = roster.get(link.remotePeerId);
    if (!participantId || !options.onChannel || !v.is(BinaryChannelLabel, link.label) || !track(link.remotePeerId, link)) {
      dropped++;
      return link.close();
    }
    // A chunk bigger than any sender of ours makes, or bytes faster than a LAN carries them, are someone
    // else's doing: the channel goes.
    link.onData((chunk) => {
      if (chunk.byteLength <= MAX_BINARY_CHUNK && bytesAllowed(link.remotePeerId, chunk.byteLength)) return;
      dropped++;
      link.close();
    });
    options.onChannel(participantId, link);
  });

  transport.onCall((call) => {
    const participantId = roster.get(call.remotePeerId);
    // Only roster peers call, and only with a kind we know: its taker is chosen by it.
    const metadata = v.safeParse(CallMetadata, call.metadata);
    if (!participantId || !metadata.success) {
      dropped++;
      call.close();
      return;
    }
    options.onCall(participantId, call, metadata.output.kind);
  });

  // Heartbeat: say we are here on every open link, and let go of links that went silent (a closed
  // browser or a dead network can take WebRTC half a minute to notice; presence must be true within 10 s).
  const beat = setInterval(() => {
    const t = now();
    for (const link of links.values()) {
      if (!link.data.isOpen) continue;
      if (t - link.lastHeard > heartbeat.deadAfterMs) link.data.close();
      else link.data.send({ type: 'heartbeat' });
    }
  }, heartbeat.intervalMs);

  transport.onStatus((status) => {
    transportOpen = status === 'open';
    // Back at the PeerServer (a broker restart, a dropped socket): what was dialed meanwhile was lost.
    if (transportOpen) for (const peerId of roster.keys()) redialNow(peerId);
  });

  transport.onUnavailable((peerId) => {
    const link = links.get(peerId);
    if (link?.outgoing && !link.data.isOpen) link.data.close();
  });

  return {
    /** Replace the roster: links to peers no longer on it close; new peers are accepted (they dial us). */
    setRoster(peers: readonly MeshPeer[]): void {
      const next = new Map(peers.filter((p) => p.peerId !== selfPeerId).map((p) => [p.peerId, p.participantId]));
      for (const [peerId, link] of links) {
        if (!next.has(peerId)) {
          links.delete(peerId);
          link.data.close();
        }
      }
      for (const peerId of [...channels.keys()]) if (!next.has(peerId)) closeChannels(peerId);
      roster.clear();
      for (const [peerId, participantId] of next) roster.set(peerId, participantId);
      for (const [peerId, waiting] of waitingForRoster) {
        if (!roster.has(peerId)) continue;
        waitingForRoster.delete(peerId);
        waiting.forEach(acceptIncoming);
      }
    },
    /** Dial everyone on the roster without a link (after coming online). */
    dialAll(): void {
      for (const peerId of roster.keys()) dial(peerId);
    },
    /**
     * The broker hears `participantId` again (back after a reload or a broker restart): a dial of ours
     * still waiting for an answer went out while they could not hear it (the PeerServer keeps no lost
     * offers), so dial again now instead of waiting out the dial's timeout and the backoff.
     */
    reachOut(participantId: string): void {
      const peerId = peerIdOf(participantId);
      if (peerId !== undefined) redialNow(peerId);
    },
    isOpen(participantId: string): boolean {
      return openLinkOf(participantId) !== undefined;
    },
    /**
     * Someone else says `participantId` is gone (the broker lost their socket): unless their link has
     * carried something within one heartbeat (and some slack), let it go now rather than after the
     * dead time. A live peer's heartbeat proves them wrong; a closed browser says nothing.
     */
    suspect(participantId: string): void {
      const peerId = peerIdOf(participantId);
      const link = peerId === undefined ? undefined : links.get(peerId);
      if (!peerId || !link?.data.isOpen) return;
      const limit = heartbeat.intervalMs + 1000;
      const check = () => {
        if (links.get(peerId) === link && link.data.isOpen && now() - link.lastHeard > limit) link.data.close();
      };
      const quiet = now() - link.lastHeard;
      if (quiet > limit) check();
      else later(limit - quiet + 50, check);
    },
    send(participantId: string, message: MeshMessage): boolean {
      const link = openLinkOf(participantId);
      link?.send(message);
      return link !== undefined;
    },
    broadcast(message: MeshMessage): void {
      for (const link of links.values()) if (link.data.isOpen) link.data.send(message);
    },
    /**
     * Opens a labelled binary channel to a roster participant, beside their JSON link; undefined when they
     * are not on the roster, the label is not a binary channel's, or too many are open with them already.
     */
    openChannel(participantId: string, label: string): BinaryLink | undefined {
      const peerId = peerIdOf(participantId);
      if (peerId === undefined || destroyed || !v.is(BinaryChannelLabel, label)) return undefined;
      if ((channels.get(peerId)?.size ?? 0) >= MAX_BINARY_CHANNELS_PER_PEER) return undefined;
      const link = transport.connectBinary(peerId, label);
      track(peerId, link);
      // An offer lost on the way (refused by a guard, the peer gone) never opens nor closes: let it go, or
      // it holds one of the peer's channel places for good.
      later(dialTimeoutMs, () => !link.isOpen && link.close());
      return link;
    },
    call(participantId: string, stream: MediaStream, metadata: CallMetadata): MediaLink | undefined {
      const peerId = peerIdOf(participantId);
      return peerId === undefined ? undefined : transport.call(peerId, stream, metadata);
    },
    /** Messages dropped because they were malformed, came from outside the roster, or over the rate. */
    get droppedCount() {
      return dropped;
    },
    /** Of those, the ones over a peer's rate. */
    get rateDroppedCount() {
      return rateDropped;
    },
    destroy(): void {
      destroyed = true;
      clearInterval(beat);
      timers.forEach(clearTimeout);
      for (const link of links.values()) link.data.close();
      links.clear();
      for (const peerId of [...channels.keys()]) closeChannels(peerId);
      transport.destroy();
    },
  };
}

export type Mesh = ReturnType<typeof createMesh>;
