import { batch, computed, signal } from '@preact/signals-core';
import {
  HISTORY_PAGE_BYTES,
  HISTORY_PAGE_ENTRIES,
  isRepRole,
  utf8Length,
  type HistoryCursor,
  type HistoryEntry,
  type HistoryPage,
  type HistoryRequest,
  type MeshMessage,
  type Participant,
} from '../protocol';
import { randomId } from '../ids';
import { DEFAULT_HISTORY_RATE } from '../mesh/mesh';
import { createTokenBucket, type TokenBucket } from '../token-bucket';
import type { Chat } from './chat';
import type { ChatEntry } from './types';

/** Pages taken from one holder at most (≤ 50,000 messages, ≤ 7 MB of text): a holder that never says "no more" stops there. */
export const HISTORY_MAX_PAGES = 500;
const DAY_MS = 86_400_000;
/** How long a page may take before its holder is given up on (an older version, a peer gone quiet). */
const PAGE_TIMEOUT_MS = 10_000;
/**
 * How fast pages are asked for from one holder: below the rate at which every mesh takes history pages
 * (`DEFAULT_HISTORY_RATE`), with room for jitter, or a long history's pages would be dropped on arrival.
 */
export const HISTORY_PACE = { perSecond: (DEFAULT_HISTORY_RATE.perSecond * 3) / 4, burst: DEFAULT_HISTORY_RATE.burst / 2 };

export interface HistorySyncDeps {
  sessionId: string;
  self: { participantId: string; role: Participant['role'] };
  chat: Pick<Chat, 'log' | 'adopt'>;
  /** Sends over the participant's reliable link; false when there is no open link right now. */
  send(participantId: string, message: MeshMessage): boolean;
  /** A participant's role, for anyone who was ever in the session. */
  roleOf(participantId: string): Participant['role'] | undefined;
  /** Participants in the session now. */
  present(): readonly Pick<Participant, 'id' | 'role'>[];
  /** Can this participant answer soon: their link is open, or the broker hears them. */
  reachable(participantId: string): boolean;
  /** Which of my messages `asker` may have (`ChatRules.copyFor`). */
  copyFor(asker: string): ((entry: ChatEntry) => boolean) | undefined;
  /** Whether to believe a holder's copy of a message (`ChatRules.copyFrom`). */
  copyFrom(holder: string, author: string, thread: string, via?: string): 'author' | 'relayed' | undefined;
  nameOf(participantId: string): string;
  /** When the session began: a copy's message from more than a day before it is not this session's. */
  startedAt: number;
  now?: () => number;
  /** Pages taken from one holder at most (`HISTORY_MAX_PAGES`). */
  maxPages?: number;
  /** How long a page may take before the holder is given up on (`PAGE_TIMEOUT_MS`). */
  pageTimeoutMs?: number;
  /** How fast pages are asked for from one holder (`HISTORY_PACE`; below the meshes' history rate). */
  pace?: { perSecond: number; burst: number };
}

/** What this participant knows of one holder's copy. */
interface Source {
  /** The request id of the page asked for and not yet received. */
  asked?: string;
  /** The holder's last message received: the next page starts after it. */
  after?: HistoryCursor;
  pages: number;
  /** Its copy came in full (or as far as this side takes one). */
  done: boolean;
  /** A page did not come in time: not waited for, and no reason not to ask customers (retried when the link reopens). */
  failed: boolean;
  /** The page now asked for was asked for once already (its answer was lost, or never came). */
  retried: boolean;
  pace: TokenBucket;
  /** The next request's turn (pacing), or the page's deadline. */
  timer?: ReturnType<typeof setTimeout>;
}

const wire = (entry: ChatEntry): HistoryEntry => ({
  id: entry.id,
  from: entry.senderId,
  thread: entry.thread,
  text: entry.text,
  sentAt: entry.sentAt,
  ...(entry.via === undefined ? {} : { via: entry.via }),
});

/**
 * The conversation so far, for a rep who joins late (an assistant, or an agent who takes a transfer):
 * it is pulled, a page at a time, from the participants who hold it, and merged into the chat
 * (de-duplicated by sender and id with what is here and with what arrives live meanwhile; stored).
 *
 * Reps ask every other rep (each holds every thread), once per link per runtime, and resume where they
 * stopped when a link drops. Customers are asked, each for their own thread, only while no other rep can
 * answer (none present and reachable, none whose copy came in full): reps' copies are preferred. Holders
 * answer reps only, a customer with its own thread only. What a copy says is judged by `copyFrom`;
 * pages nobody asked for are dropped. See docs/architecture.md, "History for reps who join late".
 */
export function createHistorySync(deps: HistorySyncDeps) {
  const me = deps.self.participantId;
  const now = deps.now ?? Date.now;
  const selfIsRep = isRepRole(deps.self.role);
  const maxPages = deps.maxPages ?? HISTORY_MAX_PAGES;
  const pageTimeoutMs = deps.pageTimeoutMs ?? PAGE_TIMEOUT_MS;
  const pace = deps.pace ?? HISTORY_PACE;
  let disposed = false;
  const sources = new Map<string, Source>();
  /** Holders with a page asked for and not yet received. */
  const waiting = signal<ReadonlySet<string>>(new Set());
  let dropped = 0;

  /** Whether a page from `holder` is on its way (asked for, or its turn is coming). */
  function setWaiting(holder: string, on: boolean): void {
    if (waiting.peek().has(holder) === on) return;
    const next = new Set(waiting.peek());
    if (on) next.add(holder);
    else next.delete(holder);
    waiting.value = next;
  }

  function setAsked(holder: string, source: Source, id: string | undefined): void {
    source.asked = id;
    clearTimeout(source.timer);
    source.timer = undefined;
    setWaiting(holder, id !== undefined);
  }

  function sourceOf(holder: string): Source {
    let source = sources.get(holder);
    if (!source) {
      source = { pages: 0, done: false, failed: false, retried: false, pace: createTokenBucket(pace.perSecond, pace.burst, now) };
      sources.set(holder, source);
    }
    return source;
  }

  function ask(holder: string): void {
    const source = sourceOf(holder);
    if (source.done || source.failed || source.asked !== undefined || source.timer !== undefined || disposed) return;
    if (!source.pace.take()) {
      setWaiting(holder, true);
      source.timer = setTimeout(() => {
        source.timer = undefined;
        ask(holder);
      }, 1000 / pace.perSecond);
      return;
    }
    const id = randomId();
    const request: HistoryRequest = { type: 'history-request', id, ...(source.after ? { after: source.after } : {}) };
    // No open link (it closed while this request waited its turn): asked again when it reopens.
    if (!deps.send(holder, request)) return setWaiting(holder, false);
    setAsked(holder, source, id);
    source.timer = setTimeout(() => giveUp(holder, source), pageTimeoutMs);
  }

  /** No page in time: ask once more (a page can be lost with a link), then stop waiting for this holder. */
  function giveUp(holder: string, source: Source): void {
    setAsked(holder, source, undefined);
    if (!source.retried) {
      source.retried = true;
      return ask(holder);
    }
    source.failed = true;
    reconsider();
  }

  const otherReps = () => deps.present().filter((p) => p.id !== me && isRepRole(p.role));

  /** A rep's copy came in full, or some rep here can still give one: customers need not be asked. */
  function repsCover(): boolean {
    for (const [holder, source] of sources) if (source.done && isRepRole(deps.roleOf(holder))) return true;
    return otherReps().some((p) => deps.reachable(p.id) && !sources.get(p.id)?.failed);
  }

  /** Ask customers for their threads if no rep can give them. */
  function reconsider(): void {
    if (!selfIsRep || repsCover()) return;
    for (const p of deps.present()) if (p.role === 'customer') ask(p.id);
  }

  /** A page of my copy for `asker`, after their cursor. */
  function answer(asker: string, request: HistoryRequest): void {
    const shareable = deps.copyFor(asker);
    if (!shareable) return void dropped++;
    const after = request.after && { sentAt: request.after.sentAt, senderId: request.after.from, id: request.after.id };
    const entries: HistoryEntry[] = [];
    let bytes = 0;
    let more = false;
    for (const entry of deps.chat.log.after(after)) {
      if (!shareable(entry)) continue;
      const item = wire(entry);
      const size = utf8Length(JSON.stringify(item));
      // A message too big for a page on its own (its JSON escapes swelled it) could not cross a JSON
      // link live either: it is left out.
      if (size > HISTORY_PAGE_BYTES) continue;
      if (entries.length === HISTORY_PAGE_ENTRIES || bytes + size > HISTORY_PAGE_BYTES) {
        more = true;
        break;
      }
      entries.push(item);
      bytes += size;
    }
    const page: HistoryPage = { type: 'history', id: request.id, entries, more };
    deps.send(asker, page);
  }

  /** Judges a page's messages one by one and merges those believed. */
  function take(holder: string, page: HistoryPage): void {
    const source = sources.get(holder);
    if (!source || source.asked !== page.id) return void dropped++;
    batch(() => takePage(holder, source, page));
  }

  function takePage(holder: string, source: Source, page: HistoryPage): void {
    setAsked(holder, source, undefined);
    source.retried = false;
    source.pages++;
    const t = now();
    const taken: ChatEntry[] = [];
    for (const item of page.entries) {
      const verdict = deps.copyFrom(holder, item.from, item.thread, item.via);
      const inSession = item.sentAt >= deps.startedAt - DAY_MS && item.sentAt <= t + DAY_MS;
      if (!verdict || !inSession) {
        dropped++;
        continue;
      }
      taken.push({
        sessionId: deps.sessionId,
        id: item.id,
        senderId: item.from,
        senderName: deps.nameOf(item.from),
        thread: item.thread,
        text: item.text,
        sentAt: item.sentAt,
        mine: item.from === me,
        sentTo: [],
        pendingFor: [],
        ...(verdict === 'relayed' ? { via: item.via ?? holder } : {}),
      });
    }
    deps.chat.adopt(taken);
    const last = page.entries[page.entries.length - 1];
    if (page.more && last && source.pages < maxPages) {
      source.after = { sentAt: last.sentAt, from: last.from, id: last.id };
      ask(holder);
    } else {
      source.done = true;
    }
  }

  return {
    name: 'chat-history',
    messageTypes: ['history-request', 'history'] as const,
    callKinds: [] as const,
    /** Pages are on their way to this participant. */
    running: computed(() => waiting.value.size > 0),
    survivesStops: true,

    receive(from: string, message: MeshMessage): void {
      if (message.type === 'history-request') answer(from, message);
      else if (message.type === 'history') take(from, message);
    },

    /** A link opened: ask that rep (or customer, when no rep can answer) for what it holds. */
    linkOpened(participantId: string): void {
      if (!selfIsRep) return;
      const source = sources.get(participantId);
      if (source) {
        source.failed = false;
        // A new link (a reconnect, or one that replaced another): what was asked on the old one is lost.
        setAsked(participantId, source, undefined);
      }
      const role = deps.roleOf(participantId);
      if (isRepRole(role)) ask(participantId);
      else if (role === 'customer' && !repsCover()) ask(participantId);
    },

    /** A link closed or someone left: their page will not come (a reopened link asks again from there). */
    participantGone(participantId: string): void {
      const source = sources.get(participantId);
      if (source) setAsked(participantId, source, undefined);
      reconsider();
    },

    /** Who can answer changed (the broker's presence): customers may be needed now. */
    reconsider,
    stop: () => undefined,
    dispose(): void {
      disposed = true;
      for (const [holder, source] of sources) setAsked(holder, source, undefined);
    },

    /** Requests from those who may not ask, pages nobody asked for, messages a copy may not vouch for. */
    get droppedCount() {
      return dropped;
    },
  };
}

export type HistorySync = ReturnType<typeof createHistorySync>;
