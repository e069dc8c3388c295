import { batch, computed, effect, signal, type ReadonlySignal } from '@preact/signals-core';
import {
  isRepRole,
  type CallMetadata,
  type MeshMessage,
  type CreateInviteRequest,
  type Knock,
  type Participant,
  type Self,
  type Session,
  type SessionDetail,
  type SessionEvent,
} from '../protocol';
import type { BrokerClient } from '../broker/client';
import { isBrokerError } from '../broker/errors';
import { openEventStream } from '../broker/events';
import { createChat } from '../chat/chat';
import { chatActivity } from '../chat/chat-activity';
import { createHistorySync } from '../chat/history-sync';
import type { ChatStore } from '../chat/types';
import { createMesh } from '../mesh/mesh';
import type { PeerTransport } from '../mesh/transport';
import { createScreenShare } from '../share/screen-share';
import { CAMERA, REP_SCREEN } from '../share/share-kinds';
import type { Facing, SessionMedia } from '../media/devices';
import { createVoice } from '../media/voice';
import { createRecording, owned, ownedBy } from '../recording/recording';
import type { RecordingStore } from '../recording/types';
import { createActivityRegistry, type StopReason } from './activities';
import { chatRules } from './chat-rules';
import {
  controllerOf,
  initialSessionState,
  mayShareIn,
  permissionsOf,
  presentOf,
  reduceSession,
  withoutKnock,
  type SessionState,
} from './session-state';
import { sessionTimeline } from './timeline';
import { startIceRenewal } from '../mesh/ice-renewal';
import { createFiles } from '../files/files-activity';
import { hasOpfs, opfsFileStore } from '../files/opfs-store';
import { memoryFileStore, type FileStore } from '../files/store';
import type { RelayState } from '../mesh/relay-check';

export type EndReason = 'ended' | 'left' | 'removed' | 'timeout';
export type SessionStatus = 'connecting' | 'live' | 'reconnecting' | EndReason;
export type LinkState = 'connected' | 'connecting' | 'reconnecting' | 'offline' | 'left';

/** The session is over for this participant: ended, or they are out of it. */
export const isOver = (status: SessionStatus): status is EndReason =>
  status === 'ended' || status === 'left' || status === 'removed' || status === 'timeout';

/**
 * What a person should be told after the controller turned to another customer or control passed to
 * another rep: what ran stopped (and why), or (the new active customer) they may share now. Cleared
 * when an activity starts again.
 */
export type ActivityNotice =
  { kind: 'stopped'; reason: StopReason; activities: readonly string[]; at: number } | { kind: 'your-turn'; at: number };

export interface SessionRuntimeDeps {
  broker: BrokerClient;
  /** Token for the events socket: the rep's token or the customer's peerToken. */
  eventsToken: string;
  detail: SessionDetail & { self: Self };
  chatStore: ChatStore;
  createTransport(self: Self): PeerTransport;
  /** Screen, microphone and camera as this browser has them (a phone has no screen capture). */
  media: SessionMedia;
  /** Where the controller's recordings go (the rep's extension; customers' pages have none). */
  recordings?: RecordingStore;
  /**
   * Reps only: the broker refused the rep's token (signed out elsewhere, expired, revoked). The session
   * is not over; the rep must sign in again. Without it (customers) the broker is asked what happened.
   */
  onSignedOut?(reason: string): void;
  WebSocket?: typeof WebSocket;
  /** Where received files are written; default OPFS (memory where a browser has none, and in Node). */
  fileStore?: FileStore;
}

/** MAX_FILE_MB of brokers that do not say. */
const DEFAULT_MAX_FILE_MB = 2048;

/**
 * One session as one participant lives it: the roster (kept current by broker events), who is online,
 * the peer mesh to everyone on it, private chat threads and screen sharing with the broker's rules.
 * Framework-free: the UI reads its signals and calls its actions.
 */
export async function createSessionRuntime(deps: SessionRuntimeDeps) {
  const { self } = deps.detail;
  const sessionId = deps.detail.session.id;
  /** Roles, controller, active customer, knocks: the event log's state, through one pure reducer. */
  const state = signal<SessionState>(initialSessionState(deps.detail));
  /** The customer link, given to the controller only: kept from the start (a reload's stored copy), after revokes. */
  const joinUrl = signal(deps.detail.session.joinUrl);
  const session = computed<Session>(() => {
    const { joinUrl: _fromDetail, ...rest } = state.value.session;
    return joinUrl.value === undefined ? rest : { ...rest, joinUrl: joinUrl.value };
  });
  const participants = computed(() => state.value.participants as Participant[]);
  const openLinks = signal<ReadonlySet<string>>(new Set());
  const eventsLive = signal(false);
  const everLive = signal(false);
  const ended = signal<EndReason | null>(deps.detail.session.status === 'ended' ? 'ended' : null);
  /** Who the broker hears from; null until it has said (an older broker never does). */
  const online = signal<ReadonlySet<string> | null>(deps.detail.online ? new Set(deps.detail.online) : null);
  const present = computed(() => presentOf(state.value));
  const permissions = computed(() => permissionsOf(state.value, self.participantId));
  const activeCustomerId = computed(() => state.value.activeCustomerId);
  const notice = signal<ActivityNotice | undefined>(undefined);
  /** Participants whose messages came too fast and were partly dropped (each reported once). */
  const flooding = signal<readonly string[]>([]);
  /** Participants whose link has been open at least once: a closed link then means "reconnecting". */
  const everLinked = new Set<string>();

  const nameOf = (participantId: string) => state.value.participants.find((p) => p.id === participantId)?.name ?? '';
  /** The broker's rule, kept on this side too: the session's reps and the active customer may share. */
  const mayShare = (participantId: string) => mayShareIn(state.value, participantId);
  const rules = chatRules({ self, participants: () => present.value, everyone: () => participants.value });

  // Activities reach the mesh through closures: the mesh is created after history is loaded and its
  // roster is set in the same tick, so no link opens before everything that reacts to it exists.
  const activities = createActivityRegistry();
  const chat = createChat({
    sessionId,
    self: { participantId: self.participantId, name: self.name },
    store: deps.chatStore,
    send: (to, message) => mesh.send(to, message),
    recipients: rules.recipients,
    accepts: rules.accepts,
    nameOf,
  });
  await chat.load();
  activities.register(chatActivity(chat));

  // A rep who joins late gets the conversation so far from those who hold it (issues 12 and 17).
  const history = activities.register(
    createHistorySync({
      sessionId,
      self,
      chat,
      send: (to, message) => mesh.send(to, message),
      roleOf: (participantId) => state.value.participants.find((p) => p.id === participantId)?.role,
      present: () => present.value,
      reachable: (participantId) => openLinks.value.has(participantId) || (online.value?.has(participantId) ?? true),
      copyFor: rules.copyFor,
      copyFrom: rules.copyFrom,
      nameOf,
      startedAt: deps.detail.session.createdAt,
    }),
  );

  const peers = {
    selfId: self.participantId,
    openParticipants: () => [...openLinks.value],
    call: (to: string, stream: MediaStream, metadata: CallMetadata) => mesh.call(to, stream, metadata),
    broadcast: (message: MeshMessage) => mesh.broadcast(message),
    send: (to: string, message: MeshMessage) => mesh.send(to, message),
  };
  const { media } = deps;
  const noCapture = () => Promise.reject(new DOMException('This browser cannot capture that', 'NotSupportedError'));
  /** The customer's screen (reps may share here too; the panel offers them their own kind below). */
  const share = activities.register(createScreenShare({ ...peers, mayShare, capture: media.getDisplayMedia ?? noCapture }));
  /** A rep's own screen: only reps send it, everyone sees it (the customer's page large). */
  const isRepNow = (participantId: string) => isRepRole(present.value.find((p) => p.id === participantId)?.role);
  const repShare = activities.register(
    createScreenShare({ ...peers, kind: REP_SCREEN, mayShare: isRepNow, capture: media.getDisplayMedia ?? noCapture }),
  );
  /** Which camera a phone shows; switching restarts the video with the other one. */
  const facing = signal<Facing>('user');
  const camera = activities.register(
    createScreenShare({
      ...peers,
      kind: CAMERA,
      mayShare,
      capture: () =>
        media.getUserMedia ? media.getUserMedia({ video: { facingMode: facing.value }, audio: false }) : noCapture(),
    }),
  );
  const voice = activities.register(
    createVoice({ ...peers, media, isController: (participantId) => controllerOf(state.value)?.id === participantId }),
  );
  const recording = activities.register(
    createRecording({
      selfId: self.participantId,
      sessionId,
      state: computed(() => state.value.recording),
      isController: () => permissions.value.isController,
      roleOf: (participantId) => present.value.find((p) => p.id === participantId)?.role,
      customers: () => present.value.filter((p) => p.role === 'customer'),
      send: peers.send,
      setRecording: (on) => deps.broker.setRecording(sessionId, on),
      media: {
        // Whichever screen is live: the customer's first, then a rep's (mine or a colleague's).
        screens: () => [
          ...owned(share.remote.value),
          ...ownedBy(self.participantId, repShare.local.value),
          ...owned(repShare.remote.value),
          ...ownedBy(self.participantId, share.local.value),
        ],
        voices: () => [...ownedBy(self.participantId, voice.microphone()), ...owned(voice.streams.value)],
      },
      record: media.record,
      store: deps.recordings,
      chat: () => chat.log.all(),
      describe: () => ({
        sessionNumber: state.value.session.number,
        customer: present.value
          .filter((p) => p.role === 'customer')
          .map((p) => p.name)
          .join(', '),
      }),
    }),
  );
  const files = activities.register(
    createFiles({
      selfId: self.participantId,
      selfRole: self.role,
      sessionId,
      roleOf: (participantId) => present.value.find((p) => p.id === participantId)?.role,
      others: () => present.value.filter((p) => p.id !== self.participantId).map((p) => p.id),
      controllerId: () => controllerOf(state.value)?.id,
      send: (to, message) => mesh.send(to, message),
      openChannel: (to, label) => mesh.openChannel(to, label),
      maxFileBytes: (self.maxFileMb ?? DEFAULT_MAX_FILE_MB) * 1024 * 1024,
      store: deps.fileStore ?? (hasOpfs() ? opfsFileStore() : memoryFileStore()),
    }),
  );
  void files.load();
  // An activity that starts makes the notes about the last stop stale.
  const stopWatchingActivities = effect(() => {
    if (activities.anyRunning()) notice.value = undefined;
  });
  /** Everyone who shared a screen at some point (self included), for the summary after the end. */
  const everShared = signal<ReadonlySet<string>>(new Set());
  const stopWatchingShares = effect(() => {
    const now = [...share.remote.value.keys(), ...(share.local.value ? [self.participantId] : [])];
    const known = everShared.peek();
    if (now.some((id) => !known.has(id))) everShared.value = new Set([...known, ...now]);
  });

  const transport = deps.createTransport(self);
  /** The TURN relay as this browser reaches it; 'unreachable' is shown (wrong or expired credentials, server down). */
  const relay = signal<RelayState>('none');
  transport.onRelay?.((state) => (relay.value = state));
  const stopIceRenewal = startIceRenewal({
    expiresAt: self.iceExpiresAt ?? null,
    fetch: () => deps.broker.getIce(sessionId),
    apply: (ice) => transport.setIce?.({ iceServers: ice.iceServers, iceTransportPolicy: ice.iceTransportPolicy }),
  });
  const mesh = createMesh({
    transport,
    selfPeerId: self.peerId,
    onMessage: (from, message) => void activities.receive(from, message),
    onLinkOpen(participantId) {
      everLinked.add(participantId);
      openLinks.value = new Set(openLinks.value).add(participantId);
      activities.linkOpened(participantId);
    },
    onLinkClose(participantId) {
      const next = new Set(openLinks.value);
      next.delete(participantId);
      openLinks.value = next;
      activities.participantGone(participantId);
    },
    onCall: (participantId, call, kind) => activities.incomingCall(participantId, call, kind),
    onChannel: (participantId, link) => activities.incomingChannel(participantId, link),
    onFlood: (participantId) => (flooding.value = [...flooding.value, participantId]),
  });

  const syncRoster = () => mesh.setRoster(present.value.map((p) => ({ participantId: p.id, peerId: p.peerId })));
  syncRoster();

  function finish(reason: EndReason): void {
    if (ended.value && reason !== 'ended') return;
    batch(() => {
      ended.value = reason;
      if (reason !== 'ended') return;
      const { session: before } = state.value;
      state.value = { ...state.value, session: { ...before, status: 'ended', endedAt: before.endedAt ?? Date.now() } };
    });
    dispose();
  }

  /**
   * Every activity stops, for everyone alike; each person is told why in their own words. A recording
   * that ran is told too: the broker ended it in the same commit (its own event follows).
   */
  function stopActivities(reason: StopReason, at: number, yourTurn = false, wasRecording = false): void {
    const stopped = [...activities.stopAll(reason), ...(wasRecording ? ['recording'] : [])];
    if (yourTurn) notice.value = { kind: 'your-turn', at };
    else if (stopped.length > 0) notice.value = { kind: 'stopped', reason, activities: stopped, at };
    activities.rightsChanged();
  }

  function apply(event: SessionEvent): void {
    if (event.sessionId !== sessionId) return;
    const before = state.value;
    const after = reduceSession(before, event);
    if (after === before) return;
    state.value = after;
    switch (event.type) {
      case 'participant-joined':
        syncRoster();
        chat.participantJoined(event.participant.id, event.participant.joinedAt);
        activities.rightsChanged();
        return;
      case 'participant-left': {
        chat.participantLeft(event.participantId);
        activities.participantGone(event.participantId);
        syncRoster();
        const reason = event.reason ?? 'left';
        if (event.participantId === self.participantId) finish(reason === 'ended' ? 'ended' : reason);
        return;
      }
      case 'session-ended':
        finish('ended');
        return;
      case 'active-customer': {
        // A new customer is the subject now: whatever was shared stops, here and on every other side.
        const mine = permissions.value.role === 'customer' && event.participantId === self.participantId;
        stopActivities({ kind: 'active-customer', activeCustomerId: event.participantId }, event.at, mine);
        return;
      }
      case 'control-changed':
        if (controllerOf(before)?.id === controllerOf(after)?.id) return;
        stopActivities({ kind: 'control', from: event.from, to: event.to }, event.at, false, before.recording !== null);
        // The new controller needs what only the controller is given (the customer link).
        if (event.to === self.participantId) void refresh();
        return;
      case 'transfer-started':
        // The session changes hands: whatever was going on stops, as when control passes.
        stopActivities({ kind: 'transfer' }, event.at, false, before.recording !== null);
        return;
    }
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
    onPresence: (id, ids) => {
      if (id !== sessionId) return;
      const before = online.value;
      online.value = new Set(ids);
      // Gone from the broker: check the direct link at once instead of waiting out its dead time.
      for (const participantId of before ?? []) if (!online.value.has(participantId)) mesh.suspect(participantId);
      // Back at the broker: a dial of ours that went out while they were away is tried again at once.
      for (const participantId of ids) if (before && !before.has(participantId)) mesh.reachOut(participantId);
      history.reconsider();
    },
    // Refused: a rep's sign-in ended, or we left (or were removed) while away. Ask the broker which.
    onUnauthorized: (reason) => (deps.onSignedOut ? deps.onSignedOut(reason) : void refresh()),
    WebSocket: deps.WebSocket,
  });

  async function refresh(): Promise<void> {
    try {
      const detail = await deps.broker.getSession(sessionId);
      const known = state.value;
      // The detail is the log up to its lastSeq: newer than ours unless events raced past it.
      if ((detail.controlEpoch ?? 0) >= known.controlEpoch) {
        state.value = { ...initialSessionState(detail), refusals: known.refusals, manyKnocks: known.manyKnocks };
      }
      if (detail.session.joinUrl) joinUrl.value = detail.session.joinUrl;
      const mine = detail.participants.find((p) => p.id === self.participantId);
      if (detail.session.status === 'ended') finish('ended');
      else if (!detail.self) finish(mine?.leftReason && mine.leftReason !== 'ended' ? mine.leftReason : 'left');
    } catch (error) {
      if (deps.onSignedOut && isBrokerError(error, 'unauthorized')) deps.onSignedOut(error.message);
      else finish('left');
    }
  }

  let disposed = false;
  function dispose(): void {
    if (disposed) return;
    disposed = true;
    stopWatchingActivities();
    stopWatchingShares();
    stopIceRenewal();
    events.close();
    activities.dispose();
    mesh.destroy();
  }

  const linkStates = computed(() => {
    const states = new Map<string, LinkState>();
    const heard = online.value;
    for (const p of participants.value) {
      if (p.id === self.participantId) continue;
      if (p.leftAt !== null) states.set(p.id, 'left');
      else if (openLinks.value.has(p.id)) states.set(p.id, 'connected');
      else if (!eventsLive.value || (heard && !heard.has(p.id))) states.set(p.id, 'offline');
      else states.set(p.id, everLinked.has(p.id) ? 'reconnecting' : 'connecting');
    }
    return states;
  });

  const controller = computed(() => controllerOf(state.value));

  return {
    sessionId,
    self,
    session,
    participants: participants as ReadonlySignal<Participant[]>,
    present,
    /** A participant's name from the roster ('' for someone unknown). */
    nameOf,
    linkStates,
    status: computed<SessionStatus>(
      () => ended.value ?? (eventsLive.value ? 'live' : everLive.value ? 'reconnecting' : 'connecting'),
    ),
    knocks: computed(() => state.value.knocks as Knock[]),
    /** Unusually many knocks on this session's number (reps only): shown as a warning. */
    manyKnocks: computed(() => state.value.manyKnocks),
    /** The session as the event log says it is (roles, controller, hand-overs). */
    state: state as ReadonlySignal<SessionState>,
    /** What I may do now; changes the moment control changes hands. */
    permissions,
    activeCustomerId: activeCustomerId as ReadonlySignal<string | null>,
    /** The rep in control; for customers, "the representative". */
    controller,
    /**
     * The controller is offline (vanished without signing out): customers are told to wait. Only on the
     * broker's word (our own events socket live, and it does not hear them) and with no direct link.
     */
    controllerAway: computed(() => {
      const rep = controller.value;
      const heard = online.value;
      if (!rep || rep.id === self.participantId || !eventsLive.value || heard === null) return false;
      return !heard.has(rep.id) && !openLinks.value.has(rep.id);
    }),
    /** Other customers in the session, for the customer's "screens are visible to everyone" notice. */
    otherCustomers: computed(() => present.value.filter((p) => p.role === 'customer' && p.id !== self.participantId)),
    /** May I share my screen now? */
    canShare: computed(() => permissions.value.mayShare),
    /** Who is sharing a screen right now (their own or a rep's), this participant included. */
    sharing: computed<ReadonlySet<string>>(() => {
      const ids = new Set([...share.remote.value.keys(), ...repShare.remote.value.keys()]);
      if (share.local.value || repShare.local.value) ids.add(self.participantId);
      return ids;
    }),
    /** This browser can capture a screen (phones cannot: they show their camera instead). */
    canCaptureScreen: media.getDisplayMedia !== undefined,
    /** This browser has a camera API (whether a camera is there is known when it is tried). */
    canUseCamera: media.getUserMedia !== undefined,
    notice: notice as ReadonlySignal<ActivityNotice | undefined>,
    /** A WebACD transfer under way: nobody controls the session until an agent accepts. */
    transfer: computed(() => state.value.transfer),
    refusals: computed(() => state.value.refusals),
    flooding: flooding as ReadonlySignal<readonly string[]>,
    relay: relay as ReadonlySignal<RelayState>,
    /** Joins, departures and hand-overs of control (customers: only the hand-overs), between the messages. */
    timeline: computed(() =>
      sessionTimeline(
        state.value.participants,
        self.participantId,
        state.value.controlChanges,
        !isRepRole(self.role),
        state.value.transfers,
      ),
    ),
    /** Controller only: help this customer now (every share stops, on every side). */
    setActiveCustomer: (participantId: string) => deps.broker.setActiveCustomer(sessionId, participantId),
    chat,
    /** A rep's own screen, shown to everyone. */
    repShare,
    /** Cameras: mine (Start video, Show with camera) and everyone else's. */
    camera,
    facing: facing as ReadonlySignal<Facing>,
    /** The phone's other camera: the video restarts with it (everyone gets the new picture). */
    async switchCamera(): Promise<void> {
      facing.value = facing.value === 'user' ? 'environment' : 'user';
      if (!camera.local.value) return;
      camera.stopMine();
      await camera.start();
    },
    /** The session's audio conversation. */
    voice,
    /** Recording with the customers' consent (controller: start/stop; everyone: the indicator). */
    recording,
    /** The broker's word on recording: who records and since when (null: nobody). */
    recordingState: computed(() => state.value.recording),
    /** Files sent and received: offers, progress, Save. */
    files,
    /** The conversation so far is on its way from those who hold it (a rep who joined late). */
    historyLoading: history.running,
    /** The threads this participant may post in, and to whom a message there goes. */
    chatRules: rules,
    share,
    get droppedMessages() {
      return mesh.droppedCount + chat.droppedCount + history.droppedCount + recording.droppedCount + files.droppedCount;
    },
    /** Controller only: an assistant in the session takes control; every activity stops for everyone. */
    passControl: (participantId: string) => deps.broker.passControl(sessionId, participantId),
    /** Everyone who shared a screen during the session, this participant included. */
    everShared: everShared as ReadonlySignal<ReadonlySet<string>>,
    /** After the end, the controller: notes and a ticket reference, kept with the session by the broker. */
    saveSummary: (notes: string, ticket?: string) => deps.broker.saveSummary(sessionId, { notes, ticket }),
    /** After the end, a customer: how good the help was (1–5) and a comment. */
    rate: (score: number, comment?: string) => deps.broker.rate(sessionId, { score, comment }),
    /** Controller only: ends the session for everyone. */
    async end(): Promise<void> {
      await deps.broker.end(sessionId);
      finish('ended');
    },
    async leave(): Promise<void> {
      await deps.broker.leave(sessionId);
      finish('left');
    },
    /** Controller only: take someone out of the session; their tokens stop working. */
    remove: (participantId: string) => deps.broker.remove(sessionId, participantId),
    /** Controller only: let a customer who knocked in, or turn them away. */
    async admit(waitId: string): Promise<void> {
      await deps.broker.admit(sessionId, waitId);
      state.value = withoutKnock(state.value, waitId);
    },
    async decline(waitId: string): Promise<void> {
      await deps.broker.decline(sessionId, waitId);
      state.value = withoutKnock(state.value, waitId);
    },
    invite: (request: CreateInviteRequest) => deps.broker.createInvite(sessionId, request),
    listInvites: () => deps.broker.listInvites(sessionId),
    /** One invite, or every outstanding one; revoking the session's link gives it a new one. */
    async revokeInvites(inviteId?: string): Promise<number> {
      const { revoked, session: next } = await deps.broker.revokeInvites(sessionId, inviteId ? { inviteId } : {});
      joinUrl.value = next.joinUrl;
      return revoked;
    },
    dispose,
  };
}

export type SessionRuntime = Awaited<ReturnType<typeof createSessionRuntime>>;
