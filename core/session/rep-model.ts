import { computed, signal, type ReadonlySignal } from '@preact/signals-core';
import { createBrokerClient, type BrokerClient } from '../broker/client';
import { errorText, type ErrorAction } from '../broker/error-text';
import { BrokerError, isBrokerError } from '../broker/errors';
import type { ChatStore } from '../chat/types';
import { signIn, signOut } from '../extension/account';
import { t } from '../i18n';
import type { Auth, Settings } from '../extension/settings';
import type { PeerTransport } from '../mesh/transport';
import type { SessionMedia } from '../media/devices';
import type { Capabilities, Self, TransferRequest } from '../protocol';
import { defaultReconnectPolicy, type ReconnectPolicy } from '../reconnect';
import { createSerialQueue } from '../serial';
import type { SupportDb } from '../storage/db';
import { createSessionRuntime, isOver, type SessionRuntime } from './runtime';
import { createAcdModel, type AcdModel } from './acd-model';
import { createSessionTabs } from './session-tabs';
import type { RecordingStore } from '../recording/types';
import { createRecordingsModel } from '../recording/recordings-model';
import type { HostClient } from '../host/host-client';

export interface RepModelDeps {
  settings: Settings;
  db: SupportDb;
  chatStore: ChatStore;
  /** Where recordings go when the runtime runs here (Firefox), and where the panel lists them. */
  recordings?: RecordingStore;
  createTransport(brokerUrl: string, self: Self): PeerTransport;
  /** Screen, microphone and camera as this browser has them. */
  media: SessionMedia;
  /** Backoff between attempts to reach the broker while the panel opens. */
  reconnectPolicy?: ReconnectPolicy;
  /** Only where there is no global WebSocket (Node tests). */
  WebSocket?: typeof WebSocket;
  /**
   * Where sessions run when not here: the session host (Chrome: an offscreen document), so closing the
   * panel cuts nothing. Without it (Firefox's sidebar, tests) they run in this document.
   */
  host?: Pick<HostClient, 'open'>;
}

export type RepPhase = 'loading' | 'signed-out' | 'idle' | 'starting' | 'in-session';

/**
 * The side panel's state: who is signed in, and the sessions being worked on (one tab each, one shown).
 * On open it resumes the rep's live sessions from the broker (with what Dexie remembers), so a reloaded
 * or reopened panel carries on where it was.
 */
export function createRepModel(deps: RepModelDeps) {
  const phase = signal<RepPhase>('loading');
  const auth = signal<Auth | undefined>(undefined);
  const tabs = createSessionTabs();
  /** A single-mode rep tried to start a second session: the panel offers the live one instead. */
  const liveElsewhere = signal(false);
  /** Joining a colleague's session as assistant (from the popup or an /assist link): said in the panel. */
  const assisting = signal<{ number?: string } | undefined>(undefined);
  const error = signal<string | undefined>(undefined);
  const capabilities = signal<Capabilities | undefined>(undefined);
  const inviteWithMailProgram = signal(true);
  const emailOnStart = signal(false);
  const serially = createSerialQueue();
  /** A session started with "Email" checked: its customer invitation opens once, when it is first shown. */
  let inviteOnFirstShow: string | undefined;
  let broker: BrokerClient | undefined;
  /** WebACD, for agents: their own events socket (it makes them count as online), offers, transfers. */
  const acd = signal<AcdModel | undefined>(undefined);
  let acdToken: string | undefined;

  function startAcd(a: Auth | undefined): void {
    if (a?.token === acdToken && acd.value) return;
    stopAcd();
    if (!a?.rep.isAgent || !broker) return;
    acdToken = a.token;
    acd.value = createAcdModel({
      broker,
      brokerUrl: a.brokerUrl,
      token: a.token,
      onSignedOut: () => void guarded(() => signedOut(a.token)),
      ...(deps.WebSocket ? { WebSocket: deps.WebSocket } : {}),
    });
  }
  function stopAcd(): void {
    acd.value?.close();
    acd.value = undefined;
    acdToken = undefined;
  }

  /** A failure in the rep's words and language (issue 17). */
  const say = (e: unknown, action: ErrorAction = 'other', brokerUrl = auth.value?.brokerUrl) =>
    errorText(e, { audience: 'rep', action, brokerUrl });
  /** Runs `work`; a failure is worded for what the rep was doing, then passed on. */
  const wordedFor = async <T>(action: ErrorAction, work: () => Promise<T>, brokerUrl?: string): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      throw new Error(say(e, action, brokerUrl ?? auth.value?.brokerUrl), { cause: e });
    }
  };

  const clientFor = (a: Auth) => createBrokerClient({ baseUrl: a.brokerUrl, getToken: () => a.token });

  async function countLive(): Promise<void> {
    if (!broker) return;
    const { sessions } = await broker.listSessions();
    await deps.settings.setLiveSessions(sessions.length);
  }

  async function remember(runtime: SessionRuntime | undefined): Promise<void> {
    if (!runtime) return void (await deps.settings.setCurrentSession(undefined));
    await deps.db.sessions.update(runtime.sessionId, { updatedAt: Date.now() });
    await deps.settings.setCurrentSession({
      id: runtime.sessionId,
      number: runtime.session.value.number,
      role: runtime.permissions.value.role ?? runtime.self.role,
    });
  }

  /** Opens a session's tab (or shows it, when already open). `show`: bring it to the front. */
  async function open(sessionId: string, show = true): Promise<boolean> {
    const a = auth.value;
    if (!broker || !a) return false;
    const existing = tabs.get(sessionId);
    if (existing && !isOver(existing.status.value)) {
      if (show) {
        tabs.select(sessionId);
        await remember(existing);
      }
      phase.value = 'in-session';
      return true;
    }
    const detail = await broker.getSession(sessionId);
    if (detail.session.status !== 'live' || !detail.self) return false;
    const { self } = detail;
    const stored = await deps.db.sessions.get(sessionId);
    const session = { ...detail.session, joinUrl: detail.session.joinUrl ?? stored?.session.joinUrl };
    await deps.db.sessions.put({ id: sessionId, session, self, brokerUrl: a.brokerUrl, updatedAt: Date.now() });
    const onSignedOut = () => void guarded(() => signedOut(a.token));
    const runtime = deps.host
      ? await deps.host.open({ brokerUrl: a.brokerUrl, token: a.token, detail: { ...detail, session, self }, onSignedOut })
      : await createSessionRuntime({
          broker,
          eventsToken: a.token,
          detail: { ...detail, session, self },
          chatStore: deps.chatStore,
          ...(deps.recordings ? { recordings: deps.recordings } : {}),
          createTransport: (s) => deps.createTransport(a.brokerUrl, s),
          media: deps.media,
          onSignedOut,
          WebSocket: deps.WebSocket,
        });
    tabs.add(runtime, show);
    phase.value = 'in-session';
    if (show) await remember(runtime);
    return true;
  }

  const runtimeOf = (sessionId: string | undefined) => (sessionId ? tabs.get(sessionId) : tabs.selected.value);

  /** A session becomes mine through WebACD (accepted, or called back): open it in control. */
  const takeSession = (take: (model: AcdModel) => Promise<string>) =>
    guarded(async () => {
      const model = acd.value;
      if (!model) return;
      await open(await wordedFor('take-offer', () => take(model)));
      await countLive();
    });

  /** A session's tab goes: the next one shows, or the start screen. */
  function dropTab(sessionId: string): void {
    tabs.remove(sessionId);
    void remember(tabs.selected.value);
    if (!tabs.selected.value) phase.value = auth.value ? 'idle' : 'signed-out';
  }

  function close(): void {
    stopAcd();
    tabs.clear();
    void deps.settings.setCurrentSession(undefined);
  }

  /** Resume every live session of the rep, one tab each; the one shown last is in front again. */
  async function resume(): Promise<void> {
    if (!broker) return;
    const { sessions } = await broker.listSessions();
    await deps.settings.setLiveSessions(sessions.length);
    const lastShown = new Map(
      (await deps.db.sessions.bulkGet(sessions.map((s) => s.id))).map((row) => [row?.id, row?.updatedAt ?? 0]),
    );
    const order = [...sessions].sort((a, b) => (lastShown.get(b.id) ?? 0) - (lastShown.get(a.id) ?? 0));
    let shown = false;
    for (const s of order) if (await open(s.id, !shown)) shown = true;
    if (!shown) {
      phase.value = 'idle';
      await remember(undefined);
    }
  }

  /** Join, as assistant, the session a colleague's link or the popup's number pointed at. */
  async function assistPending(): Promise<void> {
    if (!broker) return;
    // Two open panels (two windows) both hear of it; the lock lets exactly one take it.
    const take = async () => {
      const found = await deps.settings.pendingAssist();
      if (found) await deps.settings.clearPendingAssist();
      return found;
    };
    const locks = globalThis.navigator?.locks;
    const pending = locks ? await locks.request('remote-support-pending-assist', take) : await take();
    if (!pending) return;
    const client = broker;
    assisting.value = pending.kind === 'number' ? { number: pending.number } : {};
    try {
      const { sessionId } = await wordedFor(pending.kind === 'invite' ? 'assist-by-invite' : 'assist-by-number', () =>
        pending.kind === 'invite' ? client.assist(pending.invite) : client.assistByNumber(pending.number),
      );
      await open(sessionId);
    } finally {
      assisting.value = undefined;
    }
    await countLive();
  }

  /** A session the background accepted for the rep: open it (resume() would find it too). */
  async function openTakenSession(): Promise<void> {
    const sessionId = await deps.settings.takenSession();
    if (!sessionId || !broker) return;
    await deps.settings.clearTakenSession();
    await open(sessionId);
    await countLive();
  }

  /**
   * The broker no longer takes the rep's token (signed out on another device, expired, revoked by an
   * admin). Sessions are not over: they resume after signing in again. Only the token that failed counts.
   */
  async function signedOut(token: string): Promise<void> {
    if (auth.value?.token !== token) return;
    close();
    await deps.settings.clearAuth();
    auth.value = undefined;
    broker = undefined;
    phase.value = 'signed-out';
    error.value = t('signInEnded');
  }

  /**
   * Reads the rep's account again (mode, limits, name): an admin's `set-rep` takes effect in an open
   * panel without signing in again. Kept in settings, so the popup and options page see it too.
   */
  async function refreshAccount(): Promise<void> {
    const before = auth.value;
    if (!broker || !before) return;
    const { rep } = await broker.me();
    const now = auth.value;
    if (now?.token !== before.token || JSON.stringify(now.rep) === JSON.stringify(rep)) return;
    auth.value = { ...now, rep };
    await deps.settings.setAuth(auth.value);
  }

  async function load(): Promise<void> {
    auth.value = await deps.settings.auth();
    broker = auth.value && clientFor(auth.value);
    if (!broker) {
      phase.value = 'signed-out';
      return;
    }
    void refreshAccount().catch(() => undefined);
    void broker.capabilities().then(
      (c) => (capabilities.value = c),
      () => undefined,
    );
    startAcd(auth.value);
    inviteWithMailProgram.value = await deps.settings.inviteWithMailProgram();
    emailOnStart.value = await deps.settings.emailOnStart();
    try {
      await resume();
      await deps.settings.clearTakenSession(); // resume() opened it with the rest
      await assistPending();
      if (loadRetries > 0) error.value = undefined; // the broker is back: "trying again" is over
      loadRetries = 0;
    } catch (e) {
      // A failure worded for the rep still carries the broker's own (see wordedFor).
      const cause = e instanceof Error && e.cause !== undefined ? e.cause : e;
      if (isBrokerError(cause, 'network')) return retryLoad(auth.value);
      if (isBrokerError(cause, 'unauthorized')) {
        await deps.settings.clearAuth();
        await load();
        error.value = t('signInEnded');
        return;
      }
      error.value = say(e);
      phase.value = 'idle';
    }
  }

  /**
   * The broker could not be reached while the panel opened (restarting, or the network is down): the
   * sessions are not gone, so keep trying with backoff instead of showing the start screen.
   */
  let loadRetries = 0;
  function retryLoad(signedIn: Auth | undefined): void {
    phase.value = 'loading';
    error.value = t('brokerUnreachableRetrying', { url: signedIn?.brokerUrl ?? '' });
    setTimeout(
      () =>
        void serially(async () => {
          // Signed out or in as someone else meanwhile: that load has taken over.
          if (!signedIn || auth.value?.token !== signedIn.token || phase.value !== 'loading') return;
          await load();
        }),
      (deps.reconnectPolicy ?? defaultReconnectPolicy)(loadRetries++),
    );
  }

  /** Every user action and reload runs through here: one at a time, errors shown, never thrown. */
  /** Runs an action with its errors shown, never thrown (callers queue it: see `guarded`). */
  async function attempt(action: () => Promise<void>): Promise<void> {
    error.value = undefined;
    try {
      await action();
    } catch (e) {
      error.value = say(e);
      if (phase.value === 'starting') phase.value = 'idle';
    }
  }
  const guarded = (action: () => Promise<void>): Promise<void> => serially(() => attempt(action));

  // Another extension page signed in or out: follow it (our own sign-in finds nothing to do by then).
  deps.settings.onChanged((keys) => {
    // Only when something is pending: taking it changes the key again, and that echo must not wipe an error.
    if (keys.includes(deps.settings.keys.pendingAssist)) {
      void deps.settings.pendingAssist().then((pending) => pending && guarded(assistPending));
    }
    // The background took an offered session (Accept on a notification): show it.
    if (keys.includes(deps.settings.keys.takenSession)) void guarded(openTakenSession);
    if (!keys.includes(deps.settings.keys.auth)) return;
    // Our own sign-in or sign-out echoes back here too: then nothing changed, and what the panel says
    // (e.g. why it signed out) stays.
    void serially(async () => {
      const a = await deps.settings.auth();
      if (a?.token === auth.value?.token) return;
      await attempt(async () => {
        close();
        await load();
      });
    });
  });

  return {
    /** The recordings on this device (the panel lists, plays, saves and deletes them). */
    recordings: deps.recordings ? createRecordingsModel(deps.recordings) : undefined,
    phase: phase as ReadonlySignal<RepPhase>,
    auth: auth as ReadonlySignal<Auth | undefined>,
    /** The session shown now. */
    runtime: tabs.selected as ReadonlySignal<SessionRuntime | undefined>,
    /** Every open session, one tab each. */
    sessions: tabs.runtimes,
    /** Chat messages not yet seen, per session (0 for the one shown). */
    unread: tabs.unread as ReadonlySignal<ReadonlyMap<string, number>>,
    liveElsewhere: liveElsewhere as ReadonlySignal<boolean>,
    /** Set while joining a colleague's session as assistant. */
    assisting: assisting as ReadonlySignal<{ number?: string } | undefined>,
    /** Show another session's tab: nothing else changes, every session keeps its links and shares. */
    select: (sessionId: string) => guarded(() => open(sessionId).then(() => undefined)),
    /** Reads the account again (its mode may have changed); quiet when the broker cannot be reached. */
    refreshAccount: () => refreshAccount().catch(() => undefined),
    /**
     * May the rep start another session now? Single mode: only while none is live (the broker would
     * refuse). Multi mode: always.
     */
    mayStartAnother: computed(() => auth.value?.rep.mode === 'multi' || tabs.runtimes.value.every((r) => isOver(r.status.value))),
    error: error as ReadonlySignal<string | undefined>,
    /** What the broker offers (server mail, the support site); undefined until known. */
    capabilities: capabilities as ReadonlySignal<Capabilities | undefined>,
    inviteWithMailProgram: inviteWithMailProgram as ReadonlySignal<boolean>,
    emailOnStart: emailOnStart as ReadonlySignal<boolean>,
    setInviteWithMailProgram(on: boolean): void {
      inviteWithMailProgram.value = on;
      void deps.settings.setInviteWithMailProgram(on);
    },
    setEmailOnStart(on: boolean): void {
      emailOnStart.value = on;
      void deps.settings.setEmailOnStart(on);
    },
    load: () => guarded(load),

    signIn: (brokerUrl: string, email: string, password: string) =>
      guarded(async () => {
        await wordedFor('sign-in', () => signIn(deps.settings, brokerUrl, email, password), brokerUrl);
        await load();
      }),

    /** Sessions still going on in this panel (signing out asks what to do with them first). */
    liveSessions: computed(() => tabs.runtimes.value.filter((r) => !isOver(r.status.value))),

    /**
     * Signs out. With live sessions, the rep has chosen to end them (those they control) and leave the
     * others first; if that fails, they stay signed in and are told why.
     */
    signOut: () =>
      guarded(async () => {
        for (const runtime of tabs.runtimes.value) {
          if (isOver(runtime.status.value)) continue;
          await (runtime.permissions.value.isController ? runtime.end() : runtime.leave());
        }
        close();
        await signOut(deps.settings, auth.value);
        auth.value = undefined;
        broker = undefined;
        phase.value = 'signed-out';
      }),

    startSession: () =>
      guarded(async () => {
        if (!broker) return;
        liveElsewhere.value = false;
        if (phase.value === 'idle') phase.value = 'starting';
        let created;
        try {
          created = await broker.createSession();
        } catch (e) {
          if (e instanceof BrokerError && e.code === 'single_session') {
            liveElsewhere.value = true;
            await refreshAccount().catch(() => undefined);
          }
          throw e;
        }
        const { session, self } = created;
        if (emailOnStart.value) inviteOnFirstShow = session.id;
        // Remember the customer link now: it is shown again after a panel reload.
        await deps.db.sessions.put({ id: session.id, session, self, brokerUrl: broker.baseUrl, updatedAt: Date.now() });
        await open(session.id);
        await countLive();
      }),

    /** The controller ends a session (the one shown, unless named: a tab's menu names its own). */
    endSession: (sessionId?: string) =>
      guarded(async () => {
        await runtimeOf(sessionId)?.end();
        await countLive();
      }),

    /** An assistant leaves; the session goes on for the others. */
    leaveSession: (sessionId?: string) =>
      guarded(async () => {
        await runtimeOf(sessionId)?.leave();
        await countLive();
      }),

    /** Close the shown (ended or left) session's tab: the next one shows, or the start screen. */
    dismiss(): void {
      const shown = tabs.selected.value;
      if (shown) dropTab(shown.sessionId);
    },

    /** WebACD (agents only; undefined otherwise): status, offers, transfers under way. */
    acd: acd as ReadonlySignal<AcdModel | undefined>,

    /**
     * Hands the session to a queue or to agents: I leave it at once, its tab goes (the transfer shows in
     * the panel, with Cancel, until someone accepts), and I am free to start or take another.
     */
    transferSession: (sessionId: string, request: TransferRequest) =>
      serially(async () => {
        const model = acd.value;
        if (!model) return;
        await wordedFor('transfer', () => model.transfer(sessionId, request));
        dropTab(sessionId);
        await countLive();
      }),

    /** Takes an offered session (or my own back): it opens as mine, in control. */
    acceptOffer: (transferId: string) => takeSession((model) => model.accept(transferId)),
    declineOffer: (transferId: string) =>
      guarded(async () => void (await wordedFor('take-offer', async () => acd.value?.decline(transferId)))),
    /** Calls my transfer back while nobody has accepted: the session is mine again. */
    cancelTransfer: (transferId: string) => takeSession((model) => model.cancel(transferId)),

    /** True once for a session started with "Email" checked: open its customer invitation now. */
    takeInviteOnFirstShow(sessionId: string): boolean {
      if (inviteOnFirstShow !== sessionId) return false;
      inviteOnFirstShow = undefined;
      return true;
    },

    /** Back to the live session after a refused start (single mode). */
    backToLive: () =>
      guarded(async () => {
        liveElsewhere.value = false;
        await resume();
      }),
  };
}

export type RepModel = ReturnType<typeof createRepModel>;
