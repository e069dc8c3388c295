import { batch, computed, signal, type ReadonlySignal } from '@preact/signals-core';
import type { CreateInviteRequest, Knock, Participant, Self, Session, SessionDetail, SessionEvent } from '../protocol';
import type { BrokerClient } from '../broker/client';
import { openEventStream } from '../broker/events';
import { createChat } from '../chat/chat';
import type { ChatStore } from '../chat/types';
import { createMesh } from '../mesh/mesh';
import type { PeerTransport } from '../mesh/transport';
import { createScreenShare } from '../share/screen-share';

export type SessionStatus = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'left';
export type LinkState = 'connected' | 'connecting' | 'reconnecting' | 'offline' | 'left';

/** Why every share in the session stopped: the controller turned to another customer. */
export interface ShareStop {
  activeCustomerId: string | null;
  at: number;
}

export interface SessionRuntimeDeps {
  broker: BrokerClient;
  /** Token for the events socket: the rep's token or the customer's peerToken. */
  eventsToken: string;
  detail: SessionDetail & { self: Self };
  chatStore: ChatStore;
  createTransport(self: Self): PeerTransport;
  getDisplayMedia(): Promise<MediaStream>;
  WebSocket?: typeof WebSocket;
}

/**
 * One session as one participant lives it: the roster (kept current by broker events), the peer mesh
 * to everyone on it, chat and screen sharing. Framework-free: the UI reads its signals and calls its actions.
 */
export async function createSessionRuntime(deps: SessionRuntimeDeps) {
  const { self } = deps.detail;
  const sessionId = deps.detail.session.id;
  const session = signal<Session>(deps.detail.session);
  const participants = signal<Participant[]>(deps.detail.participants);
  const openLinks = signal<ReadonlySet<string>>(new Set());
  const eventsLive = signal(false);
  const everLive = signal(false);
  const ended = signal<'ended' | 'left' | null>(deps.detail.session.status === 'ended' ? 'ended' : null);
  const present = computed(() => participants.value.filter((p) => p.leftAt === null));
  /** Customers asking to join by number (reps only: the broker never tells customers). */
  const knocks = signal<Knock[]>(deps.detail.knocks ?? []);
  const dropKnock = (waitId: string) => (knocks.value = knocks.value.filter((k) => k.waitId !== waitId));
  const activeCustomerId = signal<string | null>(deps.detail.activeCustomerId ?? null);
  const shareStop = signal<ShareStop | undefined>(undefined);
  /** Customers turned away because the rep was at their limit (reps only). */
  const refusals = signal<{ name: string; at: number }[]>([]);
  /** Participants whose link has been open at least once: a closed link then means "reconnecting". */
  const everLinked = new Set<string>();

  // Chat and share reach the mesh through closures: the mesh is created after history is loaded and its
  // roster is set in the same tick, so no link opens before everything that reacts to it exists.
  const chat = createChat({
    sessionId,
    self: { participantId: self.participantId, name: self.name },
    store: deps.chatStore,
    send: (to, message) => mesh.send(to, message),
    recipients: () => present.value.filter((p) => p.id !== self.participantId).map((p) => p.id),
    nameOf: (id) => participants.value.find((p) => p.id === id)?.name ?? '',
  });
  await chat.load();

  const share = createScreenShare({
    openParticipants: () => [...openLinks.value],
    call: (to, stream, metadata) => mesh.call(to, stream, metadata),
    broadcast: (message) => mesh.broadcast(message),
    getDisplayMedia: deps.getDisplayMedia,
  });

  const transport = deps.createTransport(self);
  const mesh = createMesh({
    transport,
    selfPeerId: self.peerId,
    onMessage(from, message) {
      if (message.type === 'chat' || message.type === 'chat-ack') chat.receive(from, message);
      else share.receive(from, message);
    },
    onLinkOpen(participantId) {
      everLinked.add(participantId);
      openLinks.value = new Set(openLinks.value).add(participantId);
      chat.linkOpened(participantId);
      share.linkOpened(participantId);
    },
    onLinkClose(participantId) {
      const next = new Set(openLinks.value);
      next.delete(participantId);
      openLinks.value = next;
      share.participantGone(participantId);
    },
    onCall: (participantId, call) => share.incomingCall(participantId, call),
  });

  const syncRoster = () => mesh.setRoster(present.value.map((p) => ({ participantId: p.id, peerId: p.peerId })));
  syncRoster();

  function finish(reason: 'ended' | 'left'): void {
    if (ended.value && reason === 'left') return;
    batch(() => {
      ended.value = reason;
      if (reason === 'ended') session.value = { ...session.value, status: 'ended', endedAt: session.value.endedAt ?? Date.now() };
    });
    dispose();
  }

  function apply(event: SessionEvent): void {
    if (event.sessionId !== sessionId) return;
    switch (event.type) {
      case 'participant-joined':
        participants.value = [...participants.value.filter((p) => p.id !== event.participant.id), event.participant];
        syncRoster();
        chat.participantJoined(event.participant.id, event.participant.joinedAt);
        return;
      case 'participant-left':
        participants.value = participants.value.map((p) => (p.id === event.participantId ? { ...p, leftAt: event.at } : p));
        chat.participantLeft(event.participantId);
        share.participantGone(event.participantId);
        if (event.participantId === self.participantId) finish('left');
        break;
      case 'session-ended':
        knocks.value = [];
        finish('ended');
        return;
      case 'knock':
        knocks.value = [...knocks.value.filter((k) => k.waitId !== event.knock.waitId), event.knock];
        return;
      case 'knock-ended':
        dropKnock(event.waitId);
        return;
      case 'active-customer':
        if (event.participantId === activeCustomerId.value) return;
        batch(() => {
          activeCustomerId.value = event.participantId;
          // A new customer is the subject now: whatever was shared stops, here and on every other side.
          if (share.local.value || share.remote.value.size > 0)
            shareStop.value = { activeCustomerId: event.participantId, at: event.at };
        });
        share.stopAll();
        return;
      case 'customer-refused':
        refusals.value = [...refusals.value, { name: event.name, at: event.at }];
        return;
    }
    syncRoster();
  }

  const events = openEventStream({
    baseUrl: deps.broker.baseUrl,
    token: deps.eventsToken,
    since: { [sessionId]: deps.detail.lastSeq },
    onEvent: apply,
    onStatus: (live) => {
      eventsLive.value = live;
      if (live) everLive.value = true;
    },
    // Refused: we left or the session ended while we were away. Ask the broker which.
    onUnauthorized: () => void refresh(),
    WebSocket: deps.WebSocket,
  });

  async function refresh(): Promise<void> {
    try {
      const detail = await deps.broker.getSession(sessionId);
      participants.value = detail.participants;
      if (detail.session.status === 'ended') finish('ended');
      else if (!detail.self) finish('left');
    } catch {
      finish('left');
    }
  }

  let disposed = false;
  function dispose(): void {
    if (disposed) return;
    disposed = true;
    events.close();
    share.dispose();
    mesh.destroy();
  }

  const linkStates = computed(() => {
    const states = new Map<string, LinkState>();
    for (const p of participants.value) {
      if (p.id === self.participantId) continue;
      if (p.leftAt !== null) states.set(p.id, 'left');
      else if (openLinks.value.has(p.id)) states.set(p.id, 'connected');
      else if (!eventsLive.value) states.set(p.id, 'offline');
      else states.set(p.id, everLinked.has(p.id) ? 'reconnecting' : 'connecting');
    }
    return states;
  });

  return {
    sessionId,
    self,
    session: session as ReadonlySignal<Session>,
    participants: participants as ReadonlySignal<Participant[]>,
    present,
    linkStates,
    status: computed<SessionStatus>(
      () => ended.value ?? (eventsLive.value ? 'live' : everLive.value ? 'reconnecting' : 'connecting'),
    ),
    knocks: knocks as ReadonlySignal<Knock[]>,
    activeCustomerId: activeCustomerId as ReadonlySignal<string | null>,
    /** Who is sharing a screen right now, this participant included. */
    sharing: computed<ReadonlySet<string>>(() => {
      const ids = new Set(share.remote.value.keys());
      if (share.local.value) ids.add(self.participantId);
      return ids;
    }),
    /** Set when a switch of customer stopped the shares; the UI says why. */
    shareStop: shareStop as ReadonlySignal<ShareStop | undefined>,
    refusals: refusals as ReadonlySignal<{ name: string; at: number }[]>,
    /** Controller only: help this customer now (every share stops, on every side). */
    setActiveCustomer: (participantId: string) => deps.broker.setActiveCustomer(sessionId, participantId),
    chat,
    share,
    get droppedMessages() {
      return mesh.droppedCount;
    },
    /** Controller only: ends the session for everyone. */
    async end(): Promise<void> {
      await deps.broker.end(sessionId);
      finish('ended');
    },
    async leave(): Promise<void> {
      await deps.broker.leave(sessionId);
      finish('left');
    },
    /** Controller only: let a customer who knocked in, or turn them away. */
    async admit(waitId: string): Promise<void> {
      await deps.broker.admit(sessionId, waitId);
      dropKnock(waitId);
    },
    async decline(waitId: string): Promise<void> {
      await deps.broker.decline(sessionId, waitId);
      dropKnock(waitId);
    },
    invite: (request: CreateInviteRequest) => deps.broker.createInvite(sessionId, request),
    listInvites: () => deps.broker.listInvites(sessionId),
    /** One invite, or every outstanding one; revoking the session's link gives it a new one. */
    async revokeInvites(inviteId?: string): Promise<number> {
      const { revoked, session: next } = await deps.broker.revokeInvites(sessionId, inviteId ? { inviteId } : {});
      session.value = { ...session.value, joinUrl: next.joinUrl };
      return revoked;
    },
    dispose,
  };
}

export type SessionRuntime = Awaited<ReturnType<typeof createSessionRuntime>>;
