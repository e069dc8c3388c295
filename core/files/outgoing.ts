import { sha256 } from '@noble/hashes/sha2.js';
import type { FileOffer } from '../protocol';
import { whenWritable } from '../mesh/backpressure';
import type { BinaryLink } from '../mesh/transport';
import type { StopReason } from '../session/activities';
import { chunkCount, chunkFrame, digest, readFrame, toHex } from './frames';
import { CHUNK_SIZE, isFinished, WINDOW, type FileFailure, type TransferDeps, type TransferView } from './transfer';

/** How long after a channel closed under a transfer it is offered again. */
const RETRY_MS = 1_000;
/**
 * A transfer under way with no ack, no answer and no verdict for this long is taken for stuck (a frame or
 * an answer lost, a receiver that dropped a channel it no longer owned): it is offered again, and the
 * receiver answers with what it has on disk. Generous: a loaded receiver acks a chunk within seconds.
 */
export const STALL_MS = 15_000;
/** Bytes read from the file at once when going through it in order (cut into chunks). */
const READ_BLOCK = 16 * CHUNK_SIZE;

/** The sender's fingerprint of a file: the same file picked again (same name, size, date, start) resumes. */
export async function fileKey(file: File): Promise<string> {
  const head = new Uint8Array(await file.slice(0, CHUNK_SIZE).arrayBuffer());
  const h = sha256.create();
  h.update(new TextEncoder().encode(`${file.name}\n${file.size}\n${file.lastModified}\n`));
  h.update(head);
  return toHex(h.digest());
}

export interface OutgoingDeps extends TransferDeps {
  openChannel(label: string): BinaryLink | undefined;
  /** May it take a channel now? (A few transfers at once per peer: channels are limited.) */
  mayStart(): boolean;
  /** See STALL_MS. */
  stallMs: number;
}

/**
 * One file going to one participant: offered, then sent on its own channel once accepted, from the chunk
 * the receiver says it lacks. Chunks go out in order with a window awaiting acks and the channel's
 * backpressure; the whole-file hash is taken as they are read.
 */
export function createOutgoing(file: File | undefined, offer: FileOffer, peer: string, deps: OutgoingDeps) {
  /** The file being sent; none after the sender's page reloaded, until it is picked again. */
  let source = file;
  const count = chunkCount(offer.size, offer.chunkSize);
  const view: TransferView = {
    key: `send:${peer}:${offer.id}`,
    id: offer.id,
    direction: 'send',
    peer,
    name: offer.name,
    size: offer.size,
    mime: offer.mime,
    state: file ? 'offered' : 'needs-file',
    bytes: 0,
    rate: 0,
    wireBytes: 0,
    resumedFrom: 0,
  };
  let link: BinaryLink | undefined;
  /** Bumped at every (re)start: a loop of an older run stops at its next step. */
  let run = 0;
  let have = 0;
  let acceptedHave: number | undefined;
  const inFlight = new Set<number>();
  let acked = 0;
  let wake: (() => void) | undefined;
  let quiet: ReturnType<typeof setTimeout> | undefined;

  /** Progress (an ack, an answer, a channel open): the stall watch starts over. */
  function moved(): void {
    clearTimeout(quiet);
    quiet = isFinished(view.state) ? undefined : setTimeout(stalled, deps.stallMs);
  }

  function stalled(): void {
    quiet = undefined;
    if (isFinished(view.state)) return;
    // Waiting for a channel place, or for the file to be picked again: not stuck. An offer still unanswered
    // goes again too: a receiver still asking its user ignores it, one whose answer was lost says it again.
    if ((view.state !== 'queued' || link) && source) api.offer();
    moved();
  }

  const set = (changes: Partial<TransferView>) => {
    Object.assign(view, changes);
    deps.changed(true);
  };

  function closeLink(): void {
    run++;
    const old = link;
    link = undefined;
    old?.close();
    wake?.();
  }

  function finish(failure?: FileFailure, stopReason?: StopReason): void {
    if (isFinished(view.state)) return;
    clearTimeout(quiet);
    quiet = undefined;
    closeLink();
    set(failure ? { state: 'failed', failure, stopReason, rate: 0 } : { state: 'done', rate: 0, bytes: view.size });
  }

  async function readBlock(offset: number): Promise<Uint8Array> {
    return new Uint8Array(await source!.slice(offset, Math.min(offset + READ_BLOCK, offer.size)).arrayBuffer());
  }

  async function sendChunk(channel: BinaryLink, index: number, payload: Uint8Array): Promise<void> {
    const hash = await digest(payload);
    await whenWritable(channel);
    channel.send(chunkFrame(index, hash, payload));
    inFlight.add(index);
    view.wireBytes += payload.byteLength;
  }

  async function resend(index: number): Promise<void> {
    const channel = link;
    if (!channel || index >= count) return;
    const start = index * offer.chunkSize;
    const payload = new Uint8Array(await source!.slice(start, Math.min(start + offer.chunkSize, offer.size)).arrayBuffer());
    if (link === channel) await sendChunk(channel, index, payload);
  }

  /** Waits until the window has room (an ack arrived) or the run ended. */
  const roomOrEnd = (mine: number) =>
    new Promise<void>((resolve) => {
      if (inFlight.size < WINDOW || mine !== run) return resolve();
      wake = resolve;
    });

  async function pump(channel: BinaryLink, mine: number, from: number): Promise<void> {
    const hasher = sha256.create();
    // The prefix the receiver has: hashed again from the file (nothing of it is sent).
    for (let offset = 0; offset < from * offer.chunkSize; offset += READ_BLOCK) {
      const block = await readBlock(offset);
      hasher.update(block.subarray(0, Math.min(block.byteLength, from * offer.chunkSize - offset)));
      if (mine !== run) return;
    }
    let index = from;
    while (index < count) {
      const block = await readBlock(index * offer.chunkSize);
      for (let at = 0; at < block.byteLength && index < count; at += offer.chunkSize, index++) {
        const payload = block.subarray(at, at + offer.chunkSize);
        hasher.update(payload);
        await roomOrEnd(mine);
        if (mine !== run) return;
        await sendChunk(channel, index, payload);
      }
    }
    if (mine !== run) return;
    deps.send({ type: 'file-done', id: offer.id, sha256: toHex(hasher.digest()) });
  }

  function onFrame(data: ArrayBuffer): void {
    const frame = readFrame(data);
    if (!frame || frame.kind === 'chunk' || frame.index >= count) return finish('protocol');
    if (frame.kind === 'nack') return void resend(frame.index).catch(() => finish('read'));
    if (!inFlight.delete(frame.index)) return;
    moved();
    acked++;
    view.bytes = Math.min(offer.size, (have + acked) * offer.chunkSize);
    deps.changed();
    if (have + acked >= count) set({ state: 'verifying' });
    const w = wake;
    wake = undefined;
    w?.();
  }

  function start(): void {
    if (acceptedHave === undefined || view.state !== 'queued' || !deps.mayStart()) return;
    const channel = deps.openChannel(`file:${offer.id}`);
    if (!channel) return; // no channel place now: tried again when one frees up
    link = channel;
    const mine = ++run;
    have = Math.min(acceptedHave, count);
    acked = 0;
    inFlight.clear();
    set({
      state: 'active',
      resumedFrom: Math.min(offer.size, have * offer.chunkSize),
      bytes: Math.min(offer.size, have * offer.chunkSize),
    });
    channel.onData(onFrame);
    channel.onClose(() => {
      if (link !== channel) return;
      link = undefined;
      run++;
      wake?.();
      // The channel went without the transfer ending (the link dropped, or the receiver's side refused one
      // channel too many): offer again shortly; a receiver that accepted it answers with what it has.
      if (isFinished(view.state)) return;
      set({ state: 'paused', rate: 0 });
      setTimeout(() => view.state === 'paused' && api.offer(), RETRY_MS);
    });
    channel.onOpen(() => {
      moved();
      if (count === 0 || have >= count) set({ state: 'verifying' });
      pump(channel, mine, have).catch(() => {
        // The file went away under us (moved, deleted, its permission lapsed).
        if (mine === run) finish('read');
      });
    });
  }

  const api = {
    view,
    /** Offers the file (again: after the link came back, the receiver answers with what it has). */
    offer(): void {
      if (isFinished(view.state) || !source) return;
      closeLink();
      acceptedHave = undefined;
      if (view.state !== 'offered') set({ state: 'paused', rate: 0 });
      deps.send(offer);
      moved();
    },
    accepted(haveChunks: number): void {
      if (isFinished(view.state) || !source) return;
      closeLink();
      acceptedHave = haveChunks;
      moved();
      set({ state: 'queued' });
      start();
    },
    /**
     * The file picked again after a reload: only the same one (name, size, fingerprint) goes on, under
     * the same id, so the receiver resumes it.
     */
    async supply(picked: File): Promise<boolean> {
      if (source || isFinished(view.state)) return false;
      if (picked.name !== offer.name || picked.size !== offer.size || (await fileKey(picked)) !== offer.key) return false;
      source = picked;
      set({ state: 'offered' });
      deps.send(offer);
      return true;
    },
    /** A channel place may have freed up. */
    start,
    declined: (tooLarge?: boolean) => finish(tooLarge ? 'too-large' : 'declined'),
    cancelledByPeer(reason: FileFailure): void {
      finish(reason === 'cancelled' ? 'peer-cancelled' : reason);
    },
    /** The receiver's verdict; also when it comes again for a re-offer (the first was lost with the link). */
    result(ok: boolean): void {
      if (source && !isFinished(view.state)) finish(ok ? undefined : 'hash');
    },
    linkGone(): void {
      if (isFinished(view.state) || view.state === 'offered') return;
      closeLink();
      set({ state: 'paused', rate: 0 });
    },
    cancel(failure: FileFailure = 'cancelled', stopReason?: StopReason): void {
      if (isFinished(view.state)) return;
      deps.send({ type: 'file-cancel', id: offer.id, reason: failure === 'stopped' ? 'stopped' : 'cancelled' });
      finish(failure, stopReason);
    },
    get busy() {
      return link !== undefined;
    },
    dispose(): void {
      clearTimeout(quiet);
      closeLink();
    },
  };
  return api;
}

export type Outgoing = ReturnType<typeof createOutgoing>;
