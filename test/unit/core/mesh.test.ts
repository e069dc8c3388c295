import { describe, expect, it } from 'vitest';
import { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import { createMesh, type Mesh } from '../../../core/mesh/mesh';
import type { MeshMessage } from '../../../core/protocol';
import type { PeerTransport, TransportStatus } from '../../../core/mesh/transport';
import { A, B, C, meshesDestroyedAfterEach, tick, until } from './mesh-support';

const meshes: Mesh[] = meshesDestroyedAfterEach();

function member(
  net: ReturnType<typeof createMemoryNetwork>,
  me: typeof A,
  roster: (typeof A)[],
  options: Partial<Parameters<typeof createMesh>[0]> = {},
) {
  const received: [string, MeshMessage][] = [];
  const opened: string[] = [];
  const closed: string[] = [];
  const floods: string[] = [];
  const mesh: Mesh = createMesh({
    transport: net.join(me.peerId),
    selfPeerId: me.peerId,
    reconnectPolicy: () => 5,
    unknownPeerGraceMs: 50,
    onMessage: (from, m) => received.push([from, m]),
    onLinkOpen: (p) => opened.push(p),
    onLinkClose: (p) => closed.push(p),
    onCall: () => undefined,
    onFlood: (p) => floods.push(p),
    ...options,
  });
  mesh.setRoster(roster);
  meshes.push(mesh);
  return { mesh, received, opened, closed, floods };
}

describe('mesh', () => {
  it('links everyone on the roster and delivers valid messages', async () => {
    const net = createMemoryNetwork();
    const a = member(net, A, [A, B]);
    await tick();
    const b = member(net, B, [A, B]);
    await until(() => a.mesh.isOpen(B.participantId) && b.mesh.isOpen(A.participantId));
    b.mesh.send(A.participantId, { type: 'share', sharing: true });
    await until(() => a.received.length > 0);
    expect(a.received).toEqual([[B.participantId, { type: 'share', sharing: true }]]);
  });

  it('drops and counts malformed messages', async () => {
    const net = createMemoryNetwork();
    const a = member(net, A, [A, B]);
    await tick();
    const b = member(net, B, [A, B]);
    await until(() => b.mesh.isOpen(A.participantId));
    b.mesh.broadcast({ type: 'evil' } as unknown as MeshMessage);
    b.mesh.broadcast({ type: 'share', sharing: false });
    await until(() => a.received.length > 0);
    expect(a.mesh.droppedCount).toBe(1);
  });

  it('refuses peers that are not on the roster', async () => {
    const net = createMemoryNetwork();
    const a = member(net, A, [A, B]);
    await tick();
    const c = member(net, C, [A, C]); // C thinks it may talk to A; A's roster says otherwise
    await tick();
    await new Promise((r) => setTimeout(r, 100));
    expect(c.mesh.isOpen(A.participantId)).toBe(false);
    expect(a.opened).toEqual([]);
  });

  it('accepts a newcomer whose roster event arrives after its dial', async () => {
    const net = createMemoryNetwork();
    const a = member(net, A, [A]);
    await tick();
    const b = member(net, B, [A, B]);
    await tick();
    a.mesh.setRoster([A, B]); // the broker's participant-joined event, a little late
    await until(() => a.mesh.isOpen(B.participantId) && b.mesh.isOpen(A.participantId));
  });

  it('reconnects after the other side restarts (e.g. a reloaded page)', async () => {
    const net = createMemoryNetwork();
    const a = member(net, A, [A, B]);
    await tick();
    let b = member(net, B, [A, B]);
    await until(() => a.mesh.isOpen(B.participantId));
    b.mesh.destroy();
    await until(() => !a.mesh.isOpen(B.participantId));
    b = member(net, B, [A, B]);
    await until(() => a.mesh.isOpen(B.participantId) && b.mesh.isOpen(A.participantId));
    expect(a.opened.filter((p) => p === B.participantId).length).toBe(2);
  });

  it('keeps dialing someone who is not online yet, and links when they come', async () => {
    const net = createMemoryNetwork();
    const b = member(net, B, [A, B]); // B (the larger id) is first; A is not online
    await new Promise((r) => setTimeout(r, 30));
    expect(b.mesh.isOpen(A.participantId)).toBe(false);
    // A comes online but, as after a lost dial, does not dial B itself: B's retries must get through.
    const a = createMesh({
      transport: net.join(A.peerId),
      selfPeerId: A.peerId,
      onMessage: () => undefined,
      onLinkOpen: () => undefined,
      onLinkClose: () => undefined,
      onCall: () => undefined,
    });
    meshes.push(a);
    a.setRoster([]); // A has not heard of B yet either
    await new Promise((r) => setTimeout(r, 10));
    a.setRoster([A, B]);
    await until(() => b.mesh.isOpen(A.participantId) && a.isOpen(B.participantId));
  });

  /**
   * A knows of B but does not dial (it came online before B was on its roster), and B's first dial is lost
   * on the way (sent while A's PeerServer socket was down): it never opens, and times out only after a
   * minute. `transportBack` says the PeerServer connection is up again, as PeerJS does after a reconnect.
   */
  async function lostFirstDial() {
    const net = createMemoryNetwork();
    const a = member(net, A, []);
    await tick();
    a.mesh.setRoster([A, B]);
    const real = net.join(B.peerId);
    const statusListeners: ((status: TransportStatus) => void)[] = [];
    let dials = 0;
    const transport: PeerTransport = {
      ...real,
      onStatus: (listener) => (statusListeners.push(listener), real.onStatus(listener)),
      connect(remote: string) {
        if (dials++ > 0) return real.connect(remote);
        return {
          remotePeerId: remote,
          isOpen: false,
          send: () => undefined,
          close: () => undefined,
          onOpen: () => undefined,
          onData: () => undefined,
          onClose: () => undefined,
        };
      },
    };
    const b = createMesh({
      transport,
      selfPeerId: B.peerId,
      dialTimeoutMs: 60_000,
      onMessage: () => undefined,
      onLinkOpen: () => undefined,
      onLinkClose: () => undefined,
      onCall: () => undefined,
    });
    meshes.push(b);
    b.setRoster([A, B]);
    await until(() => dials === 1);
    await tick();
    expect(b.isOpen(A.participantId)).toBe(false);
    const linked = () => b.isOpen(A.participantId) && a.mesh.isOpen(B.participantId);
    return { b, linked, transportBack: () => statusListeners.forEach((l) => l('open')) };
  }

  it('dials again at once when the broker hears a peer again whose dial of ours went unanswered', async () => {
    const { b, linked } = await lostFirstDial();
    b.reachOut(A.participantId);
    await until(linked);
    // An open link is left alone.
    b.reachOut(A.participantId);
    await tick();
    expect(b.isOpen(A.participantId)).toBe(true);
  });

  it('dials again at once when its PeerServer connection comes back (what it dialed meanwhile was lost)', async () => {
    const { transportBack, linked } = await lostFirstDial();
    transportBack();
    await until(linked);
  });

  it('closes the link to someone removed from the roster', async () => {
    const net = createMemoryNetwork();
    const a = member(net, A, [A, B]);
    await tick();
    const b = member(net, B, [A, B]);
    await until(() => a.mesh.isOpen(B.participantId));
    a.mesh.setRoster([A]);
    await until(() => !b.mesh.isOpen(A.participantId));
  });

  it('drops a chat flood beyond the per-peer rate before parsing it, and says so once', async () => {
    const net = createMemoryNetwork();
    const a = member(net, A, [A, B], { rate: { perSecond: 20, burst: 50 } });
    await tick();
    const b = member(net, B, [A, B]);
    await until(() => b.mesh.isOpen(A.participantId));
    const chat = (i: number) => ({ type: 'chat', id: `flood-${i}-xxxx`, text: 'x', sentAt: 1, thread: 'all' }) as MeshMessage;
    for (let i = 0; i < 3000; i++) b.mesh.send(A.participantId, chat(i));
    await until(() => a.mesh.droppedCount >= 2900);
    const accepted = a.received.length;
    expect(accepted).toBeGreaterThanOrEqual(50);
    expect(accepted).toBeLessThan(100); // the burst, and what the rate refilled meanwhile
    expect(a.mesh.rateDroppedCount).toBe(3000 - accepted);
    expect(a.floods).toEqual([B.participantId]);
  });

  it('acknowledgements and other control messages have ten times the chat budget', async () => {
    const net = createMemoryNetwork();
    const a = member(net, A, [A, B], { rate: { perSecond: 20, burst: 50 } });
    await tick();
    const b = member(net, B, [A, B]);
    await until(() => b.mesh.isOpen(A.participantId));
    for (let i = 0; i < 400; i++) b.mesh.send(A.participantId, { type: 'chat-ack', id: `ack-${i}-xxxxx` });
    await until(() => a.received.length === 400);
    expect(a.mesh.rateDroppedCount).toBe(0);
  });

  it('history requests and pages each have a budget of their own: a flood of requests is cut, pages and acknowledgements still pass', async () => {
    const net = createMemoryNetwork();
    const a = member(net, A, [A, B], { historyRate: { perSecond: 40, burst: 80 } });
    await tick();
    const b = member(net, B, [A, B]);
    await until(() => b.mesh.isOpen(A.participantId));
    for (let i = 0; i < 1000; i++) b.mesh.send(A.participantId, { type: 'history-request', id: `ask-${i}-xxxxx` });
    for (let i = 0; i < 100; i++) b.mesh.send(A.participantId, { type: 'chat-ack', id: `ack-${i}-xxxxx` });
    for (let i = 0; i < 50; i++)
      b.mesh.send(A.participantId, { type: 'history', id: `page-${i}-xxxx`, entries: [], more: false });
    await until(() => a.received.filter(([, m]) => m.type === 'chat-ack').length === 100);
    await until(() => a.received.filter(([, m]) => m.type === 'history').length === 50);
    const asks = a.received.filter(([, m]) => m.type === 'history-request').length;
    expect(asks).toBeGreaterThanOrEqual(80);
    expect(asks).toBeLessThan(120);
    expect(a.mesh.rateDroppedCount).toBe(1000 - asks);
  });

  it('heartbeats keep a quiet link up, and a link whose peer went silent is let go within the dead time', async () => {
    const net = createMemoryNetwork();
    // Windows a loaded machine's pause cannot trip (an 80 ms dead time could, while the link was quiet).
    const heartbeat = { intervalMs: 100, deadAfterMs: 1_000 };
    const a = member(net, A, [A, B], { heartbeat });
    await tick();
    const b = member(net, B, [A, B], { heartbeat });
    await until(() => a.mesh.isOpen(B.participantId));
    await new Promise((r) => setTimeout(r, 1_500)); // quiet but alive: heartbeats flow, nothing closes
    expect(a.closed).toEqual([]);
    expect(a.received).toEqual([]); // heartbeats are the mesh's own business
    net.silence(B.peerId); // B's network dies without a close
    await until(() => a.closed.includes(B.participantId));
    expect(a.mesh.isOpen(B.participantId)).toBe(false);
    void b;
  });

  it('holds only a few links from strangers while the roster catches up', async () => {
    const net = createMemoryNetwork();
    const a = member(net, A, [A], { unknownPeerGraceMs: 10_000 });
    await tick();
    const stranger = net.join(C.peerId);
    await tick();
    const links = Array.from({ length: 5 }, () => stranger.connect(A.peerId));
    await tick();
    expect(links.filter((l) => l.isOpen).length).toBeLessThanOrEqual(2);
    expect(a.mesh.droppedCount).toBeGreaterThanOrEqual(3);
  });

  it('a peer the broker says is gone is let go within a heartbeat when its link is silent, and kept when it is not', async () => {
    const net = createMemoryNetwork();
    const heartbeat = { intervalMs: 50, deadAfterMs: 10_000 };
    const a = member(net, A, [A, B, C], { heartbeat });
    await tick();
    member(net, B, [A, B, C], { heartbeat });
    member(net, C, [A, B, C], { heartbeat });
    await until(() => a.mesh.isOpen(B.participantId) && a.mesh.isOpen(C.participantId));
    net.silence(B.peerId);
    await new Promise((r) => setTimeout(r, 120));
    a.mesh.suspect(B.participantId); // B's browser is gone: silent for longer than a beat
    a.mesh.suspect(C.participantId); // C only lost its broker socket: its heartbeats still come
    await until(() => a.closed.includes(B.participantId));
    await new Promise((r) => setTimeout(r, 1200));
    expect(a.mesh.isOpen(C.participantId)).toBe(true);
  });
});
