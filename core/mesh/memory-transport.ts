import {
  BINARY_LOW_WATER,
  type BinaryLink,
  type DataLink,
  type MediaLink,
  type PeerTransport,
  type TransportStatus,
} from './transport';

type Listener<T = void> = (value: T) => void;

/** One end of a connection between two memory peers: its listeners and whether it is open. */
interface Side {
  remote: string;
  open: boolean;
  closed: boolean;
  listeners: { open: Listener[]; data: Listener<unknown>[]; close: Listener[]; drain: Listener[] };
  /** Binary links: bytes handed over and not yet delivered. */
  buffered: number;
}

const side = (remote: string): Side => ({
  remote,
  open: false,
  closed: false,
  listeners: { open: [], data: [], close: [], drain: [] },
  buffered: 0,
});

/**
 * An in-memory network of peers for fast tests of the mesh and everything above it: JSON links, labelled
 * binary channels with a send queue that drains a tick later (so backpressure code runs), and media calls
 * carrying stand-in streams both ways. Links open on the next tick; `goOffline` drops a peer as a closed
 * tab would, `silence` as a dead network would.
 */
export function createMemoryNetwork(options: { tap?(from: string, to: string, message: unknown): void } = {}) {
  const peers = new Map<string, ReturnType<typeof endpoint>>();
  /** Peers whose network died silently: their links stay "open" but nothing gets through. */
  const silent = new Set<string>();
  const cut = (a: Side, b: Side) => silent.has(a.remote) || silent.has(b.remote);

  /** Two ends that open together on the next tick and close together. `mine.remote` is the far peer. */
  function pair(a: string, b: string): [Side, Side] {
    const sa = side(b);
    const sb = side(a);
    setTimeout(() => {
      if (sa.closed || sb.closed) return;
      for (const s of [sa, sb]) {
        s.open = true;
        s.listeners.open.forEach((l) => l());
      }
    }, 0);
    return [sa, sb];
  }

  function closeBoth(mine: Side, theirs: Side): void {
    for (const s of [mine, theirs]) {
      if (s.closed) continue;
      s.closed = true;
      s.open = false;
      queueMicrotask(() => s.listeners.close.forEach((l) => l()));
    }
  }

  function dataLink(mine: Side, theirs: Side): DataLink {
    return {
      remotePeerId: mine.remote,
      get isOpen() {
        return mine.open;
      },
      send: (message) => {
        if (!mine.open || cut(mine, theirs)) return;
        const copy = structuredClone(message);
        options.tap?.(theirs.remote, mine.remote, copy);
        queueMicrotask(() => theirs.open && theirs.listeners.data.forEach((l) => l(copy)));
      },
      close: () => closeBoth(mine, theirs),
      onOpen: (l) => void mine.listeners.open.push(l),
      onData: (l) => void mine.listeners.data.push(l),
      onClose: (l) => void mine.listeners.close.push(l),
    };
  }

  function binaryLink(mine: Side, theirs: Side, label: string): BinaryLink {
    return {
      remotePeerId: mine.remote,
      label,
      get isOpen() {
        return mine.open;
      },
      get bufferedAmount() {
        return mine.buffered;
      },
      send: (chunk) => {
        if (!mine.open || cut(mine, theirs)) return;
        const copy = chunk.slice(0);
        mine.buffered += copy.byteLength;
        // Delivered a tick later, like a real channel's queue: a sender that does not wait sees it grow.
        setTimeout(() => {
          const before = mine.buffered;
          mine.buffered -= copy.byteLength;
          if (before > BINARY_LOW_WATER && mine.buffered <= BINARY_LOW_WATER) mine.listeners.drain.forEach((l) => l());
          if (theirs.open) theirs.listeners.data.forEach((l) => l(copy));
        }, 0);
      },
      close: () => closeBoth(mine, theirs),
      onOpen: (l) => void mine.listeners.open.push(l),
      onData: (l) => void mine.listeners.data.push(l as Listener<unknown>),
      onDrain: (l) => void mine.listeners.drain.push(l),
      onClose: (l) => void mine.listeners.close.push(l),
    };
  }

  /** A call: the callee's end waits for answer(); then each side gets the other's stream, if it sent one. */
  function mediaPair(caller: string, callee: string, stream: MediaStream, metadata: unknown): [MediaLink, MediaLink] {
    const [mine, theirs] = [side(callee), side(caller)];
    const streams = { mine: [] as Listener<MediaStream>[], theirs: [] as Listener<MediaStream>[] };
    const make = (s: Side, other: Side, own: Listener<MediaStream>[], onAnswer?: (answer?: MediaStream) => void): MediaLink => ({
      remotePeerId: s.remote,
      metadata: structuredClone(metadata),
      answer: (answer) => onAnswer?.(answer),
      close: () => closeBoth(s, other),
      onStream: (l) => void own.push(l),
      onClose: (l) => void s.listeners.close.push(l),
    });
    const outgoing = make(mine, theirs, streams.mine);
    const incoming = make(theirs, mine, streams.theirs, (answer) => {
      if (mine.closed || theirs.closed) return;
      queueMicrotask(() => {
        if (mine.closed) return;
        streams.theirs.forEach((l) => l(stream));
        if (answer) streams.mine.forEach((l) => l(answer));
      });
    });
    return [outgoing, incoming];
  }

  function endpoint(peerId: string) {
    const listeners = {
      connection: [] as Listener<DataLink>[],
      binary: [] as Listener<BinaryLink>[],
      call: [] as Listener<MediaLink>[],
      status: [] as Listener<TransportStatus>[],
      unavailable: [] as Listener<string>[],
    };
    const closers = new Set<() => void>();
    /** Dials `remote`; `make` builds both ends, `deliver` hands the far end to its listeners. */
    function dial<T extends { close(): void }>(
      remote: string,
      make: (mine: Side, theirs: Side) => [T, T],
      deliver: (target: ReturnType<typeof endpoint>, link: T) => void,
    ): T {
      const target = peers.get(remote);
      const [sa, sb] = pair(peerId, remote);
      const [mine, theirs] = make(sa, sb);
      closers.add(() => mine.close());
      if (!target) {
        queueMicrotask(() => listeners.unavailable.forEach((l) => l(remote)));
        return mine;
      }
      target.closers.add(() => theirs.close());
      queueMicrotask(() => deliver(target, theirs));
      return mine;
    }
    const transport: PeerTransport = {
      connect: (remote) =>
        dial(
          remote,
          (a, b) => [dataLink(a, b), dataLink(b, a)],
          (t, link) => t.listeners.connection.forEach((l) => l(link)),
        ),
      connectBinary: (remote, label) =>
        dial(
          remote,
          (a, b) => [binaryLink(a, b, label), binaryLink(b, a, label)],
          (t, link) => t.listeners.binary.forEach((l) => l(link)),
        ),
      call(remote, stream, metadata) {
        const target = peers.get(remote);
        const [outgoing, incoming] = mediaPair(peerId, remote, stream, metadata);
        closers.add(() => outgoing.close());
        if (!target) {
          queueMicrotask(() => outgoing.close());
          return outgoing;
        }
        target.closers.add(() => incoming.close());
        queueMicrotask(() => target.listeners.call.forEach((l) => l(incoming)));
        return outgoing;
      },
      onConnection: (l) => void listeners.connection.push(l),
      onBinaryConnection: (l) => void listeners.binary.push(l),
      onCall: (l) => void listeners.call.push(l),
      onStatus: (l) => void listeners.status.push(l),
      onUnavailable: (l) => void listeners.unavailable.push(l),
      destroy: () => goOffline(peerId),
    };
    return { transport, listeners, closers };
  }

  function goOffline(peerId: string): void {
    const peer = peers.get(peerId);
    peers.delete(peerId);
    peer?.closers.forEach((close) => close());
  }

  return {
    /** A peer's transport; it reports 'open' on the next tick, as a PeerServer would. */
    join(peerId: string): PeerTransport {
      const peer = endpoint(peerId);
      peers.set(peerId, peer);
      setTimeout(() => peer.listeners.status.forEach((l) => l('open')), 0);
      return peer.transport;
    },
    goOffline,
    /** The peer's network dies without a word: no close reaches anyone, messages just stop. */
    silence: (peerId: string) => void silent.add(peerId),
  };
}

/** A stand-in MediaStream for memory tests: an id and no tracks. */
export function fakeMediaStream(id: string): MediaStream {
  return { id, getTracks: () => [], getVideoTracks: () => [], getAudioTracks: () => [] } as unknown as MediaStream;
}
