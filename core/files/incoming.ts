import { sha256 } from '@noble/hashes/sha2.js';
import type { FileOffer } from '../protocol';
import type { BinaryLink } from '../mesh/transport';
import type { StopReason } from '../session/activities';
import { answerFrame, chunkCount, chunkLength, digest, readFrame, sameBytes, toHex } from './frames';
import { sanitizeFileName } from './names';
import { recordOf, storageName, type FileStore, type PartialMeta } from './store';
import { isFinished, MAX_CHUNK_FAILURES, WINDOW, type FileFailure, type TransferDeps, type TransferView } from './transfer';

/** Bytes read back from disk at once (rebuilding the hash after a reload). */
const READ_BACK = 1024 * 1024;
/** How often the sidecar's count of chunks on disk is written while chunks arrive. */
const META_EVERY_MS = 250;
/**
 * Store faults in a row (no chunk got through between them) that are tried again before the transfer
 * fails as 'disk'. A fault other than a full disk is usually passing: a worker that died or stalled on a
 * loaded machine (a new one starts), a file whose old handle is still being let go.
 */
export const MAX_STORE_FAULTS = 3;

/** The browser said the disk (or this origin's share of it) is full: trying again will not help. */
const isDiskFull = (error: unknown) =>
  /QuotaExceeded/i.test(error instanceof Error ? `${error.name} ${error.message}` : String(error));

export interface IncomingDeps extends TransferDeps {
  store: FileStore;
  sessionId: string;
}

/**
 * One file coming from one participant: asked about (unless this receiver accepted it before: then it
 * resumes at once), then written to disk chunk by chunk as they arrive on its channel, each checked
 * against its SHA-256 (a damaged one is asked for again), the whole file against the sender's hash at
 * the end. What is on disk stays there across a dropped link or a reload, counted by the sidecar.
 */
export function createIncoming(first: FileOffer, peer: string, deps: IncomingDeps, kept?: PartialMeta) {
  let offer = first;
  const name = sanitizeFileName(offer.name);
  const count = () => chunkCount(offer.size, offer.chunkSize);
  const view: TransferView = {
    key: `receive:${peer}:${offer.id}`,
    id: offer.id,
    direction: 'receive',
    peer,
    name,
    size: offer.size,
    mime: offer.mime,
    state: kept ? (kept.verified ? 'done' : 'paused') : 'incoming',
    bytes: kept ? Math.min(offer.size, kept.have * offer.chunkSize) : 0,
    rate: 0,
    wireBytes: 0,
    resumedFrom: 0,
  };
  let meta: PartialMeta | undefined = kept;
  const file = () => storageName({ from: peer, key: offer.key });
  let link: BinaryLink | undefined;
  /** Leading chunks on disk, verified, and hashed into `hasher`. */
  let have = kept?.have ?? 0;
  let hasher: ReturnType<typeof sha256.create> | undefined;
  /** Chunks past `have` already on disk (after a resend the order can skip). */
  const ahead = new Set<number>();
  const failures = new Map<number, number>();
  let expected: string | undefined;
  let budget = 0;
  /** Frames are handled one after another (each awaits a digest and a write). */
  let chain: Promise<void> = Promise.resolve();
  let metaTimer: ReturnType<typeof setTimeout> | undefined;
  /** A re-offer's answer is on the chain, not yet sent. */
  let answerQueued = false;
  /** Store faults since the last chunk that got through (see MAX_STORE_FAULTS). */
  let faults = 0;

  const set = (changes: Partial<TransferView>) => {
    Object.assign(view, changes);
    deps.changed(true);
  };

  async function saveMeta(): Promise<void> {
    if (!meta) return;
    meta = { ...meta, id: offer.id, have, updatedAt: Date.now() };
    await deps.store.putMeta(meta);
  }

  function saveMetaSoon(): void {
    metaTimer ??= setTimeout(() => {
      metaTimer = undefined;
      void saveMeta().catch(() => undefined);
    }, META_EVERY_MS);
  }

  function closeLink(): void {
    const old = link;
    link = undefined;
    old?.close();
  }

  function end(
    failure: FileFailure,
    options: { tell?: FileFailure; keep?: boolean; stopReason?: StopReason; detail?: string } = {},
  ): void {
    if (isFinished(view.state)) return;
    if (options.tell) {
      const reason =
        options.tell === 'stopped' || options.tell === 'damaged' || options.tell === 'protocol' || options.tell === 'disk'
          ? options.tell
          : 'cancelled';
      deps.send({ type: 'file-cancel', id: offer.id, reason });
    }
    closeLink();
    clearTimeout(metaTimer);
    metaTimer = undefined;
    set({ state: 'failed', failure, stopReason: options.stopReason, detail: options.detail, rate: 0 });
    if (options.keep) void chain.then(saveMeta).catch(() => undefined);
    else {
      // Forgotten: the same file offered again is a new question, never resumed unasked.
      meta = undefined;
      void chain.then(() => deps.store.remove(file())).catch(() => undefined);
    }
  }

  /**
   * The store refused a write, a read or a sidecar. A full disk, or the same fault again and again, ends
   * the transfer with what is on disk kept for a resume. Anything else lets go of the channel: the sender
   * sees it close, offers again a moment later, and this side answers from what its disk holds (the
   * hash is rebuilt from disk if it was lost), so a passing fault costs a second, not the transfer.
   */
  function storeFault(error: unknown): void {
    if (isFinished(view.state)) return;
    faults++;
    console.warn(`files: storing ${name} failed (${faults} in a row):`, error);
    if (isDiskFull(error) || faults >= MAX_STORE_FAULTS) {
      return end('disk', { tell: 'disk', keep: meta !== undefined, detail: String(error).slice(0, 300) });
    }
    closeLink();
    ahead.clear();
    set({ state: 'paused', rate: 0 });
  }

  /** The hash of the chunks on disk, read back (after a reload nothing of it is in memory). */
  async function rebuildHash(): Promise<void> {
    const h = sha256.create();
    const upTo = Math.min(offer.size, have * offer.chunkSize);
    for (let offset = 0; offset < upTo; offset += READ_BACK) {
      const bytes = await deps.store.read(file(), offset, Math.min(READ_BACK, upTo - offset));
      if (bytes.byteLength === 0) break;
      h.update(bytes);
    }
    hasher = h;
  }

  async function check(): Promise<void> {
    if (have < count() || expected === undefined || !hasher || isFinished(view.state)) return;
    set({ state: 'verifying' });
    const ok = toHex(hasher.digest()) === expected;
    hasher = undefined;
    if (!ok) {
      deps.send({ type: 'file-result', id: offer.id, ok });
      return end('hash');
    }
    // On disk as verified before the sender hears it: if this fails, the sender's next offer finds out.
    if (meta) meta = { ...meta, verified: true };
    await saveMeta();
    await deps.store.release(file());
    closeLink();
    set({ state: 'done', rate: 0, bytes: offer.size });
    deps.send({ type: 'file-result', id: offer.id, ok });
  }

  async function chunk(channel: BinaryLink, data: ArrayBuffer): Promise<void> {
    // A channel this transfer let go of: closed, so its sender hears it and offers again (were it left
    // open, its chunks would be dropped unacked and the sender would wait on its window for good).
    if (link !== channel) return channel.close();
    if (isFinished(view.state)) return;
    const frame = readFrame(data);
    const n = count();
    // Anything but a chunk of this file, of the length its index must have, is the sender breaking the rules.
    if (
      !frame ||
      frame.kind !== 'chunk' ||
      frame.index >= n ||
      frame.payload.byteLength !== chunkLength(offer.size, offer.chunkSize, frame.index)
    ) {
      return end('protocol', { tell: 'protocol' });
    }
    view.wireBytes += frame.payload.byteLength;
    budget -= frame.payload.byteLength;
    // More than the file's missing bytes and a window of resends: the offered size was a lie.
    if (budget < 0) return end('protocol', { tell: 'protocol' });
    const { index, payload } = frame;
    if (index < have || ahead.has(index)) return void channel.send(answerFrame('ack', index));
    if (!sameBytes(await digest(payload), frame.sha256)) {
      const failed = (failures.get(index) ?? 0) + 1;
      failures.set(index, failed);
      if (failed >= MAX_CHUNK_FAILURES) return end('damaged', { tell: 'damaged' });
      return void channel.send(answerFrame('nack', index));
    }
    await deps.store.write(file(), index * offer.chunkSize, payload);
    if (index === have) {
      hasher!.update(payload);
      have++;
      while (ahead.has(have)) {
        hasher!.update(await deps.store.read(file(), have * offer.chunkSize, chunkLength(offer.size, offer.chunkSize, have)));
        ahead.delete(have);
        have++;
      }
    } else {
      if (ahead.size >= WINDOW * 4) return end('protocol', { tell: 'protocol' });
      ahead.add(index);
    }
    faults = 0;
    if (link === channel) channel.send(answerFrame('ack', index));
    view.bytes = Math.min(offer.size, (have + ahead.size) * offer.chunkSize);
    deps.changed();
    saveMetaSoon();
    await check();
  }

  /** Tells the sender what is on disk (after hashing it again when a reload lost the hash). Runs on `chain`. */
  async function answer(): Promise<void> {
    if (isFinished(view.state) && view.state !== 'done') return;
    // Already here and checked: the sender missed the verdict (the link dropped meanwhile); say it again.
    if (view.state === 'done') return void deps.send({ type: 'file-result', id: offer.id, ok: true });
    closeLink();
    ahead.clear();
    if (!hasher) await rebuildHash();
    budget = (n() - have) * offer.chunkSize + WINDOW * offer.chunkSize * MAX_CHUNK_FAILURES;
    set({
      state: 'queued',
      resumedFrom: Math.min(offer.size, have * offer.chunkSize),
      bytes: Math.min(offer.size, have * offer.chunkSize),
    });
    deps.send({ type: 'file-accept', id: offer.id, have });
    await check();
  }
  const n = count;

  return {
    view,
    get key() {
      return offer.key;
    },
    /** The user said yes: the sidecar is written first, so a reload from now on resumes. */
    async accept(): Promise<void> {
      if (view.state !== 'incoming') return;
      meta = recordOf({ ...offer, name }, deps.sessionId, peer);
      have = 0;
      hasher = sha256.create();
      try {
        await deps.store.putMeta(meta);
      } catch (error) {
        // Passing or not, the sender is told; a passing fault leaves the sidecar to the next write of it.
        storeFault(error);
        if (isFinished(view.state)) return;
      }
      chain = chain.then(answer).catch(storeFault);
      await chain;
    },
    decline(tooLarge = false): void {
      if (view.state !== 'incoming') return;
      deps.send({ type: 'file-decline', id: offer.id, ...(tooLarge ? { tooLarge } : {}) });
      set({ state: 'failed', failure: tooLarge ? 'too-large' : 'declined' });
    },
    /**
     * The sender offered it again (the link came back, or the same file was picked again): if it was
     * accepted here before, say at once what is on disk; else it is still a question.
     */
    reoffered(next: FileOffer): Promise<void> {
      const wasAccepted = meta !== undefined;
      if (next.id !== offer.id) view.id = next.id;
      offer = { ...next, name: offer.name };
      view.key = `receive:${peer}:${next.id}`;
      if (!wasAccepted) {
        // Declined or cancelled here, and the sender missed it (the link dropped): say it again.
        if (view.state === 'failed') {
          deps.send(
            view.failure === 'declined' || view.failure === 'too-large'
              ? { type: 'file-decline', id: offer.id, ...(view.failure === 'too-large' ? { tooLarge: true } : {}) }
              : { type: 'file-cancel', id: offer.id, reason: 'cancelled' },
          );
        }
        return Promise.resolve();
      }
      if (isFinished(view.state) && view.state !== 'done')
        set({ state: 'paused', failure: undefined, stopReason: undefined, detail: undefined });
      // An answer already waiting on the chain (a long read-back after a reload) tells the sender what is
      // here; a second would only close the channel the first one brought.
      if (answerQueued) return chain;
      answerQueued = true;
      chain = chain
        .then(answer)
        .finally(() => (answerQueued = false))
        .catch(storeFault);
      return chain;
    },
    /** The sender's channel for this transfer. */
    channel(channel: BinaryLink): void {
      if (view.state !== 'queued' && view.state !== 'active') return channel.close();
      closeLink();
      link = channel;
      set({ state: 'active' });
      channel.onData((data) => {
        chain = chain.then(() => chunk(channel, data)).catch(storeFault);
      });
      channel.onClose(() => {
        if (link !== channel) return;
        link = undefined;
        if (!isFinished(view.state)) {
          set({ state: 'paused', rate: 0 });
          void chain.then(saveMeta).catch(() => undefined);
        }
      });
    },
    done(sha: string): void {
      expected = sha;
      chain = chain.then(check).catch(storeFault);
    },
    cancelledByPeer(reason: FileFailure): void {
      // Stopped (a control change): what arrived stays, to resume if the same people send it again.
      end(reason === 'cancelled' ? 'peer-cancelled' : reason, { keep: reason === 'stopped' });
    },
    cancel(failure: FileFailure = 'cancelled', stopReason?: StopReason): void {
      if (view.state === 'incoming') return this.decline();
      end(failure, { tell: failure, keep: failure === 'stopped', stopReason });
    },
    linkGone(): void {
      if (view.state !== 'active' && view.state !== 'queued') return;
      closeLink();
      set({ state: 'paused', rate: 0 });
      void chain.then(saveMeta).catch(() => undefined);
    },
    /** The verified file, from disk, under its sanitized name. */
    async file(): Promise<File> {
      if (view.state !== 'done') throw new Error('The file is not complete');
      const stored = await deps.store.file(file(), offer.mime);
      return new File([stored], name, { type: offer.mime });
    },
    forget: () => deps.store.remove(file()),
    get accepted() {
      return meta !== undefined;
    },
    dispose(): void {
      closeLink();
      clearTimeout(metaTimer);
      void chain.then(saveMeta).catch(() => undefined);
    },
  };
}

export type Incoming = ReturnType<typeof createIncoming>;
