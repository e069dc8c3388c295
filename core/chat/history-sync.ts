import { computed, signal } from '@preact/signals-core';
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
import type { Chat } from './chat';
import type { ChatEntry } from './types';

/** Pages taken from one holder at most (≤ 50,000 messages, ≤ 7 MB of text): a holder that never says "no more" stops there. */
export const HISTORY_MAX_PAGES = 500;
const DAY_MS = 86_400_000;

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
}

/** What this participant knows of one holder's copy. */
interface Source {
  /** The request id of the page asked for and not yet received. */
  asked?: string;
  /** The holder's last message received: the next page starts after it. */
  after?: HistoryCursor;
  pages: number;
  done: boolean;
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
 * pages nobody asked for are dropped. See docs/architecture.md, "History for late joiners".
 */
export function createHistorySync(deps: HistorySyncDeps) {
  const me = deps.self.participantId;
  const now = deps.now ?? Date.now;
  const selfIsRep = isRepRole(deps.self.role);
  const maxPages = deps.maxPages ?? HISTORY_MAX_PAGES;
  const sources = new Map<string, Source>();
  /** Holders with a page asked for and not yet received. */
  const waiting = signal<ReadonlySet<string>>(new Set());
  let dropped = 0;

  function setAsked(holder: string, source: Source, id: string | undefined): void {
    source.asked = id;
    const next = new Set(waiting.value);
    if (id === undefined) next.delete(holder);
    else next.add(holder);
    waiting.value = next;
  }

  function ask(holder: string): void {
    const source = sources.get(holder) ?? { pages: 0, done: false };
    sources.set(holder, source);
    if (source.done || source.asked !== undefined) return;
    const id = randomId();
    const request: HistoryRequest = { type: 'history-request', id, ...(source.after ? { after: source.after } : {}) };
    if (deps.send(holder, request)) setAsked(holder, source, id);
  }

  const otherReps = () => deps.present().filter((p) => p.id !== me && isRepRole(p.role));

  /** A rep's copy came in full, or some rep here can still give one: customers need not be asked. */
  function repsCover(): boolean {
    for (const [holder, source] of sources) if (source.done && isRepRole(deps.roleOf(holder))) return true;
    return otherReps().some((p) => deps.reachable(p.id));
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
    setAsked(holder, source, undefined);
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
      const role = deps.roleOf(participantId);
      if (isRepRole(role)) ask(participantId);
      else if (role === 'customer' && !repsCover()) ask(participantId);
    },

    /** A link closed or someone left: their page will not come (a reopened link asks again from there). */
    participantGone(participantId: string): void {
      const source = sources.get(participantId);
      if (source?.asked !== undefined) setAsked(participantId, source, undefined);
      reconsider();
    },

    /** Who can answer changed (the broker's presence): customers may be needed now. */
    reconsider,
    stop: () => undefined,
    dispose: () => undefined,

    /** Requests from those who may not ask, pages nobody asked for, messages a copy may not vouch for. */
    get droppedCount() {
      return dropped;
    },
  };
}

export type HistorySync = ReturnType<typeof createHistorySync>;
