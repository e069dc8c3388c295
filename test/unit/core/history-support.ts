import { afterEach } from 'vitest';
import { createChat } from '../../../core/chat/chat';
import { chatActivity } from '../../../core/chat/chat-activity';
import { createHistorySync } from '../../../core/chat/history-sync';
import { createMemoryChatStore, type ChatEntry, type ChatStore } from '../../../core/chat/types';
import { createMemoryNetwork } from '../../../core/mesh/memory-transport';
import { createMesh } from '../../../core/mesh/mesh';
import type { DataLink } from '../../../core/mesh/transport';
import type { Participant } from '../../../core/protocol';
import { createActivityRegistry } from '../../../core/session/activities';
import { chatRules } from '../../../core/session/chat-rules';

export const SESSION = 'session-history';
/**
 * The meshes' history rate and the pace of asking, in the same proportion as production's
 * (`DEFAULT_HISTORY_RATE`, `HISTORY_PACE`) but faster, so a history of many pages takes a fraction of a second.
 */
export const HISTORY_RATE = { perSecond: 400, burst: 40 };
const PACE = { perSecond: 300, burst: 20 };
export const STARTED = 1_700_000_000_000;

export const who = (id: string, role: Participant['role'], peer: string): Participant => ({
  id,
  role,
  name: id.split('-')[0]!.replace(/^./, (c) => c.toUpperCase()),
  peerId: `p${peer.repeat(24)}`,
  joinedAt: STARTED,
  leftAt: null,
});

/** The session's people (ids as the broker would make them; names from the first word). */
export const RITA = who('rita-controller', 'controller', 'R');
export const BOB = who('bob-assistant', 'assistant', 'B');
export const CAROL = who('carol-assistant', 'assistant', 'C');
export const ANN = who('ann-customer', 'customer', 'A');
export const BEA = who('bea-customer', 'customer', 'E');
/** Sorts before everyone's peer id, so the others' dials to her are the links that stay. */
export const MALLORY = who('mallory-customer', 'customer', '0');

/** A message as a participant's store keeps it. */
export function entry(author: Participant, thread: string, n: number, holder: Participant): ChatEntry {
  return {
    sessionId: SESSION,
    id: `msg-${author.id}-${String(n).padStart(5, '0')}`,
    senderId: author.id,
    senderName: author.name,
    thread,
    text: `${author.name} says #${n} in ${thread}`,
    sentAt: STARTED + n * 1000,
    mine: author.id === holder.id,
    sentTo: [],
    pendingFor: [],
  };
}

/**
 * A session over the in-memory network, each participant wired as the session runtime wires them (chat,
 * history sync, the mesh's rate limits and validation), without a broker: the roster and who the broker
 * "hears" are the test's to change.
 */
export function createWorld() {
  const wire: { from: string; to: string; message: unknown }[] = [];
  const net = createMemoryNetwork({ tap: (from, to, message) => wire.push({ from, to, message }) });
  const roster: Participant[] = [];
  const online = new Set<string>();
  const members: {
    self: Participant;
    mesh: ReturnType<typeof createMesh>;
    history: ReturnType<typeof createHistorySync>;
    destroy(): void;
  }[] = [];
  const present = () => roster.filter((p) => p.leftAt === null);
  const peersNow = () => present().map((p) => ({ participantId: p.id, peerId: p.peerId }));

  async function member(
    self: Participant,
    store: ChatStore = createMemoryChatStore(),
    options: { maxPages?: number; pageTimeoutMs?: number } = {},
  ) {
    const rules = chatRules({ self: { participantId: self.id, role: self.role }, participants: present, everyone: () => roster });
    const open = new Set<string>();
    const nameOf = (id: string) => roster.find((p) => p.id === id)?.name ?? '';
    const chat = createChat({
      sessionId: SESSION,
      self: { participantId: self.id, name: self.name },
      store,
      send: (to, message) => mesh.send(to, message),
      recipients: rules.recipients,
      accepts: rules.accepts,
      nameOf,
    });
    await chat.load();
    const history = createHistorySync({
      sessionId: SESSION,
      self: { participantId: self.id, role: self.role },
      chat,
      send: (to, message) => mesh.send(to, message),
      roleOf: (id) => roster.find((p) => p.id === id)?.role,
      present,
      reachable: (id) => open.has(id) || online.has(id),
      copyFor: rules.copyFor,
      copyFrom: rules.copyFrom,
      nameOf,
      startedAt: STARTED,
      pace: PACE,
      ...options,
    });
    const activities = createActivityRegistry();
    activities.register(chatActivity(chat));
    activities.register(history);
    const mesh = createMesh({
      transport: net.join(self.peerId),
      selfPeerId: self.peerId,
      reconnectPolicy: () => 5,
      heartbeat: { intervalMs: 60_000, deadAfterMs: 120_000 },
      historyRate: HISTORY_RATE,
      onMessage: (from, message) => void activities.receive(from, message),
      onLinkOpen: (id) => (open.add(id), activities.linkOpened(id)),
      onLinkClose: (id) => (open.delete(id), activities.participantGone(id)),
      onCall: (_id, call) => call.close(),
    });
    const person = { self, chat, history, mesh, store, open, destroy: () => (mesh.destroy(), chat.dispose()) };
    members.push(person);
    online.add(self.id);
    mesh.setRoster(peersNow());
    return person;
  }

  /** A participant who joined for real and then speaks raw mesh messages instead of running a page. */
  function hostile(self: Participant) {
    const transport = net.join(self.peerId);
    const links = new Map<string, DataLink>();
    const inbox: { from: string; message: Record<string, unknown> }[] = [];
    transport.onConnection((link) => {
      links.set(link.remotePeerId, link);
      link.onData((message) => inbox.push({ from: link.remotePeerId, message: message as Record<string, unknown> }));
    });
    online.add(self.id);
    return {
      inbox,
      isLinked: (to: Participant) => links.get(to.peerId)?.isOpen === true,
      send: (to: Participant, message: unknown) => links.get(to.peerId)!.send(message),
      destroy: () => transport.destroy(),
    };
  }

  return {
    wire,
    online,
    roster,
    /** Someone joins the roster (as the broker's event would tell everyone). */
    join(...people: Participant[]): void {
      roster.push(...people.map((p) => ({ ...p })));
      members.forEach((m) => m.mesh.setRoster(peersNow()));
    },
    /** Someone left: off everyone's roster, their mesh gone, and everyone told (as the runtime does). */
    leave(person: Participant): void {
      const p = roster.find((q) => q.id === person.id)!;
      p.leftAt = Date.now();
      const i = members.findIndex((m) => m.self.id === p.id);
      if (i >= 0) members.splice(i, 1)[0]!.destroy();
      online.delete(p.id);
      for (const m of members) {
        m.mesh.setRoster(peersNow());
        m.history.participantGone(p.id);
      }
    },
    member,
    hostile,
    /** A member's browser goes away without leaving: links close, the broker stops hearing them. */
    goOffline(person: Participant): void {
      const i = members.findIndex((m) => m.self.id === person.id);
      if (i >= 0) members.splice(i, 1)[0]!.destroy();
      online.delete(person.id);
    },
    /** Messages of `type` that crossed from one peer to another. */
    sent: (type: string, from?: Participant, to?: Participant) =>
      wire.filter(
        (w) => (w.message as { type?: string }).type === type && (!from || w.from === from.peerId) && (!to || w.to === to.peerId),
      ),
    destroy: () => members.forEach((m) => m.destroy()),
  };
}

export type Member = Awaited<ReturnType<ReturnType<typeof createWorld>['member']>>;

/** Worlds a test file creates; each is torn down after its test. */
export function worldsDestroyedAfterEach(): ReturnType<typeof createWorld>[] {
  const worlds: ReturnType<typeof createWorld>[] = [];
  afterEach(() => worlds.splice(0).forEach((w) => w.destroy()));
  return worlds;
}

/** A store that already holds `entries` (what the participant had before this runtime started). */
export async function storeWith(entries: readonly ChatEntry[]): Promise<ChatStore> {
  const store = createMemoryChatStore();
  await store.putMany(entries);
  return store;
}

/** How a log reads, participant-independent: key, author's name, thread, text, time, relayed by. */
export const readable = (log: readonly ChatEntry[]) =>
  log.map((e) => [`${e.senderId}/${e.id}`, e.senderName, e.thread, e.text, e.sentAt, e.via ?? null]);
