import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { whenWritable } from '../../../core/mesh/backpressure';
import { createMemoryNetwork, fakeMediaStream } from '../../../core/mesh/memory-transport';
import { createMesh, MAX_BINARY_CHANNELS_PER_PEER, type Mesh, type MeshOptions } from '../../../core/mesh/mesh';
import type { BinaryLink, MediaLink } from '../../../core/mesh/transport';
import type { CallKind, MeshMessage } from '../../../core/protocol';
import { A, B, C, meshesDestroyedAfterEach, tick, until } from './mesh-support';

const meshes: Mesh[] = meshesDestroyedAfterEach();

function member(
  net: ReturnType<typeof createMemoryNetwork>,
  me: typeof A,
  roster: (typeof A)[],
  takeChannels = true,
  extra: Partial<MeshOptions> = {},
) {
  const received: MeshMessage[] = [];
  const channels: BinaryLink[] = [];
  const calls: MediaLink[] = [];
  const kinds: CallKind[] = [];
  const linkCloses: string[] = [];
  const mesh = createMesh({
    ...extra,
    transport: net.join(me.peerId),
    selfPeerId: me.peerId,
    reconnectPolicy: () => 5,
    onMessage: (_from, m) => received.push(m),
    onLinkOpen: () => undefined,
    onLinkClose: (from) => void linkCloses.push(from),
    onCall: (_from, call, kind) => {
      calls.push(call);
      kinds.push(kind);
    },
    ...(takeChannels ? { onChannel: (_from: string, link: BinaryLink) => void channels.push(link) } : {}),
  });
  mesh.setRoster(roster);
  meshes.push(mesh);
  return { mesh, received, channels, calls, kinds, linkCloses };
}

async function linked(net: ReturnType<typeof createMemoryNetwork>, takeChannels = true, bOptions: Partial<MeshOptions> = {}) {
  const a = member(net, A, [A, B]);
  await tick();
  const b = member(net, B, [A, B], takeChannels, bOptions);
  await until(() => a.mesh.isOpen(B.participantId) && b.mesh.isOpen(A.participantId));
  return { a, b };
}

const sha = (chunks: ArrayBuffer[]) => {
  const hash = createHash('sha256');
  chunks.forEach((c) => hash.update(new Uint8Array(c)));
  return hash.digest('hex');
};

describe('binary channels beside the JSON link', () => {
  it('carries 8 MB intact with backpressure, while the JSON link keeps carrying messages', async () => {
    const net = createMemoryNetwork();
    const { a, b } = await linked(net);
    const out = a.mesh.openChannel(B.participantId, 'file:transfer-0001')!;
    await new Promise<void>((resolve) => out.onOpen(resolve));
    await until(() => b.channels.length === 1);
    const incoming = b.channels[0]!;
    expect(incoming.label).toBe('file:transfer-0001');
    const got: ArrayBuffer[] = [];
    incoming.onData((chunk) => got.push(chunk));

    const sent: ArrayBuffer[] = [];
    let waits = 0;
    let peak = 0;
    for (let i = 0; i < 128; i++) {
      const chunk = new Uint8Array(64 * 1024).map((_, j) => (i * 31 + j) & 0xff).buffer;
      if (out.bufferedAmount > 1024 * 1024) waits++;
      await whenWritable(out);
      out.send(chunk);
      sent.push(chunk);
      peak = Math.max(peak, out.bufferedAmount);
      if (i % 32 === 0) a.mesh.send(B.participantId, { type: 'share', sharing: false });
    }
    await until(() => got.length === 128);
    expect(sha(got)).toBe(sha(sent));
    expect(waits).toBeGreaterThan(0); // the sender did wait for the queue to drain
    expect(peak).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
    // The JSON link is still the one link: open, carrying messages.
    expect(b.received.filter((m) => m.type === 'share')).toHaveLength(4);
    expect(a.mesh.isOpen(B.participantId) && b.mesh.isOpen(A.participantId)).toBe(true);
    expect([...a.linkCloses, ...b.linkCloses]).toEqual([]);
  });

  it('refuses channels from outside the roster, with odd labels, without a taker, and beyond the allowance', async () => {
    const net = createMemoryNetwork();
    const { a, b } = await linked(net);
    const before = b.mesh.droppedCount;
    // A stranger (not on B's roster) dials B directly.
    const stranger = net.join(C.peerId);
    await tick();
    const fromStranger = stranger.connectBinary(B.peerId, 'file:transfer-0002');
    let strangerClosed = false;
    fromStranger.onClose(() => (strangerClosed = true));
    // Labels a binary channel may not have: refused by A's mesh before dialing, and by B when forced.
    expect(a.mesh.openChannel(B.participantId, 'exec:rm-rf-slash')).toBeUndefined();
    expect(a.mesh.openChannel(C.participantId, 'file:transfer-0003')).toBeUndefined(); // not on A's roster
    const forged = net.join('pDDDDDDDDDDDDDDDDDDDDDDDD');
    await tick();
    forged.connectBinary(B.peerId, 'file:x');
    const opened = Array.from({ length: MAX_BINARY_CHANNELS_PER_PEER }, (_, i) =>
      a.mesh.openChannel(B.participantId, `file:transfer-10${i}0`),
    );
    expect(opened.every(Boolean)).toBe(true);
    expect(a.mesh.openChannel(B.participantId, 'file:transfer-9999')).toBeUndefined();
    await until(() => b.channels.length === MAX_BINARY_CHANNELS_PER_PEER);
    await until(() => strangerClosed);
    expect(b.mesh.droppedCount - before).toBe(2);

    // Without a taker (no activity owns channels) every channel is closed.
    const net2 = createMemoryNetwork();
    const quiet = await linked(net2, false);
    const refused = quiet.a.mesh.openChannel(B.participantId, 'file:transfer-0004')!;
    let closed = false;
    refused.onClose(() => (closed = true));
    await until(() => closed);
  });

  it('closes a channel that carries an oversized chunk, and every channel of a peer who leaves the roster', async () => {
    const net = createMemoryNetwork();
    const { a, b } = await linked(net);
    const big = a.mesh.openChannel(B.participantId, 'file:transfer-0005')!;
    const other = a.mesh.openChannel(B.participantId, 'file:transfer-0006')!;
    await new Promise<void>((resolve) => big.onOpen(resolve));
    const closed: string[] = [];
    big.onClose(() => closed.push('big'));
    other.onClose(() => closed.push('other'));
    big.send(new ArrayBuffer(300 * 1024));
    await until(() => closed.includes('big'));
    expect(closed).toEqual(['big']);
    b.mesh.setRoster([B]); // A left
    await until(() => closed.includes('other'));
  });

  it('lets go of a channel that never opens, so it does not hold one of the peer’s places', async () => {
    const net = createMemoryNetwork();
    // A channel whose offer was lost: it neither opens nor closes by itself.
    const lost = (remotePeerId: string, label: string, closers: (() => void)[] = []): BinaryLink => ({
      remotePeerId,
      label,
      isOpen: false,
      bufferedAmount: 0,
      send: () => undefined,
      close: () => closers.splice(0).forEach((l) => l()),
      onOpen: () => undefined,
      onData: () => undefined,
      onDrain: () => undefined,
      onClose: (l) => void closers.push(l),
    });
    const mesh = createMesh({
      transport: { ...net.join(A.peerId), connectBinary: (peerId, label) => lost(peerId, label) },
      selfPeerId: A.peerId,
      dialTimeoutMs: 20,
      onMessage: () => undefined,
      onLinkOpen: () => undefined,
      onLinkClose: () => undefined,
      onCall: () => undefined,
    });
    meshes.push(mesh);
    mesh.setRoster([A, B]);
    for (let i = 0; i < MAX_BINARY_CHANNELS_PER_PEER; i++) mesh.openChannel(B.participantId, `file:lost-000${i}`);
    expect(mesh.openChannel(B.participantId, 'file:lost-0009')).toBeUndefined();
    await until(() => mesh.openChannel(B.participantId, 'file:lost-0010') !== undefined);
  });

  it('closes a channel whose peer sends faster than the byte rate, and keeps the budget across channels', async () => {
    const net = createMemoryNetwork();
    const { a, b } = await linked(net, true, { binaryRate: { bytesPerSecond: 1024, burst: 256 * 1024 } });
    const first = a.mesh.openChannel(B.participantId, 'file:transfer-0007')!;
    await new Promise<void>((resolve) => first.onOpen(resolve));
    let closed = 0;
    first.onClose(() => closed++);
    for (let i = 0; i < 4; i++) first.send(new ArrayBuffer(64 * 1024)); // the whole burst: still fine
    await until(() => b.channels.length === 1);
    await tick();
    expect(closed).toBe(0);
    first.send(new ArrayBuffer(64 * 1024));
    await until(() => closed === 1);
    // A fresh channel does not bring a fresh allowance.
    const second = a.mesh.openChannel(B.participantId, 'file:transfer-0008')!;
    await new Promise<void>((resolve) => second.onOpen(resolve));
    second.onClose(() => closed++);
    second.send(new ArrayBuffer(64 * 1024));
    await until(() => closed === 2);
    expect(a.mesh.isOpen(B.participantId)).toBe(true); // the JSON link is not the channels' casualty
  });
});

describe('media calls both ways, in memory', () => {
  it('the caller gets the answer’s stream and the callee the caller’s; the kind travels in the metadata', async () => {
    const net = createMemoryNetwork();
    const { a, b } = await linked(net);
    const call = a.mesh.call(B.participantId, fakeMediaStream('a-voice'), { kind: 'voice' })!;
    const heard: string[] = [];
    call.onStream((s) => heard.push(`a hears ${s.id}`));
    await until(() => b.calls.length === 1);
    const incoming = b.calls[0]!;
    expect(incoming.metadata).toEqual({ kind: 'voice' });
    incoming.onStream((s) => heard.push(`b hears ${s.id}`));
    incoming.answer(fakeMediaStream('b-voice'));
    await until(() => heard.length === 2);
    expect(heard.sort()).toEqual(['a hears b-voice', 'b hears a-voice']);
    let ended = false;
    incoming.onClose(() => (ended = true));
    call.close();
    await until(() => ended);
  });

  it('hands each call with its kind, several at once, and refuses a call whose metadata names no known kind', async () => {
    const net = createMemoryNetwork();
    const { a, b } = await linked(net);
    a.mesh.call(B.participantId, fakeMediaStream('a-screen'), { kind: 'screen' });
    a.mesh.call(B.participantId, fakeMediaStream('a-camera'), { kind: 'camera' });
    await until(() => b.calls.length === 2);
    expect(b.kinds.sort()).toEqual(['camera', 'screen']);
    const before = b.mesh.droppedCount;
    // PeerJS relays whatever metadata a peer attaches: an unknown kind never reaches a taker.
    const odd = a.mesh.call(B.participantId, fakeMediaStream('a-odd'), { kind: 'keylogger' } as never)!;
    let refused = false;
    odd.onClose(() => (refused = true));
    await until(() => refused);
    expect(b.calls).toHaveLength(2);
    expect(b.mesh.droppedCount - before).toBe(1);
  });
});
