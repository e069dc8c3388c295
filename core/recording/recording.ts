import { computed, effect, signal, type ReadonlySignal } from '@preact/signals-core';
import type { MeshMessage, RecordingState, Role } from '../protocol';
import type { ChatEntry } from '../chat/types';
import { randomId } from '../ids';
import type { Activity } from '../session/activities';
import { chatVtt } from './webvtt';
import type { OwnedStream, Recorder, RecorderSources, RecordingStore, RecordableMedia, StartRecorder } from './types';

export type RecordingStatus = 'off' | 'waiting' | 'recording';

/** Streams by participant (a signal's map), or one of mine, as RecordableMedia lists them. */
export const owned = (streams: ReadonlyMap<string, MediaStream>): OwnedStream[] =>
  [...streams].map(([from, stream]) => ({ from, stream }));
export const ownedBy = (from: string, stream: MediaStream | null | undefined): OwnedStream[] =>
  stream ? [{ from, stream }] : [];

/** Why recording did not start or stopped on its own, told to the rep in plain words. */
export type RecordingProblem =
  { kind: 'not-confirmed'; names: readonly string[] } | { kind: 'storage-full' } | { kind: 'unsupported' } | { kind: 'failed' };

export interface RecordingDeps {
  selfId: string;
  sessionId: string;
  /** The broker's word: who records, since when (null: nobody). */
  state: ReadonlySignal<RecordingState>;
  isController(): boolean;
  roleOf(participantId: string): Role | undefined;
  /** Customers in the session now: each must have the notice on screen before the first frame. */
  customers(): readonly { id: string; name: string }[];
  send(participantId: string, message: MeshMessage): boolean;
  /** Asks the broker to start or stop (controller only). */
  setRecording(on: boolean): Promise<{ recording: RecordingState }>;
  /** What is live, with whose it is (see RecordableMedia). */
  media: RecordableMedia;
  /** The browser's recorder (absent where it cannot record, and on customers' pages). */
  record?: StartRecorder;
  store?: RecordingStore;
  chat(): readonly ChatEntry[];
  /** Session number and customers' names for the recordings list. */
  describe(): { sessionNumber: string; customer: string };
  /** How long customers have to confirm the notice. */
  consentTimeoutMs?: number;
  timesliceMs?: number;
  /** Free storage under which the rep is warned, and under which recording stops. */
  warnFreeBytes?: number;
  stopFreeBytes?: number;
  now?: () => number;
}

/**
 * Recording with consent (issue 14), an activity of the session runtime. The controller asks the broker;
 * its `recording` event reaches everyone, whose page shows the indicator, and each customer's page, once
 * the plain-words notice is on screen, says `recording-seen` to the controller. The recorder starts only
 * when every customer present has said so; if one has not within `consentTimeoutMs`, the broker is told
 * to stop and the rep is told who did not confirm (fail closed). The recorder stops when the broker says
 * recording is over (the controller's Stop, or the broker itself: control passed, transfer, end), when
 * storage runs low, and when the runtime ends. Chunks go to the store as they come.
 */
export function createRecording(deps: RecordingDeps) {
  const now = deps.now ?? Date.now;
  const consentTimeoutMs = deps.consentTimeoutMs ?? 10_000;
  const warnFree = deps.warnFreeBytes ?? 1024 ** 3;
  const stopFree = deps.stopFreeBytes ?? 256 * 1024 ** 2;
  const status = signal<RecordingStatus>('off');
  const problem = signal<RecordingProblem | null>(null);
  const lowStorage = signal(false);
  /** The recording being written now (its id in the store). */
  const current = signal<string | null>(null);
  /** Controller: which `since` each customer confirmed. */
  const seenBy = new Map<string, number>();
  /** Customer: the recording whose notice I confirmed (said again when the controller's link reopens). */
  let confirmed: number | null = null;
  let recorder: Recorder | null = null;
  let writes: Promise<void> = Promise.resolve();
  let consentWait: { since: number; resolve(ok: boolean): void } | null = null;
  let dropped = 0;
  let persisted = false;
  let disposed = false;

  const mine = () => deps.state.value?.by === deps.selfId;
  /**
   * Whose media may go into the recording: reps', and a customer's once their page confirmed this
   * recording's notice. The start waits for the customers present; one who joins later is left out of
   * the picture and the sound until their page confirms (at once, unless it is broken or hostile).
   */
  const mayRecord = (from: string) => {
    const role = from === deps.selfId ? 'self' : deps.roleOf(from);
    if (role === undefined) return false;
    if (role !== 'customer') return true;
    const since = deps.state.peek()?.since;
    return since !== undefined && seenBy.get(from) === since;
  };
  const sources: RecorderSources = {
    video: () => deps.media.screens().find((s) => mayRecord(s.from))?.stream ?? null,
    audio: () =>
      deps.media
        .voices()
        .filter((s) => mayRecord(s.from))
        .map((s) => s.stream),
  };
  const unconfirmed = (since: number) => deps.customers().filter((c) => seenBy.get(c.id) !== since);

  function checkConsent(): void {
    if (!consentWait) return;
    const { since } = consentWait;
    // The broker's event may reach this side after the customers' confirmations: wait for both.
    if (deps.state.peek()?.since === since && unconfirmed(since).length === 0) consentWait.resolve(true);
  }

  function waitForConsent(since: number): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      let unwatch = () => {};
      const finish = (ok: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unwatch();
        consentWait = null;
        resolve(ok);
      };
      const timer = setTimeout(() => finish(false), consentTimeoutMs);
      consentWait = { since, resolve: finish };
      unwatch = effect(() => {
        void deps.state.value;
        checkConsent();
      });
      if (done) unwatch();
    });
  }

  async function begin(): Promise<void> {
    const { record, store } = deps;
    if (!record || !store) return;
    if (!persisted) persisted = await store.persist();
    const id = randomId();
    const startedAt = now();
    let seq = 0;
    let bytes = 0;
    await store.create({
      id,
      sessionId: deps.sessionId,
      ...deps.describe(),
      startedAt,
      updatedAt: startedAt,
      durationMs: 0,
      bytes: 0,
      chunks: 0,
      mimeType: 'video/webm',
      state: 'recording',
      chat: chatVtt([], startedAt, startedAt),
    });
    current.value = id;
    status.value = 'recording';
    const write = (data: Blob) => {
      bytes += data.size;
      const at = now();
      const update = {
        updatedAt: at,
        durationMs: at - startedAt,
        bytes,
        chunks: seq + 1,
        chat: chatVtt(deps.chat(), startedAt, at),
      };
      const n = seq++;
      writes = writes.then(async () => {
        await store.append(id, n, data, update).catch(() => fail({ kind: 'storage-full' }));
        await checkStorage();
      });
    };
    try {
      recorder = record(sources, {
        timesliceMs: deps.timesliceMs ?? 2_500,
        onChunk: write,
        onError: () => fail({ kind: 'failed' }),
      });
    } catch (error) {
      // The browser would not record (an API it lacks): said in words, and no empty recording is left listed.
      console.warn('recording: the recorder did not start:', error);
      fail({ kind: 'failed' });
      await writes;
      await store.remove(id).catch(() => undefined);
    }
  }

  async function checkStorage(): Promise<void> {
    const estimate = await deps.store?.estimate();
    if (!estimate) return;
    const free = estimate.quota - estimate.usage;
    lowStorage.value = free < warnFree;
    if (free < stopFree && recorder) fail({ kind: 'storage-full' });
  }

  /** This session's recordings whose recorder went away (the runtime that wrote them is gone) are cut. */
  async function markCut(): Promise<void> {
    const cut = (await deps.store?.list().catch(() => [])) ?? [];
    for (const meta of cut) {
      if (meta.sessionId === deps.sessionId && meta.state === 'recording') await deps.store?.update(meta.id, { state: 'cut' });
    }
  }

  /** The recorder stops and the store's entry is final. */
  async function end(): Promise<void> {
    const r = recorder;
    const id = current.peek();
    recorder = null;
    if (r) await r.stop().catch(() => undefined);
    await writes;
    if (id) await deps.store?.update(id, { state: 'done' }).catch(() => undefined);
    current.value = null;
    status.value = 'off';
  }

  function fail(reason: RecordingProblem): void {
    problem.value = reason;
    void end();
    if (mine()) void deps.setRecording(false).catch(() => undefined);
  }

  // The broker's word ends a recording: the rep's Stop, or the broker's own (control passed, transfer, end).
  const stopWatching = effect(() => {
    const state = deps.state.value;
    if ((state === null || state.by !== deps.selfId) && status.peek() !== 'off') {
      consentWait?.resolve(false);
      void end();
    }
  });

  // A recording the broker still holds for me but no recorder runs (this runtime is new: the page that
  // recorded was reloaded or crashed): it is over, and everyone should stop showing it.
  if (mine() && deps.isController()) {
    void deps.setRecording(false).catch(() => undefined);
    void markCut();
  }

  const activity = {
    name: 'recording',
    messageTypes: ['recording-seen'] as const,
    callKinds: [] as const,
    /** Its stops come from the broker's `recording` events, so a switch of customer does not end it. */
    survivesStops: true,
    running: computed(() => deps.state.value !== null),
    status: status as ReadonlySignal<RecordingStatus>,
    problem: problem as ReadonlySignal<RecordingProblem | null>,
    lowStorage: lowStorage as ReadonlySignal<boolean>,
    /** The recording being written (its id among the recordings). */
    current: current as ReadonlySignal<string | null>,
    /** This browser can record (the rep's extension with a recorder and storage). */
    canRecord: deps.record !== undefined && deps.store !== undefined,

    /** Controller: start recording once every customer has the notice on screen. */
    async startRecording(): Promise<void> {
      if (status.value !== 'off' || !deps.isController()) return;
      if (!activity.canRecord) return void (problem.value = { kind: 'unsupported' });
      problem.value = null;
      status.value = 'waiting';
      try {
        const { recording } = await deps.setRecording(true);
        if (!recording || recording.by !== deps.selfId) return void (status.value = 'off');
        if (!(await waitForConsent(recording.since))) {
          // Stopped meanwhile (the rep's Stop, or the broker's) is no failure to explain.
          const names = deps.state.value === null ? [] : unconfirmed(recording.since).map((c) => c.name);
          if (names.length > 0) problem.value = { kind: 'not-confirmed', names };
          status.value = 'off';
          await deps.setRecording(false);
          return;
        }
        if (!disposed) await begin();
      } catch (error) {
        // Nothing records (the broker refused, or the store did): nobody should keep showing it.
        status.value = 'off';
        if (mine()) await deps.setRecording(false).catch(() => undefined);
        throw error;
      }
    },

    /** Controller: stop recording (the broker tells everyone). */
    async stopRecording(): Promise<void> {
      await end();
      await deps.setRecording(false);
    },

    /** Customer: the notice of the recording that started at `since` is on screen. */
    noticeShown(since: number): void {
      const state = deps.state.value;
      if (!state || state.since !== since || confirmed === since) return;
      confirmed = since;
      deps.send(state.by, { type: 'recording-seen', since });
    },

    dismissProblem(): void {
      problem.value = null;
    },

    receive(from: string, message: MeshMessage): void {
      const state = deps.state.value;
      // Only the recording controller listens, only to customers of this session, only about this recording.
      const valid =
        message.type === 'recording-seen' &&
        state !== null &&
        state.by === deps.selfId &&
        state.since === message.since &&
        deps.roleOf(from) === 'customer';
      if (!valid) return void dropped++;
      seenBy.set(from, message.since);
      checkConsent();
    },

    linkOpened(participantId: string): void {
      const state = deps.state.value;
      if (state && confirmed === state.since && state.by === participantId)
        deps.send(participantId, { type: 'recording-seen', since: state.since });
    },

    /** A customer who left no longer holds the start up. */
    participantGone(): void {
      checkConsent();
    },

    rightsChanged(): void {
      checkConsent();
    },

    /** Never called by a switch of customer (survivesStops); the broker's event stops it instead. */
    stop(): void {},

    dispose(): void {
      disposed = true;
      stopWatching();
      consentWait?.resolve(false);
      void end();
    },

    /** `recording-seen` messages dropped (not a customer, not the controller, another recording). */
    get droppedCount() {
      return dropped;
    },
  } satisfies Activity & Record<string, unknown>;
  return activity;
}

export type Recording = ReturnType<typeof createRecording>;
