import type { ChatMessage, MeshMessage } from '../protocol';
import { randomId } from '../ids';
import { createChatLog } from './chat-log';
import { entryKey, type ChatEntry, type ChatStore } from './types';

export interface ChatDeps {
  sessionId: string;
  self: { participantId: string; name: string };
  store: ChatStore;
  /** Sends over the participant's reliable link; false when there is no open link right now. */
  send(participantId: string, message: MeshMessage): boolean;
  /** Who a message in `thread` goes to if sent now (never me). */
  recipients(thread: string): string[];
  /** May `from` post in `thread`? Customers only in their own thread; customers never hear each other. */
  accepts(from: string, thread: string): boolean;
  /** A participant's name from the roster: the sender is known from the connection, never the message. */
  nameOf(participantId: string): string;
  now?: () => number;
  /** How long a message may wait for its acknowledgements before it shows as not delivered. */
  deliveryTimeoutMs?: number;
  /** The most messages kept from one sender in one session; beyond it theirs are dropped (and not acked). */
  maxPerSender?: number;
}

export type DeliveryStatus = 'sending' | 'delivered' | 'failed';

/** How an own message stands: acknowledged by everyone it went to, still on its way, or not delivered in time. */
export function deliveryStatus(entry: ChatEntry): DeliveryStatus {
  if (entry.failed) return 'failed';
  return entry.pendingFor.length === 0 ? 'delivered' : 'sending';
}

const DAY_MS = 86_400_000;

/**
 * Chat with delivery you can trust: every message has an id, receivers acknowledge it once it is stored,
 * the sender resends to whoever has not acknowledged it each time their link (re)opens and shows it as
 * not delivered (with Retry) when acknowledgements do not come in time, and receivers drop duplicates.
 *
 * Conversations are private per customer (`thread`): who may post where, and who receives what, is the
 * caller's rule (`accepts`, `recipients`); this module keeps to it for every message in and out.
 */
export function createChat(deps: ChatDeps) {
  const now = deps.now ?? Date.now;
  const timeoutMs = deps.deliveryTimeoutMs ?? 10_000;
  const maxPerSender = deps.maxPerSender ?? 5_000;
  const log = createChatLog();
  const perSender = new Map<string, number>();
  /** Own messages waiting for acknowledgements, and when they were last (re)sent. */
  const attempts = new Map<string, number>();
  let dropped = 0;
  let disposed = false;

  // Persistence: changed entries are written in batches; acks for received messages go out once stored.
  const dirty = new Map<string, ChatEntry>();
  let afterStore: (() => void)[] = [];
  let storeTimer: ReturnType<typeof setTimeout> | undefined;
  // Written right after the task that changed them: what arrives together (a resend after a reconnect,
  // a burst the mesh let through) is one write, and a message is acknowledged within milliseconds.
  function persist(entry: ChatEntry, then?: () => void): void {
    dirty.set(entryKey(entry), entry);
    if (then) afterStore.push(then);
    storeTimer ??= setTimeout(flush, 0);
  }
  function flush(): void {
    storeTimer = undefined;
    const batch = [...dirty.values()];
    const callbacks = afterStore;
    dirty.clear();
    afterStore = [];
    const done = () => callbacks.forEach((fn) => fn());
    // A full or broken store must not keep messages from being acknowledged: they are on screen.
    deps.store.putMany(batch).then(done, done);
  }

  function update(entry: ChatEntry): void {
    log.put(entry);
    persist(entry);
    if (entry.mine && entry.pendingFor.length === 0) attempts.delete(entryKey(entry));
  }

  function wire(entry: ChatEntry): ChatMessage {
    return { type: 'chat', id: entry.id, text: entry.text, sentAt: entry.sentAt, thread: entry.thread };
  }

  /** (Re)sends an own entry to those of `to` still pending, and restarts its delivery clock. */
  function attempt(entry: ChatEntry, to: readonly string[]): void {
    attempts.set(entryKey(entry), now());
    for (const participantId of to) if (entry.pendingFor.includes(participantId)) deps.send(participantId, wire(entry));
    ensureWatch();
  }

  // One timer checks the pending messages while there are any.
  let watch: ReturnType<typeof setInterval> | undefined;
  function ensureWatch(): void {
    if (watch || disposed) return;
    watch = setInterval(checkDeliveries, Math.min(1000, timeoutMs));
  }
  function checkDeliveries(): void {
    const t = now();
    for (const [key, at] of attempts) {
      const entry = log.get(key);
      if (!entry || entry.pendingFor.length === 0) attempts.delete(key);
      else if (!entry.failed && t - at >= timeoutMs) update({ ...entry, failed: true });
    }
    if (attempts.size === 0 && watch) {
      clearInterval(watch);
      watch = undefined;
    }
  }

  const ownEntries = () => log.all().filter((entry) => entry.mine);

  /** `participantId` has the entry (acked) or never will (left): no longer waited for. */
  function noLongerPending(entry: ChatEntry, participantId: string): void {
    const pendingFor = entry.pendingFor.filter((p) => p !== participantId);
    update({ ...entry, pendingFor, failed: pendingFor.length > 0 && entry.failed });
  }

  return {
    log,

    /** Loads history from the store (call once, before messages flow). */
    async load(): Promise<void> {
      const entries = await deps.store.list(deps.sessionId);
      log.load(entries);
      for (const entry of entries) {
        if (!entry.mine) perSender.set(entry.senderId, (perSender.get(entry.senderId) ?? 0) + 1);
        // Pending from before a reload: the clock starts again (they are resent as links open).
        else if (entry.pendingFor.length > 0) attempts.set(entryKey(entry), now());
      }
      if (attempts.size > 0) ensureWatch();
    },

    /** Sends `text` in `thread`; undefined for blank text. */
    send(text: string, thread: string): ChatEntry | undefined {
      const trimmed = text.trim();
      if (!trimmed) return undefined;
      const recipients = deps.recipients(thread);
      const entry: ChatEntry = {
        sessionId: deps.sessionId,
        id: randomId(),
        senderId: deps.self.participantId,
        senderName: deps.self.name,
        thread,
        text: trimmed,
        sentAt: now(),
        mine: true,
        sentTo: [...recipients],
        pendingFor: [...recipients],
        // Nobody to give it to: say so at once rather than after the timeout.
        ...(recipients.length === 0 ? { failed: true } : {}),
      };
      update(entry);
      if (recipients.length > 0) attempt(entry, recipients);
      return entry;
    },

    /** Sends a message that was not delivered again, to whoever should have it now. */
    retry(key: string): void {
      const entry = log.get(key);
      if (!entry?.mine) return;
      const newcomers = deps.recipients(entry.thread).filter((p) => !entry.sentTo.includes(p));
      const sentTo = [...entry.sentTo, ...newcomers];
      // Still nobody to give it to: it stays not delivered.
      const next: ChatEntry = { ...entry, sentTo, pendingFor: [...entry.pendingFor, ...newcomers], failed: sentTo.length === 0 };
      update(next);
      if (next.pendingFor.length > 0) attempt(next, next.pendingFor);
    },

    /** A chat message or acknowledgement arrived from `from` (validated, rate-limited by the mesh). */
    receive(from: string, message: MeshMessage): void {
      if (message.type === 'chat') {
        if (!deps.accepts(from, message.thread)) {
          dropped++;
          return;
        }
        const ack = () => deps.send(from, { type: 'chat-ack', id: message.id });
        // A duplicate is acknowledged again: the first ack may have been lost. A copy a customer relayed
        // (history sync) gives way to the author's own.
        const known = log.get(entryKey({ senderId: from, id: message.id }));
        if (known && !known.via) return void ack();
        const count = perSender.get(from) ?? 0;
        if (!known && count >= maxPerSender) {
          dropped++;
          return;
        }
        if (!known) perSender.set(from, count + 1);
        const t = now();
        const entry: ChatEntry = {
          sessionId: deps.sessionId,
          id: message.id,
          senderId: from,
          senderName: deps.nameOf(from),
          thread: message.thread,
          text: message.text,
          // A clock a day off is wrong or lying: the receive time is the better guess.
          sentAt: Math.abs(message.sentAt - t) <= DAY_MS ? message.sentAt : t,
          mine: false,
          sentTo: [],
          pendingFor: [],
        };
        if (known) log.putMany([entry]);
        else log.put(entry);
        persist(entry, ack);
      } else if (message.type === 'chat-ack') {
        const entry = log.get(entryKey({ senderId: deps.self.participantId, id: message.id }));
        if (entry?.pendingFor.includes(from)) noLongerPending(entry, from);
      }
    },

    /**
     * Messages from someone else's copy of the conversation (history sync), already judged by the
     * caller. New ones are added and a customer's relayed copy gives way to a better one; what is here
     * already stays. Stored; never acknowledged (nobody waits for it) nor counted against a sender.
     * Returns how many were added or replaced.
     */
    adopt(entries: readonly ChatEntry[]): number {
      const taken = entries.filter((entry) => {
        const known = log.get(entryKey(entry));
        return !known || (known.via !== undefined && entry.via === undefined);
      });
      log.putMany(taken);
      taken.forEach((entry) => persist(entry));
      return taken.length;
    },

    /** `participantId`'s link opened: resend what they have not acknowledged. */
    linkOpened(participantId: string): void {
      for (const entry of ownEntries()) {
        if (!entry.pendingFor.includes(participantId)) continue;
        if (entry.failed) update({ ...entry, failed: false });
        attempt(log.get(entryKey(entry))!, [participantId]);
      }
    },

    /**
     * `participantId` joined at `joinedAt` (broker time). Messages I sent since then that they should
     * have (by thread) are theirs too, even if I sent them before the news of their arrival reached me.
     */
    participantJoined(participantId: string, joinedAt: number): void {
      for (const entry of ownEntries()) {
        if (entry.sentAt < joinedAt || entry.sentTo.includes(participantId)) continue;
        if (!deps.recipients(entry.thread).includes(participantId)) continue;
        const next = { ...entry, sentTo: [...entry.sentTo, participantId], pendingFor: [...entry.pendingFor, participantId] };
        update(next);
        attempt(next, [participantId]);
      }
    },

    /** `participantId` left the session: stop waiting for their acknowledgements. */
    participantLeft(participantId: string): void {
      for (const entry of ownEntries()) {
        if (entry.pendingFor.includes(participantId)) noLongerPending(entry, participantId);
      }
    },

    /** Messages refused: posted where the sender may not, or over the per-sender cap. */
    get droppedCount() {
      return dropped;
    },

    dispose(): void {
      disposed = true;
      if (watch) clearInterval(watch);
      if (storeTimer) {
        clearTimeout(storeTimer);
        flush();
      }
    },
  };
}

export type Chat = ReturnType<typeof createChat>;
