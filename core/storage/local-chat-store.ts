import { readStoredEntry } from '../chat/stored-entry';
import { entryKey, type ChatEntry, type ChatStore } from '../chat/types';

/**
 * How long the conversation may be newer in memory than in `localStorage`. Each write is the whole
 * conversation (one key per session), so writing per message made every message cost more than the last:
 * the customer's page spent about a tenth of its time in it during a long chat (files benchmark).
 */
export const WRITE_EVERY_MS = 1_000;

export interface LocalChatStoreOptions {
  prefix?: string;
  now?: () => number;
  writeEveryMs?: number;
  /**
   * Calls `flush` when the page is going away or out of sight (`pagehide`, hidden), so a refresh or a
   * closed tab keeps everything; the join page passes its window's events.
   */
  whenLeaving?: (flush: () => void) => void;
}

/**
 * Chat history in `localStorage`, for the join page: a customer who refreshes keeps the conversation,
 * without loading an IndexedDB library before they have even joined.
 */
export function createLocalChatStore(storage: Storage, options: LocalChatStoreOptions = {}): ChatStore & { flush(): void } {
  const { prefix = 'rs.chat.', now = Date.now, writeEveryMs = WRITE_EVERY_MS } = options;
  // Read and checked once per session, then kept here: re-reading and re-validating the whole history on
  // every message made a long chat slower with each line (issue 6, chat round trip).
  const sessions = new Map<string, Map<string, ChatEntry>>();
  const read = (sessionId: string): Map<string, ChatEntry> => {
    let entries = sessions.get(sessionId);
    if (entries) return entries;
    entries = new Map();
    try {
      const parsed: unknown = JSON.parse(storage.getItem(prefix + sessionId) ?? '[]');
      if (Array.isArray(parsed)) {
        for (const row of parsed) {
          const entry = readStoredEntry(row, now());
          if (entry?.sessionId === sessionId) entries.set(entryKey(entry), entry);
        }
      }
    } catch {
      // Unreadable: start afresh.
    }
    sessions.set(sessionId, entries);
    return entries;
  };

  /** Sessions changed since their last write. */
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  function flush(): void {
    clearTimeout(timer);
    timer = undefined;
    for (const sessionId of dirty) {
      try {
        storage.setItem(prefix + sessionId, JSON.stringify([...read(sessionId).values()]));
      } catch {
        // Storage full or disabled: the conversation still works, it just won't survive a refresh.
      }
    }
    dirty.clear();
  }
  options.whenLeaving?.(flush);

  return {
    list: async (sessionId) => [...read(sessionId).values()],
    async putMany(batch) {
      for (const entry of batch) {
        read(entry.sessionId).set(entryKey(entry), entry);
        dirty.add(entry.sessionId);
      }
      if (dirty.size > 0) timer ??= setTimeout(flush, writeEveryMs);
    },
    flush,
  };
}
