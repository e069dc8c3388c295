import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { createFiles, MAX_PENDING_OFFERS, type Files } from '../../../core/files/files-activity';
import { answerFrame, chunkFrame, readFrame } from '../../../core/files/frames';
import { MAX_STORE_FAULTS } from '../../../core/files/incoming';
import { sanitizeFileName } from '../../../core/files/names';
import { memoryFileStore, storageName, type FileStore } from '../../../core/files/store';
import { CHUNK_SIZE } from '../../../core/files/transfer';
import { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import { createMesh, type Mesh } from '../../../core/mesh/mesh';
import type { BinaryLink } from '../../../core/mesh/transport';
import type { FileOffer, MeshMessage, Role } from '../../../core/protocol';
import { A, B, C, meshesDestroyedAfterEach, tick, until, type Member } from './mesh-support';

const meshes: Mesh[] = meshesDestroyedAfterEach();
const ROSTER = [A, B, C];
/** MAX_FILE_MB in these tests. */
const LIMIT = 32 * 1024 * 1024;
type Net = ReturnType<typeof createMemoryNetwork>;

/** A participant running the files activity over the in-memory mesh, as the runtime wires it. */
function participant(
  net: Net,
  me: Member,
  roles: Record<string, Role>,
  options: {
    store?: FileStore;
    maxFileBytes?: number;
    stallMs?: number;
    /** Fault injection: the receiving end of each incoming channel, as the activity gets it. */
    channels?: (link: BinaryLink) => BinaryLink;
    /** Fault injection: a message this participant sends that is lost on the way (true). */
    loses?: (message: MeshMessage) => boolean;
  } = {},
) {
  const store = options.store ?? memoryFileStore();
  // The mesh's events reach the activity made just after it (as in the runtime).
  const late: { files?: Files } = {};
  const mesh = createMesh({
    transport: net.join(me.peerId),
    selfPeerId: me.peerId,
    reconnectPolicy: () => 5,
    onMessage: (from, message) => late.files?.receive(from, message),
    onLinkOpen: (from) => late.files?.linkOpened(from),
    onLinkClose: (from) => late.files?.participantGone(from),
    onCall: (_from, call) => call.close(),
    onChannel: (from, link) => late.files?.incomingChannel(from, options.channels ? options.channels(link) : link),
  });
  mesh.setRoster(ROSTER);
  meshes.push(mesh);
  const files = (late.files = createFiles({
    selfId: me.participantId,
    selfRole: roles[me.participantId]!,
    sessionId: 'session-0001',
    roleOf: (id) => roles[id],
    others: () => ROSTER.map((p) => p.participantId).filter((id) => id !== me.participantId && roles[id]),
    controllerId: () => Object.keys(roles).find((id) => roles[id] === 'controller'),
    send: (to, message) => (options.loses?.(message) ? true : mesh.send(to, message)),
    openChannel: (to, label) => mesh.openChannel(to, label),
    maxFileBytes: options.maxFileBytes ?? LIMIT,
    store,
    publishMs: 0,
    stallMs: options.stallMs,
  }));
  void files.load();
  return { mesh, files, store, me, dispose: () => (files.dispose(), mesh.destroy()) };
}

/** A participant that speaks the protocol by hand: whatever a hostile page could send. */
function rawPeer(net: Net, me: Member) {
  const received: MeshMessage[] = [];
  const channels: BinaryLink[] = [];
  const mesh = createMesh({
    transport: net.join(me.peerId),
    selfPeerId: me.peerId,
    reconnectPolicy: () => 5,
    onMessage: (_from, message) => received.push(message),
    onLinkOpen: () => undefined,
    onLinkClose: () => undefined,
    onCall: (_from, call) => call.close(),
    onChannel: (_from, link) => void channels.push(link),
  });
  mesh.setRoster(ROSTER);
  meshes.push(mesh);
  return { mesh, received, channels };
}

const bytesOf = (size: number, seed = 1) => {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + seed * 7 + (i >> 11)) & 0xff;
  return data;
};
const fileOf = (name: string, data: Uint8Array) =>
  new File([data as Uint8Array<ArrayBuffer>], name, { type: 'application/octet-stream', lastModified: 1 });
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
/** Waits until the store holds no sidecar (the receiver let go of what it had). */
async function keptNothing(store: FileStore): Promise<void> {
  while ((await store.list()).length > 0) await tick();
}
const view = (files: Files, name: string) => files.transfers.value.find((t) => t.name === name);
/** The receiver is asked about `name` and says yes. */
async function accepted(receiver: Files, name: string): Promise<void> {
  await until(() => view(receiver, name)?.state === 'incoming');
  await receiver.accept(view(receiver, name)!.key);
}
/** Both ends of `name` are done: the sender's verdict is in, the receiver's copy is checked. */
const bothDone = (receiver: Files, sender: Files, name: string) =>
  until(() => view(receiver, name)?.state === 'done' && view(sender, name)?.state === 'done');
/** The SHA-256 of what the receiver hands over for `name`, read back from its disk. */
async function savedSha(receiver: Files, name: string): Promise<string> {
  const saved = await receiver.file(view(receiver, name)!.key);
  return sha(new Uint8Array(await saved.arrayBuffer()));
}

const ROLES: Record<string, Role> = {
  [A.participantId]: 'controller',
  [B.participantId]: 'customer',
  [C.participantId]: 'customer',
};

type Options = Parameters<typeof participant>[3];

async function repAndCustomer(roles = ROLES, options: { rep?: Options; customer?: Options } = {}) {
  const net = createMemoryNetwork();
  const rep = participant(net, A, roles, options.rep);
  await tick();
  const customer = participant(net, B, roles, options.customer);
  await until(() => rep.mesh.isOpen(B.participantId) && customer.mesh.isOpen(A.participantId));
  return { net, rep, customer };
}

/** The offer a hostile sender makes: plausible, with whatever it wants to lie about. */
const offer = (changes: Partial<FileOffer> = {}): FileOffer => ({
  type: 'file-offer',
  id: 'hostile-0001',
  name: 'x.bin',
  size: 3 * CHUNK_SIZE,
  mime: '',
  chunkSize: CHUNK_SIZE,
  key: 'a'.repeat(64),
  ...changes,
});

/** A customer, and a hostile page in the session as an assisting rep (whose offers a customer may take). */
async function customerWithHostileRep() {
  const net = createMemoryNetwork();
  const customer = participant(net, B, { ...ROLES, [C.participantId]: 'assistant' });
  const hostile = rawPeer(net, C);
  await until(() => hostile.mesh.isOpen(B.participantId));
  return { customer, hostile };
}

describe('files between participants (issue 14)', () => {
  it('a rep sends a file to a customer who accepts it: it lands on their disk intact and both sides see it checked', async () => {
    const { rep, customer } = await repAndCustomer();
    const data = bytesOf(5 * CHUNK_SIZE + 1234);
    const results = await rep.files.send([fileOf('report.pdf', data)], B.participantId);
    expect(results).toEqual([{ name: 'report.pdf', ok: true, count: 1 }]);
    await until(() => view(customer.files, 'report.pdf')?.state === 'incoming');
    // Nothing moves before the customer says yes.
    expect(view(rep.files, 'report.pdf')?.state).toBe('offered');
    await customer.files.accept(view(customer.files, 'report.pdf')!.key);
    await bothDone(customer.files, rep.files, 'report.pdf');
    const saved = await customer.files.file(view(customer.files, 'report.pdf')!.key);
    expect(sha(new Uint8Array(await saved.arrayBuffer()))).toBe(sha(data));
    expect(saved.name).toBe('report.pdf');
    expect(view(rep.files, 'report.pdf')!.bytes).toBe(data.byteLength);
    // The same file again: the customer has it, checked; the verdict comes at once, nothing is sent.
    await rep.files.send([fileOf('report.pdf', data)], B.participantId);
    await until(() => rep.files.transfers.value.filter((t) => t.name === 'report.pdf' && t.state === 'done').length === 2);
    expect(rep.files.transfers.value.reduce((bytes, t) => bytes + t.wireBytes, 0)).toBe(data.byteLength);
  });

  it('a customer sends only to the controller; a declined offer is told to the sender', async () => {
    const { rep, customer } = await repAndCustomer();
    expect(customer.files.targets.value).toEqual([A.participantId]);
    await customer.files.send([fileOf('photo.jpg', bytesOf(1000))], 'all');
    await until(() => view(rep.files, 'photo.jpg')?.state === 'incoming');
    await rep.files.decline(view(rep.files, 'photo.jpg')!.key);
    await until(() => view(customer.files, 'photo.jpg')?.state === 'failed');
    expect(view(customer.files, 'photo.jpg')!.failure).toBe('declined');
  });

  it('either side cancels: the other is told, and the receiver keeps nothing', async () => {
    const { rep, customer } = await repAndCustomer();
    await rep.files.send([fileOf('big.bin', bytesOf(100 * CHUNK_SIZE))], B.participantId);
    await accepted(customer.files, 'big.bin');
    await until(() => (view(customer.files, 'big.bin')?.bytes ?? 0) > 0);
    await customer.files.cancel(view(customer.files, 'big.bin')!.key);
    await until(() => view(rep.files, 'big.bin')?.state === 'failed');
    expect(view(rep.files, 'big.bin')!.failure).toBe('peer-cancelled');
    expect(view(customer.files, 'big.bin')!.failure).toBe('cancelled');
    await keptNothing(customer.store);
    // The same file sent again is a new question: what was cancelled never resumes unasked.
    await rep.files.send([fileOf('big.bin', bytesOf(100 * CHUNK_SIZE))], B.participantId);
    await until(() => customer.files.transfers.value.some((t) => t.name === 'big.bin' && t.state === 'incoming'));
  });

  it('a file over MAX_FILE_MB is refused before it is offered; an offer over the receiver’s limit is declined by itself', async () => {
    const { rep, customer } = await repAndCustomer();
    const big = { size: LIMIT + 1, name: 'huge.iso' } as File;
    expect(await rep.files.send([big], B.participantId)).toEqual([{ name: 'huge.iso', ok: false, reason: 'too-large' }]);
    expect(rep.files.transfers.value).toHaveLength(0);
    // A sender whose page ignores the limit: the receiver says no without asking anyone.
    rep.mesh.send(B.participantId, offer({ size: LIMIT + 1 }));
    await until(() => view(customer.files, 'x.bin')?.failure === 'too-large');
  });

  it('a customer never gets a file from another customer, nor a channel from someone it accepted nothing from', async () => {
    const net = createMemoryNetwork();
    const customer = participant(net, B, ROLES);
    const other = rawPeer(net, C);
    await until(() => other.mesh.isOpen(B.participantId));
    other.mesh.send(B.participantId, offer());
    const channel = other.mesh.openChannel(B.participantId, 'file:hostile-0001')!;
    await until(() => customer.files.droppedCount >= 2);
    await until(() => !channel.isOpen);
    expect(customer.files.transfers.value).toHaveLength(0);
  });

  it('hostile peers: malformed and oversized messages are dropped, a flood of offers asks at most a few times', async () => {
    const { customer, hostile } = await customerWithHostileRep();
    const before = customer.mesh.droppedCount;
    const bad = [
      { ...offer(), size: -1 },
      { ...offer(), size: 1e20 },
      { ...offer(), id: '../../../etc' },
      { ...offer(), name: 'n'.repeat(10_000) },
      { ...offer(), chunkSize: 1 },
      { ...offer(), key: 'not-hex' },
      { type: 'file-accept', id: 'hostile-0001', have: -5 },
      { type: 'file-done', id: 'hostile-0001', sha256: 'zz' },
      { type: 'file-cancel', id: 'hostile-0001', reason: 'because' },
    ];
    // Raw sends past the typed API, as a modified page would.
    for (const message of bad) hostile.mesh.send(B.participantId, message as unknown as MeshMessage);
    await until(() => customer.mesh.droppedCount >= before + bad.length);
    expect(customer.files.transfers.value).toHaveLength(0);

    for (let i = 0; i < 100; i++)
      hostile.mesh.send(
        B.participantId,
        offer({ id: `flood-${String(i).padStart(4, '0')}`, key: i.toString(16).padStart(64, '0') }),
      );
    await until(() => hostile.received.filter((m) => m.type === 'file-decline').length >= 100 - MAX_PENDING_OFFERS);
    expect(customer.files.transfers.value.filter((t) => t.state === 'incoming')).toHaveLength(MAX_PENDING_OFFERS);
  });

  it('a sender that sends wrong chunks is caught by the hash: asked again, then the transfer fails and nothing is kept', async () => {
    const { customer, hostile } = await customerWithHostileRep();
    hostile.mesh.send(B.participantId, offer());
    await accepted(customer.files, 'x.bin');
    await until(() => hostile.received.some((m) => m.type === 'file-accept'));
    const channel = hostile.mesh.openChannel(B.participantId, 'file:hostile-0001')!;
    const answers: string[] = [];
    channel.onData((data) => answers.push(readFrame(data)!.kind));
    await new Promise<void>((resolve) => channel.onOpen(resolve));
    const payload = bytesOf(CHUNK_SIZE);
    const wrongHash = new Uint8Array(32).fill(7);
    // Asked again after each of the first two; the third time it gives up.
    for (let i = 1; i <= 2; i++) {
      channel.send(chunkFrame(0, wrongHash, payload));
      await until(() => answers.length === i);
    }
    expect(answers).toEqual(['nack', 'nack']);
    channel.send(chunkFrame(0, wrongHash, payload));
    await until(() => view(customer.files, 'x.bin')?.state === 'failed');
    expect(view(customer.files, 'x.bin')!.failure).toBe('damaged');
    expect(hostile.received.some((m) => m.type === 'file-cancel' && m.reason === 'damaged')).toBe(true);
    await until(() => !channel.isOpen);
  });

  it('a sender that lies about the size (more bytes, a chunk past the end, a wrong length) is stopped by the limit', async () => {
    for (const lie of ['past-end', 'long-chunk', 'hash-ok-but-whole-file-wrong'] as const) {
      const { customer, hostile } = await customerWithHostileRep();
      hostile.mesh.send(B.participantId, offer({ size: 2 * CHUNK_SIZE }));
      await accepted(customer.files, 'x.bin');
      const channel = hostile.mesh.openChannel(B.participantId, 'file:hostile-0001')!;
      await new Promise<void>((resolve) => channel.onOpen(resolve));
      const send = async (index: number, payload: Uint8Array) =>
        channel.send(
          chunkFrame(index, new Uint8Array(await crypto.subtle.digest('SHA-256', payload as Uint8Array<ArrayBuffer>)), payload),
        );
      if (lie === 'past-end') await send(2, bytesOf(CHUNK_SIZE));
      if (lie === 'long-chunk') await send(0, bytesOf(CHUNK_SIZE + 10));
      if (lie === 'hash-ok-but-whole-file-wrong') {
        await send(0, bytesOf(CHUNK_SIZE));
        await send(1, bytesOf(CHUNK_SIZE));
        hostile.mesh.send(B.participantId, { type: 'file-done', id: 'hostile-0001', sha256: 'b'.repeat(64) });
      }
      await until(() => view(customer.files, 'x.bin')?.state === 'failed');
      expect(view(customer.files, 'x.bin')!.failure).toBe(lie === 'hash-ok-but-whole-file-wrong' ? 'hash' : 'protocol');
      await keptNothing(customer.store);
      for (const m of meshes.splice(0)) m.destroy();
    }
  });

  it('a forged cancel (another participant naming my transfer) changes nothing; chunks after a cancel are refused', async () => {
    const { net, rep, customer } = await repAndCustomer({ ...ROLES, [C.participantId]: 'assistant' });
    const hostile = rawPeer(net, C);
    await until(() => hostile.mesh.isOpen(B.participantId));
    await rep.files.send([fileOf('doc.txt', bytesOf(3 * CHUNK_SIZE))], B.participantId);
    await until(() => view(customer.files, 'doc.txt')?.state === 'incoming');
    const id = view(customer.files, 'doc.txt')!.id;
    hostile.mesh.send(B.participantId, { type: 'file-cancel', id, reason: 'cancelled' });
    hostile.mesh.send(A.participantId, { type: 'file-decline', id });
    await tick();
    expect(view(customer.files, 'doc.txt')!.state).toBe('incoming');
    expect(view(rep.files, 'doc.txt')!.state).toBe('offered');
    // The customer declines; a channel with that id afterwards (from the rep's page or anyone) is closed.
    await customer.files.decline(view(customer.files, 'doc.txt')!.key);
    const late = rep.mesh.openChannel(B.participantId, `file:${id}`)!;
    let closed = false;
    late.onClose(() => (closed = true));
    late.onOpen(() => late.send(chunkFrame(0, new Uint8Array(32), bytesOf(CHUNK_SIZE))));
    await until(() => closed);
    expect(await customer.store.list()).toHaveLength(0);
  });

  it('a receiver that reloads resumes from its disk: only the missing chunks are sent, and the hash matches', async () => {
    const net = createMemoryNetwork();
    const rep = participant(net, A, ROLES);
    await tick();
    const store = memoryFileStore();
    let customer = participant(net, B, ROLES, { store });
    await until(() => rep.mesh.isOpen(B.participantId) && customer.mesh.isOpen(A.participantId));
    const data = bytesOf(200 * CHUNK_SIZE + 17, 3);
    await rep.files.send([fileOf('movie.mp4', data)], B.participantId);
    await accepted(customer.files, 'movie.mp4');
    await until(() => (view(customer.files, 'movie.mp4')?.bytes ?? 0) >= 60 * CHUNK_SIZE);
    customer.dispose();
    await until(() => view(rep.files, 'movie.mp4')?.state === 'paused');
    await new Promise((r) => setTimeout(r, 300)); // the sidecar's last write
    customer = participant(net, B, ROLES, { store });
    await bothDone(customer.files, rep.files, 'movie.mp4');
    const sent = view(rep.files, 'movie.mp4')!;
    expect(sent.resumedFrom).toBeGreaterThanOrEqual(50 * CHUNK_SIZE);
    expect(sent.wireBytes).toBeLessThanOrEqual(data.byteLength + 2 * 32 * CHUNK_SIZE);
    expect(await savedSha(customer.files, 'movie.mp4')).toBe(sha(data));
  });

  it('a sender that reloads is asked for the file again; only the same file goes on, from where the receiver is', async () => {
    const net = createMemoryNetwork();
    const repStore = memoryFileStore();
    let rep = participant(net, A, ROLES, { store: repStore });
    await tick();
    const customer = participant(net, B, ROLES);
    await until(() => rep.mesh.isOpen(B.participantId) && customer.mesh.isOpen(A.participantId));
    const data = bytesOf(150 * CHUNK_SIZE, 9);
    await rep.files.send([fileOf('setup.exe', data)], B.participantId);
    await accepted(customer.files, 'setup.exe');
    await until(() => (view(customer.files, 'setup.exe')?.bytes ?? 0) >= 40 * CHUNK_SIZE);
    rep.dispose();
    await until(() => view(customer.files, 'setup.exe')?.state === 'paused');
    rep = participant(net, A, ROLES, { store: repStore });
    await until(() => view(rep.files, 'setup.exe')?.state === 'needs-file');
    const key = view(rep.files, 'setup.exe')!.key;
    expect(await rep.files.repick(key, fileOf('setup.exe', bytesOf(150 * CHUNK_SIZE, 10)))).toBe(false);
    expect(await rep.files.repick(key, fileOf('setup.exe', data))).toBe(true);
    await until(() => view(rep.files, 'setup.exe')?.state === 'done' && view(customer.files, 'setup.exe')?.state === 'done');
    expect(view(rep.files, 'setup.exe')!.resumedFrom).toBeGreaterThanOrEqual(30 * CHUNK_SIZE);
    expect(await savedSha(customer.files, 'setup.exe')).toBe(sha(data));
    // Done: the sender's record is gone, so the next reload asks for nothing.
    while ((await repStore.list()).some((m) => m.to !== undefined)) await tick();
  });

  it('a stop (control change) ends transfers on both sides; the same file sent again resumes without asking', async () => {
    const { rep, customer } = await repAndCustomer();
    const data = bytesOf(200 * CHUNK_SIZE, 5);
    const file = fileOf('logs.zip', data);
    await rep.files.send([file], B.participantId);
    await accepted(customer.files, 'logs.zip');
    await until(() => (view(customer.files, 'logs.zip')?.bytes ?? 0) >= 40 * CHUNK_SIZE);
    const reason = { kind: 'control', from: A.participantId, to: C.participantId } as const;
    rep.files.stop(reason);
    customer.files.stop(reason);
    expect(rep.files.running.value).toBe(false);
    await until(() => view(customer.files, 'logs.zip')?.state === 'failed');
    expect(view(customer.files, 'logs.zip')!.failure).toBe('stopped');
    expect(view(rep.files, 'logs.zip')!.stopReason).toEqual(reason);
    await new Promise((r) => setTimeout(r, 300));
    expect((await customer.store.list())[0]?.have).toBeGreaterThan(0);
    await rep.files.send([file], B.participantId);
    await until(() => rep.files.transfers.value.filter((t) => t.name === 'logs.zip').some((t) => t.state === 'done'));
    const again = rep.files.transfers.value.find((t) => t.name === 'logs.zip' && t.state === 'done')!;
    expect(again.resumedFrom).toBeGreaterThan(0);
    const saved = await customer.files.file(
      customer.files.transfers.value.find((t) => t.name === 'logs.zip' && t.state === 'done')!.key,
    );
    expect(sha(new Uint8Array(await saved.arrayBuffer()))).toBe(sha(data));
  });
});

/**
 * A channel end that loses the `nth` frame it receives, once: what a frame lost on the way (or dropped by
 * a receiver that no longer took that channel for its own) looks like, with the channel still open.
 */
function losing(nth: number) {
  let seen = 0;
  return (link: BinaryLink): BinaryLink => ({
    ...link,
    get isOpen() {
      return link.isOpen;
    },
    get bufferedAmount() {
      return link.bufferedAmount;
    },
    onData: (listener) => link.onData((data) => void (++seen !== nth && listener(data))),
  });
}

describe('a transfer that stops moving heals itself', () => {
  it('a chunk lost on an open channel: the sender offers again after a quiet spell, the receiver says what it has, the file arrives intact', async () => {
    const { rep, customer } = await repAndCustomer(ROLES, { rep: { stallMs: 300 }, customer: { channels: losing(3) } });
    const data = bytesOf(8 * CHUNK_SIZE + 99);
    await rep.files.send([fileOf('lost.bin', data)], B.participantId);
    await accepted(customer.files, 'lost.bin');
    // Before, chunk 2 never came, the receiver waited for it and the sender for a verdict: stuck for good.
    await bothDone(customer.files, rep.files, 'lost.bin');
    expect(await savedSha(customer.files, 'lost.bin')).toBe(sha(data));
    // Resumed from what the receiver had: only chunk 2 onwards went again, not the whole file.
    expect(view(rep.files, 'lost.bin')!.resumedFrom).toBe(2 * CHUNK_SIZE);
  });

  it('a re-offer in the middle of a transfer (the link was replaced under load) while the receiver’s disk is slow: it answers and the file completes', async () => {
    // A disk whose writes wait until let go: chunks pile up on the receiver's chain, as on a loaded machine.
    const disk = memoryFileStore();
    const held: (() => void)[] = [];
    let holding = true;
    const slow: FileStore = {
      ...disk,
      write: (name, offset, bytes) =>
        new Promise<void>((resolve) => (holding ? held.push(resolve) : resolve())).then(() => disk.write(name, offset, bytes)),
    };
    const { rep, customer } = await repAndCustomer(ROLES, { rep: { stallMs: 60_000 }, customer: { store: slow } });
    const data = bytesOf(12 * CHUNK_SIZE + 7);
    await rep.files.send([fileOf('slow.bin', data)], B.participantId);
    await accepted(customer.files, 'slow.bin');
    await until(() => held.length > 0);
    // What the mesh does when a link to the peer opens again: every unfinished transfer is offered anew.
    rep.files.linkOpened(B.participantId);
    holding = false;
    held.splice(0).forEach((go) => go());
    await bothDone(customer.files, rep.files, 'slow.bin');
    expect(await savedSha(customer.files, 'slow.bin')).toBe(sha(data));
  });

  it('the receiver’s first yes is lost: the offer goes again after a quiet spell and the answer with it', async () => {
    let lost = 0;
    const { rep, customer } = await repAndCustomer(ROLES, {
      rep: { stallMs: 300 },
      customer: { loses: (m) => m.type === 'file-accept' && lost++ === 0 },
    });
    const data = bytesOf(3 * CHUNK_SIZE);
    await rep.files.send([fileOf('yes.bin', data)], B.participantId);
    await accepted(customer.files, 'yes.bin');
    // Before, the sender waited 'offered' and the receiver 'queued', each for the other, for good.
    await bothDone(customer.files, rep.files, 'yes.bin');
    expect(lost).toBe(2);
    expect(await savedSha(customer.files, 'yes.bin')).toBe(sha(data));
  });

  it('an offer nobody has answered yet goes again unchanged: the receiver still asks its user once, and a yes then starts it', async () => {
    const { rep, customer } = await repAndCustomer(ROLES, { rep: { stallMs: 50 } });
    const data = bytesOf(CHUNK_SIZE + 5);
    await rep.files.send([fileOf('ask.bin', data)], B.participantId);
    await until(() => view(customer.files, 'ask.bin')?.state === 'incoming');
    // Several quiet spells while the customer thinks: still one question, still asking.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(customer.files.transfers.value.filter((t) => t.name === 'ask.bin').map((t) => t.state)).toEqual(['incoming']);
    expect(view(rep.files, 'ask.bin')?.state).toBe('offered');
    await customer.files.accept(view(customer.files, 'ask.bin')!.key);
    await bothDone(customer.files, rep.files, 'ask.bin');
  });
});

/**
 * A disk that refuses: `fails(op, meta)` says whether this call throws, and with what (as the OPFS worker
 * reports a browser error: "Name: message").
 */
function faultyDisk(fails: (op: 'write' | 'putMeta', meta?: { verified?: boolean }) => string | undefined) {
  const disk = memoryFileStore();
  const store: FileStore = {
    ...disk,
    write: (name, offset, bytes) => {
      const error = fails('write');
      return error ? Promise.reject(new Error(error)) : disk.write(name, offset, bytes);
    },
    putMeta: (meta) => {
      const error = fails('putMeta', meta);
      return error ? Promise.reject(new Error(error)) : disk.putMeta(meta);
    },
  };
  return { disk, store };
}

describe('a receiver whose disk refuses', () => {
  // Each fault is logged with the browser's own words (the rep's console and E2E_DEBUG show why).
  let warned: MockInstance<typeof console.warn>;
  beforeEach(() => void (warned = vi.spyOn(console, 'warn').mockImplementation(() => undefined)));
  afterEach(() => {
    expect(warned).toHaveBeenCalledWith(expect.stringMatching(/^files: storing .+ failed/), expect.any(Error));
    warned.mockRestore();
  });

  it('a passing fault (the file worker died under load) costs a moment, not the transfer: it goes on from the disk and arrives intact', async () => {
    let writes = 0;
    const { store } = faultyDisk((op) =>
      op === 'write' && [4, 5, 9].includes(++writes) ? 'Error: The file worker stopped answering' : undefined,
    );
    const { rep, customer } = await repAndCustomer(ROLES, { customer: { store } });
    const data = bytesOf(12 * CHUNK_SIZE + 3);
    await rep.files.send([fileOf('shaky.bin', data)], B.participantId);
    await accepted(customer.files, 'shaky.bin');
    await bothDone(customer.files, rep.files, 'shaky.bin');
    expect(await savedSha(customer.files, 'shaky.bin')).toBe(sha(data));
    // Picked up where the disk was, not from the start.
    expect(view(rep.files, 'shaky.bin')!.resumedFrom).toBeGreaterThan(0);
  });

  it('a full disk ends the transfer at once on both sides, saying so; what is on disk stays for a resume', async () => {
    let writes = 0;
    const { disk, store } = faultyDisk((op) =>
      op === 'write' && ++writes > 3
        ? 'QuotaExceededError: The operation failed because it would cause the application to exceed its storage quota.'
        : undefined,
    );
    const { rep, customer } = await repAndCustomer(ROLES, { customer: { store } });
    await rep.files.send([fileOf('huge.bin', bytesOf(10 * CHUNK_SIZE))], B.participantId);
    await accepted(customer.files, 'huge.bin');
    await until(() => view(customer.files, 'huge.bin')?.state === 'failed' && view(rep.files, 'huge.bin')?.state === 'failed');
    expect(view(customer.files, 'huge.bin')!.failure).toBe('disk');
    expect(view(rep.files, 'huge.bin')!.failure).toBe('disk');
    expect(view(customer.files, 'huge.bin')!.detail).toMatch(/^Error: QuotaExceededError: /);
    expect(writes).toBe(4);
    while (!(await disk.list()).some((m) => m.have === 3)) await tick();
  });

  it('a fault that keeps coming fails the transfer as the disk after a few tries, instead of trying for ever', async () => {
    let writes = 0;
    const { store } = faultyDisk((op) => (op === 'write' && ++writes > 2 ? 'NoModificationAllowedError: locked' : undefined));
    const { rep, customer } = await repAndCustomer(ROLES, { customer: { store } });
    await rep.files.send([fileOf('locked.bin', bytesOf(10 * CHUNK_SIZE))], B.participantId);
    await accepted(customer.files, 'locked.bin');
    await until(
      () => view(customer.files, 'locked.bin')?.state === 'failed' && view(rep.files, 'locked.bin')?.state === 'failed',
    );
    expect(view(customer.files, 'locked.bin')!.failure).toBe('disk');
    expect(writes).toBe(2 + MAX_STORE_FAULTS);
  });

  it('the sidecar cannot be marked verified once: the sender hears nothing yet, offers again, and both end checked', async () => {
    let refused = 0;
    const { store } = faultyDisk((op, meta) =>
      op === 'putMeta' && meta?.verified && refused++ === 0 ? 'Error: busy' : undefined,
    );
    const { rep, customer } = await repAndCustomer(ROLES, { rep: { stallMs: 300 }, customer: { store } });
    const data = bytesOf(4 * CHUNK_SIZE + 1);
    await rep.files.send([fileOf('last-step.bin', data)], B.participantId);
    await accepted(customer.files, 'last-step.bin');
    await until(
      () => view(customer.files, 'last-step.bin')?.state === 'done' && view(rep.files, 'last-step.bin')?.state === 'done',
    );
    expect(refused).toBeGreaterThanOrEqual(2);
    expect(await savedSha(customer.files, 'last-step.bin')).toBe(sha(data));
  });
});

describe('file frames and names', () => {
  it('reads back what it writes and refuses anything else', () => {
    const frame = readFrame(chunkFrame(7, new Uint8Array(32).fill(1), new Uint8Array([1, 2, 3])));
    expect(frame).toMatchObject({ kind: 'chunk', index: 7 });
    expect(readFrame(answerFrame('nack', 9))).toEqual({ kind: 'nack', index: 9 });
    expect(readFrame(new ArrayBuffer(3))).toBeUndefined();
    expect(readFrame(new Uint8Array([2, 0, 0, 0, 0, 0]).buffer)).toBeUndefined();
    expect(readFrame(new Uint8Array([1, 9, 0, 0, 0, 0]).buffer)).toBeUndefined();
    expect(readFrame(new Uint8Array([1, 1, 0, 0, 0, 0, 0]).buffer)).toBeUndefined();
  });

  it('sanitizes names: no folders, control characters, reserved names or trailing dots', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(sanitizeFileName('a\u0000b\u202ec.txt')).toBe('a_b_c.txt');
    expect(sanitizeFileName('CON.txt')).toBe('_CON.txt');
    expect(sanitizeFileName('name. . ')).toBe('name');
    expect(sanitizeFileName('...')).toBe('file');
    expect(sanitizeFileName('x'.repeat(300) + '.jpeg')).toHaveLength(200);
    expect(sanitizeFileName('x'.repeat(300) + '.jpeg').endsWith('.jpeg')).toBe(true);
    expect(storageName({ from: 'pa', key: 'k' })).toBe('pa.k');
  });
});
