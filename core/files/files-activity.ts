import { computed, signal, type ReadonlySignal } from '@preact/signals-core';
import { randomId } from '../ids';
import { isRepRole, type FileOffer, type MeshMessage, type Role } from '../protocol';
import type { BinaryLink } from '../mesh/transport';
import type { Activity, StopReason } from '../session/activities';
import { createIncoming, type Incoming } from './incoming';
import { createOutgoing, fileKey, STALL_MS, type Outgoing } from './outgoing';
import { offerOf, recordOf, storageName, type FileStore, type PartialMeta } from './store';
import { CHUNK_SIZE, isFinished, type TransferView } from './transfer';

export interface FilesDeps {
  selfId: string;
  selfRole: Role;
  sessionId: string;
  /** The present participants' roles (undefined: not in the session now). */
  roleOf(participantId: string): Role | undefined;
  /** Present participants other than me. */
  others(): string[];
  controllerId(): string | undefined;
  send(participantId: string, message: MeshMessage): boolean;
  openChannel(participantId: string, label: string): BinaryLink | undefined;
  /** MAX_FILE_MB as bytes. */
  maxFileBytes: number;
  store: FileStore;
  /** How often progress reaches the view (state changes go at once). */
  publishMs?: number;
  /** How long a transfer may go without progress before the sender offers it again (STALL_MS). */
  stallMs?: number;
}

/** Offers one participant may have unanswered with me at once; more are declined and counted. */
export const MAX_PENDING_OFFERS = 20;
/** Transfers one participant may have with me in all (finished ones count until dismissed). */
const MAX_TRANSFERS_PER_PEER = 200;
/** How long received files of other sessions are kept on disk (unsaved, unremoved) before they are deleted. */
const KEEP_MS = 7 * 24 * 3600 * 1000;
/** Transfers with one peer that hold a channel at once (the mesh allows 4 channels per peer, both ways). */
export const ACTIVE_PER_PEER = 2;

export type SendResult =
  { name: string; ok: true; count: number } | { name: string; ok: false; reason: 'too-large' | 'no-recipient' };

/**
 * Files between participants (issue 14): reps send to a customer, a rep, or everyone present (one
 * transfer each); customers send to the session's controller. A receiver accepts offers only from
 * whom these rules allow — a customer only from reps, and only when they say so — and drops the rest.
 * Stops like screen sharing on a control change or a customer switch; what was received stays on disk
 * and the same file sent again by the same sender resumes.
 */
export function createFiles(deps: FilesDeps) {
  const outgoing = new Map<string, Outgoing>();
  const incoming = new Map<string, Incoming>();
  const views = signal<readonly TransferView[]>([]);
  const selfIsRep = isRepRole(deps.selfRole);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastPublish = 0;
  const rates = new Map<string, { at: number; bytes: number; rate: number }>();
  let dropped = 0;
  let loaded: Promise<void> | undefined;

  function publish(): void {
    clearTimeout(timer);
    timer = undefined;
    const now = Date.now();
    lastPublish = now;
    const all = [...outgoing.values(), ...incoming.values()].map((t) => t.view);
    views.value = all.map((view) => {
      // Speed: bytes since the last look, smoothed.
      const last = rates.get(view.key);
      let rate = 0;
      if (view.state === 'active' && last) {
        const dt = (now - last.at) / 1000;
        const instant = dt > 0 ? (view.bytes - last.bytes) / dt : last.rate;
        rate = last.rate === 0 ? instant : last.rate * 0.7 + instant * 0.3;
      }
      if (view.state === 'active') rates.set(view.key, { at: now, bytes: view.bytes, rate });
      else rates.delete(view.key);
      return { ...view, rate: Math.max(0, rate) };
    });
  }

  function changed(now = false): void {
    const every = deps.publishMs ?? 250;
    if (now || Date.now() - lastPublish >= every) return publish();
    timer ??= setTimeout(publish, every);
  }

  /** May `from` send me a file? A customer takes files from reps only; reps from anyone present. */
  function acceptsFrom(from: string): boolean {
    const role = deps.roleOf(from);
    if (role === undefined || from === deps.selfId) return false;
    return selfIsRep || isRepRole(role);
  }

  /** Whom I may send to now. */
  function targets(): string[] {
    if (selfIsRep) return deps.others();
    const controller = deps.controllerId();
    return controller && deps.others().includes(controller) ? [controller] : [];
  }

  const busyWith = (peer: string) => [...outgoing.values()].filter((t) => t.view.peer === peer && t.busy).length;

  function startQueued(peer: string): void {
    for (const t of outgoing.values()) if (t.view.peer === peer && t.view.state === 'queued') t.start();
  }

  /** The sender's own record of a transfer, so that a reloaded page can ask for the file again. */
  const sentRecord = (offer: FileOffer, peer: string) => recordOf(offer, deps.sessionId, deps.selfId, peer);

  function makeOutgoing(file: File | undefined, offer: FileOffer, peer: string): Outgoing {
    let recorded = true;
    const t = createOutgoing(file, offer, peer, {
      send: (message) => deps.send(peer, message),
      openChannel: (label) => deps.openChannel(peer, label),
      mayStart: () => busyWith(peer) < ACTIVE_PER_PEER,
      stallMs: deps.stallMs ?? STALL_MS,
      changed: (now) => {
        changed(now);
        // A transfer that let go of its channel makes room for the next.
        if (now && !t.busy) queueMicrotask(() => startQueued(peer));
        if (recorded && isFinished(t.view.state)) {
          recorded = false;
          void deps.store.remove(storageName(sentRecord(offer, peer))).catch(() => undefined);
        }
      },
    });
    outgoing.set(`${peer}:${offer.id}`, t);
    return t;
  }

  function makeIncoming(offer: FileOffer, from: string, kept?: PartialMeta): Incoming {
    const t = createIncoming(
      offer,
      from,
      { send: (message) => deps.send(from, message), changed, store: deps.store, sessionId: deps.sessionId },
      kept,
    );
    incoming.set(`${from}:${offer.id}`, t);
    return t;
  }

  function findIncoming(from: string, id: string): Incoming | undefined {
    return incoming.get(`${from}:${id}`);
  }

  function onOffer(from: string, offer: FileOffer): void {
    if (!acceptsFrom(from)) return void dropped++;
    const same =
      findIncoming(from, offer.id) ??
      [...incoming.values()].find((t) => t.view.peer === from && t.key === offer.key && t.accepted);
    if (same) {
      // The same transfer (or the same file again): only if it is the same file, else it is someone's trick.
      if (same.key !== offer.key || same.view.size !== offer.size) return void dropped++;
      if (same.view.id !== offer.id) {
        incoming.delete(`${from}:${same.view.id}`);
        incoming.set(`${from}:${offer.id}`, same);
      }
      void same.reoffered(offer).finally(() => changed(true));
      return;
    }
    const mine = [...incoming.values()].filter((t) => t.view.peer === from);
    if (mine.length >= MAX_TRANSFERS_PER_PEER || mine.filter((t) => t.view.state === 'incoming').length >= MAX_PENDING_OFFERS) {
      dropped++;
      deps.send(from, { type: 'file-decline', id: offer.id });
      return;
    }
    const t = makeIncoming(offer, from);
    if (offer.size > deps.maxFileBytes) t.decline(true);
    changed(true);
  }

  function receive(from: string, message: MeshMessage): void {
    if (message.type === 'file-offer') return onOffer(from, message);
    if (!('id' in message)) return;
    const out = outgoing.get(`${from}:${message.id}`);
    const inc = findIncoming(from, message.id);
    switch (message.type) {
      case 'file-accept':
        return out ? out.accepted(message.have) : void dropped++;
      case 'file-decline':
        return out ? out.declined(message.tooLarge) : void dropped++;
      case 'file-result':
        return out ? out.result(message.ok) : void dropped++;
      case 'file-done':
        return inc ? inc.done(message.sha256) : void dropped++;
      case 'file-cancel':
        // Either direction: the id is the sender's, so a transfer I send and one I receive may share it.
        if (!out && !inc) return void dropped++;
        out?.cancelledByPeer(message.reason);
        inc?.cancelledByPeer(message.reason);
        return;
    }
  }

  function channel(from: string, link: BinaryLink): void {
    const t = findIncoming(from, link.label.slice('file:'.length));
    if (!t || !acceptsFrom(from)) {
      dropped++;
      return link.close();
    }
    t.channel(link);
  }

  function find(key: string): Outgoing | Incoming | undefined {
    return [...outgoing.values(), ...incoming.values()].find((t) => t.view.key === key);
  }

  function stopAll(failure: 'stopped', reason?: StopReason): void {
    for (const t of [...outgoing.values(), ...incoming.values()]) t.cancel(failure, reason);
  }

  /** Transfers this browser had accepted in this session before a reload: there again, paused or done. */
  async function load(): Promise<void> {
    const all = await deps.store.list();
    // What other sessions left behind and nobody touched for a week goes (their runtimes are long gone).
    const stale = all.filter((m) => m.sessionId !== deps.sessionId && Date.now() - m.updatedAt > KEEP_MS);
    await Promise.all(stale.map((m) => deps.store.remove(storageName(m)).catch(() => undefined)));
    const kept = all.filter((m) => m.sessionId === deps.sessionId);
    for (const meta of kept) {
      const offer = offerOf(meta);
      // Mine, sent before the reload: the file itself is gone, it must be picked again.
      if (meta.to !== undefined && meta.from === deps.selfId) {
        if (!outgoing.has(`${meta.to}:${meta.id}`)) makeOutgoing(undefined, offer, meta.to);
      } else if (meta.to === undefined && !findIncoming(meta.from, meta.id)) makeIncoming(offer, meta.from, meta);
    }
    changed(true);
  }

  const activity = {
    name: 'files',
    messageTypes: ['file-offer', 'file-accept', 'file-decline', 'file-cancel', 'file-done', 'file-result'],
    callKinds: [],
    channelKinds: ['file'],
    running: computed(() => views.value.some((v) => !isFinished(v.state) && v.state !== 'incoming')),
    transfers: views as ReadonlySignal<readonly TransferView[]>,
    /** The largest file that may be sent (MAX_FILE_MB). */
    maxFileBytes: deps.maxFileBytes,
    /** Reads what this browser kept from before a reload; call once at start. */
    load: () => (loaded ??= load().catch(() => undefined)),

    /**
     * Sends files to one participant or to everyone I may send to ('all'): one transfer per file and
     * recipient. A file over the limit is refused here, before anything is offered.
     */
    async send(files: readonly File[], to: string): Promise<SendResult[]> {
      const results: SendResult[] = [];
      for (const file of files) {
        if (file.size > deps.maxFileBytes) {
          results.push({ name: file.name, ok: false, reason: 'too-large' });
          continue;
        }
        const recipients = to === 'all' ? targets() : targets().filter((id) => id === to);
        if (recipients.length === 0) {
          results.push({ name: file.name, ok: false, reason: 'no-recipient' });
          continue;
        }
        const key = await fileKey(file);
        for (const peer of recipients) {
          const offer: FileOffer = {
            type: 'file-offer',
            id: randomId(),
            name: file.name.slice(0, 255) || 'file',
            size: file.size,
            mime: file.type.slice(0, 127),
            chunkSize: CHUNK_SIZE,
            key,
          };
          await deps.store.putMeta(sentRecord(offer, peer)).catch(() => undefined);
          makeOutgoing(file, offer, peer).offer();
        }
        results.push({ name: file.name, ok: true, count: recipients.length });
      }
      changed(true);
      return results;
    },
    /** Whom I may send to now (the recipient list; more than one ⇒ "Everyone" too). */
    targets: computed(() => (views.value, targets())),
    async accept(key: string): Promise<void> {
      const t = find(key);
      if (t && 'accept' in t) await t.accept();
    },
    decline(key: string): Promise<void> {
      const t = find(key);
      if (t && 'decline' in t) t.decline();
      return Promise.resolve();
    },
    cancel(key: string): Promise<void> {
      find(key)?.cancel();
      return Promise.resolve();
    },
    /** A file lost in a reload picked again: true when it is the same file and the transfer goes on. */
    async repick(key: string, file: File): Promise<boolean> {
      const t = outgoing.get(key.slice('send:'.length));
      return t ? t.supply(file) : false;
    },
    /** The verified file, read from disk (the view offers it as a download). */
    async file(key: string): Promise<File> {
      const t = find(key);
      if (!t || !('file' in t)) throw new Error('No such file');
      return t.file();
    },
    /** Takes a finished transfer off the list (a received file's bytes are deleted). */
    async dismiss(key: string): Promise<void> {
      const t = find(key);
      if (!t || !isFinished(t.view.state)) return;
      for (const map of [outgoing, incoming] as Map<string, Outgoing | Incoming>[]) {
        for (const [k, v] of map) if (v === t) map.delete(k);
      }
      if ('forget' in t) await t.forget().catch(() => undefined);
      changed(true);
    },
    /** Offers, answers and channels dropped: from someone not allowed, unknown, or too many. */
    get droppedCount() {
      return dropped;
    },

    // After the sidecars are read: an offer of a transfer accepted before a reload must find it.
    receive: (from: string, message: MeshMessage) => void activity.load().then(() => receive(from, message)),
    incomingChannel: (from: string, link: BinaryLink) => void activity.load().then(() => channel(from, link)),
    linkOpened(participantId: string): void {
      for (const t of outgoing.values()) if (t.view.peer === participantId) t.offer();
    },
    participantGone(participantId: string): void {
      for (const t of [...outgoing.values(), ...incoming.values()]) if (t.view.peer === participantId) t.linkGone();
    },
    rightsChanged(): void {
      for (const t of incoming.values()) if (!acceptsFrom(t.view.peer)) t.cancel('stopped');
      for (const t of outgoing.values()) if (!targets().includes(t.view.peer) && !isFinished(t.view.state)) t.cancel('stopped');
    },
    stop: (reason: StopReason) => stopAll('stopped', reason),
    dispose(): void {
      clearTimeout(timer);
      for (const t of [...outgoing.values(), ...incoming.values()]) t.dispose();
    },
  } satisfies Activity & Record<string, unknown>;
  return activity;
}

export type Files = ReturnType<typeof createFiles>;
