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
export type LinkState = 'connected' | 'connecting' | 'offline';

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

  // Chat and share reach the mesh through closures: the mesh is created after history is loaded and its
  // roster is set in the same tick, so no link opens before everything that reacts to it exists.
  const chat = createChat({
    sessionId,
    self: { participantId: self.participantId, name: self.name },
    store: deps.chatStore,
    send: (to, message) => mesh.send(to, message),
    recipients: () => present.value.filter((p) => p.id !== self.participantId).map((p) => p.id),
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
    for (const p of present.value) {
      if (p.id === self.participantId) continue;
      states.set(p.id, openLinks.value.has(p.id) ? 'connected' : eventsLive.value ? 'connecting' : 'offline');
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
