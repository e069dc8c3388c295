import { signal, type ReadonlySignal } from '@preact/signals-core';
import { entryKey, type ChatEntry } from './types';

/** Where a message stands in the conversation: by its time, then by its sender and id. */
type Place = Pick<ChatEntry, 'sentAt' | 'senderId' | 'id'>;

const compare = (a: Place, b: Place) => {
  if (a.sentAt !== b.sentAt) return a.sentAt - b.sentAt;
  const ka = entryKey(a);
  const kb = entryKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** A slice of the conversation: the newest `entries` (oldest first) and whether older ones exist. */
export interface ChatWindow {
  entries: ChatEntry[];
  hasEarlier: boolean;
}

/**
 * The conversation in time order, cheap to grow: a message that arrives in order is appended in O(1)
 * (a late one is inserted by binary search), an update (an ack) replaces one element, and readers take
 * a window of the newest lines instead of copying the whole history. A 3,000-message flood once froze
 * the panel for ~47 s because every message copied and re-sorted the history (issue 10).
 *
 * `revision` changes on every change: reading it subscribes a component or computed to the log.
 */
export function createChatLog() {
  const list: ChatEntry[] = [];
  const byKey = new Map<string, ChatEntry>();
  /** Messages from others, per thread (unread counts are derived from these). */
  const fromOthers = new Map<string, number>();
  const revision = signal(0);
  /** Who wants the entries of each change (the session host tells its views only what changed). */
  const watchers = new Set<(changed: readonly ChatEntry[]) => void>();
  const changed = (entries: readonly ChatEntry[]) => {
    revision.value++;
    for (const watcher of watchers) watcher(entries);
  };

  const countFrom = (entry: ChatEntry, by = 1) => {
    if (!entry.mine) fromOthers.set(entry.thread, (fromOthers.get(entry.thread) ?? 0) + by);
  };

  /** Index of `entry`'s place in the list: where it is, or where it belongs. */
  function position(entry: Place): number {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(list[middle]!, entry) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  function insert(entry: ChatEntry): void {
    const last = list[list.length - 1];
    if (!last || compare(last, entry) <= 0) list.push(entry);
    else list.splice(position(entry), 0, entry);
    countFrom(entry);
  }

  return {
    revision: revision as ReadonlySignal<number>,

    get(key: string): ChatEntry | undefined {
      return byKey.get(key);
    },

    /** Adds a new entry or replaces the one with the same sender and id; true when it was new. */
    put(entry: ChatEntry): boolean {
      const key = entryKey(entry);
      const old = byKey.get(key);
      byKey.set(key, entry);
      if (old) list[position(old)] = entry;
      else insert(entry);
      changed([entry]);
      return !old;
    },

    /**
     * Adds or replaces many entries at once (another participant's copy of the conversation): one sort,
     * one change. A replacement may stand elsewhere in time (a copy's clock was not the author's).
     */
    putMany(entries: readonly ChatEntry[]): void {
      if (entries.length === 0) return;
      const batch = new Map(entries.map((entry) => [entryKey(entry), entry]));
      const replaced = new Set<ChatEntry>();
      for (const [key, entry] of batch) {
        const old = byKey.get(key);
        if (old) {
          replaced.add(old);
          countFrom(old, -1);
        }
        byKey.set(key, entry);
        countFrom(entry);
      }
      if (replaced.size > 0) {
        let kept = 0;
        for (const entry of list) if (!replaced.has(entry)) list[kept++] = entry;
        list.length = kept;
      }
      list.push(...batch.values());
      list.sort(compare);
      changed([...batch.values()]);
    },

    /** Entries after `place` (not including it), oldest first: a page of this copy for someone else. */
    *after(place: Place | undefined): Generator<ChatEntry> {
      let i = place === undefined ? 0 : position(place);
      if (place !== undefined && list[i] && compare(list[i]!, place) === 0) i++;
      for (; i < list.length; i++) yield list[i]!;
    },

    /** Adds many entries at once (history from storage): one sort, one change. */
    load(entries: readonly ChatEntry[]): void {
      const added: ChatEntry[] = [];
      for (const entry of entries) {
        const key = entryKey(entry);
        if (byKey.has(key)) continue;
        byKey.set(key, entry);
        list.push(entry);
        added.push(entry);
        countFrom(entry);
      }
      list.sort(compare);
      changed(added);
    },

    /** Calls `watcher` with the entries each change added or replaced; returns the way to stop. */
    watch(watcher: (changed: readonly ChatEntry[]) => void): () => void {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },

    /** Every entry, oldest first. Read-only: the log keeps it. Subscribes the reader. */
    all(): readonly ChatEntry[] {
      void revision.value;
      return list;
    },

    /** The newest `limit` entries that `include` keeps, oldest first. Subscribes the reader. */
    window(limit: number, include: (entry: ChatEntry) => boolean = () => true): ChatWindow {
      void revision.value;
      const entries: ChatEntry[] = [];
      let i = list.length - 1;
      for (; i >= 0 && entries.length < limit; i--) if (include(list[i]!)) entries.push(list[i]!);
      let hasEarlier = false;
      for (; i >= 0 && !hasEarlier; i--) hasEarlier = include(list[i]!);
      return { entries: entries.reverse(), hasEarlier };
    },

    /** How many messages from others there are, in one thread or in all. Subscribes the reader. */
    countFromOthers(thread?: string): number {
      void revision.value;
      if (thread !== undefined) return fromOthers.get(thread) ?? 0;
      let total = 0;
      for (const n of fromOthers.values()) total += n;
      return total;
    },

    get size(): number {
      return list.length;
    },
  };
}

export type ChatLog = ReturnType<typeof createChatLog>;
