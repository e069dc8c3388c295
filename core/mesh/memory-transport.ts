import type { DataLink, MediaLink, PeerTransport, TransportStatus } from './transport';

/**
 * An in-memory network of peers for fast tests of the mesh and everything above it. Links open on the
 * next microtask; `goOffline` drops a peer as a closed tab would.
 */
export function createMemoryNetwork(options: { tap?(from: string, to: string, message: unknown): void } = {}) {
  const peers = new Map<string, ReturnType<typeof endpoint>>();
  /** Peers whose network died silently: their links stay "open" but nothing gets through. */
  const silent = new Set<string>();

  function linkPair(a: string, b: string): [DataLink, DataLink] {
    const sides = [a, b].map((remote) => {
      const listeners = { open: [] as (() => void)[], data: [] as ((d: unknown) => void)[], close: [] as (() => void)[] };
      return { remote, listeners, open: false, closed: false };
    });
    const [sa, sb] = sides as [(typeof sides)[0], (typeof sides)[0]];
    const make = (mine: typeof sa, theirs: typeof sa): DataLink => ({
      remotePeerId: mine.remote,
      get isOpen() {
        return mine.open;
      },
      send: (message) => {
        if (!mine.open || silent.has(mine.remote) || silent.has(theirs.remote)) return;
        const copy = structuredClone(message);
        options.tap?.(theirs.remote, mine.remote, copy);
        queueMicrotask(() => theirs.open && theirs.listeners.data.forEach((l) => l(copy)));
      },
      close: () => {
        for (const s of [mine, theirs]) {
          if (s.closed) continue;
          s.closed = true;
          s.open = false;
          queueMicrotask(() => s.listeners.close.forEach((l) => l()));
        }
      },
      onOpen: (l) => void mine.listeners.open.push(l),
      onData: (l) => void mine.listeners.data.push(l),
      onClose: (l) => void mine.listeners.close.push(l),
    });
    const open = () => {
      for (const s of [sa, sb]) {
        if (s.closed) return;
      }
      for (const s of [sa, sb]) {
        s.open = true;
        s.listeners.open.forEach((l) => l());
      }
    };
    setTimeout(open, 0);
    // sa sees b as remote, sb sees a as remote
    return [make(sb, sa), make(sa, sb)];
  }

  function endpoint(peerId: string) {
    const listeners = {
      connection: [] as ((l: DataLink) => void)[],
      status: [] as ((s: TransportStatus) => void)[],
      unavailable: [] as ((p: string) => void)[],
    };
    const links = new Set<DataLink>();
    const transport: PeerTransport = {
      connect(remote) {
        const target = peers.get(remote);
        const [mine, theirs] = linkPair(peerId, remote);
        links.add(mine);
        if (!target) {
          queueMicrotask(() => listeners.unavailable.forEach((l) => l(remote)));
          return mine;
        }
        target.links.add(theirs);
        queueMicrotask(() => target.listeners.connection.forEach((l) => l(theirs)));
        return mine;
      },
      call(): MediaLink {
        throw new Error('media is not simulated in memory');
      },
      onConnection: (l) => void listeners.connection.push(l),
      onCall: () => undefined,
      onStatus: (l) => void listeners.status.push(l),
      onUnavailable: (l) => void listeners.unavailable.push(l),
      destroy: () => goOffline(peerId),
    };
    return { transport, listeners, links };
  }

  function goOffline(peerId: string): void {
    const peer = peers.get(peerId);
    peers.delete(peerId);
    peer?.links.forEach((l) => l.close());
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
