import { computed, signal, type ReadonlySignal } from '@preact/signals-core';
import * as v from 'valibot';
import { CallMetadata, type MeshMessage } from '../protocol';
import type { MediaLink } from '../mesh/transport';
import type { Activity } from '../session/activities';
import { CUSTOMER_SCREEN, type ShareKind } from './share-kinds';

export interface ScreenShareDeps {
  /** Which share this is: the customer's screen (default), a rep's screen, a camera. */
  kind?: ShareKind;
  /** Participants with an open link right now. */
  openParticipants(): string[];
  /** May this participant share this kind now? (Screens and cameras: the reps and the active customer; rep screens: reps.) */
  mayShare(participantId: string): boolean;
  selfId: string;
  /** How long a call from someone not (yet) allowed is held for the news that they are, before it is refused. */
  pendingCallMs?: number;
  call(participantId: string, stream: MediaStream, metadata: CallMetadata): MediaLink | undefined;
  broadcast(message: MeshMessage): void;
  /** Sends over one participant's data link; false when it is not open. */
  send(participantId: string, message: MeshMessage): boolean;
  /** How long a receiver told of a share waits for its call before asking again (doubling, a few times). */
  callWaitMs?: number;
  /** Captures what is shared: getDisplayMedia for screens, getUserMedia for a camera. */
  capture(): Promise<MediaStream>;
}

export type StartShareResult =
  | { ok: true }
  | { ok: false; cancelled: boolean; reason: string; /** The error's name (NotFoundError…) */ name: string }
  | { ok: false; notAllowed: true };

/**
 * Sharing a picture in both directions: mine goes to every participant as one media call each (also to
 * whoever connects while I share); those shared with me are collected per participant. One instance per
 * kind (the customer's screen, a rep's screen, a camera), each owning its announce and request messages
 * and its call kind; every kind stops on a switch of customer or a control change.
 */
export function createScreenShare(deps: ScreenShareDeps) {
  const kind = deps.kind ?? CUSTOMER_SCREEN;
  // The kind's own message types; the variant's shape is the same for every kind (see share-kinds.ts).
  const announce = (sharing: boolean) => ({ type: kind.announce, sharing }) as MeshMessage;
  const request = { type: kind.request } as MeshMessage;
  const local = signal<MediaStream | null>(null);
  const remote = signal<ReadonlyMap<string, MediaStream>>(new Map());
  const outgoing = new Map<string, MediaLink>();
  const incoming = new Map<string, MediaLink>();
  /** Calls from participants not allowed to share (yet): one each, refused unless the right arrives. */
  const held = new Map<string, { call: MediaLink; timer: ReturnType<typeof setTimeout> }>();
  /** Sharers whose call we were told of but have not had: asked again if it does not come. */
  const awaited = new Map<string, ReturnType<typeof setTimeout>>();
  /** When each participant last made us call again: a hostile peer's requests cost one call per interval. */
  const lastRecall = new Map<string, number>();
  const callWaitMs = deps.callWaitMs ?? 4_000;
  let refused = 0;

  function stopAwaiting(participantId: string): void {
    clearTimeout(awaited.get(participantId));
    awaited.delete(participantId);
  }

  /** A sharer said they share with us: if no call arrives, ask for it (the offer may have been lost). */
  function awaitCall(participantId: string, attempt = 0): void {
    stopAwaiting(participantId);
    if (incoming.has(participantId) || attempt >= 4) return;
    const timer = setTimeout(
      () => {
        awaited.delete(participantId);
        if (incoming.has(participantId) || !deps.mayShare(participantId)) return;
        if (deps.send(participantId, request)) awaitCall(participantId, attempt + 1);
      },
      callWaitMs * 2 ** attempt,
    );
    awaited.set(participantId, timer);
  }

  function setRemote(participantId: string, stream: MediaStream | null): void {
    const next = new Map(remote.value);
    if (stream) next.set(participantId, stream);
    else next.delete(participantId);
    remote.value = next;
  }

  function callOne(participantId: string, stream: MediaStream): void {
    outgoing.get(participantId)?.close();
    // Said on the data link too, so the receiver can tell when the call itself never arrives.
    deps.send(participantId, announce(true));
    const link = deps.call(participantId, stream, { kind: kind.callKind });
    if (!link) return;
    outgoing.set(participantId, link);
    link.onClose(() => outgoing.get(participantId) === link && outgoing.delete(participantId));
  }

  function release(participantId: string): MediaLink | undefined {
    const entry = held.get(participantId);
    if (!entry) return undefined;
    held.delete(participantId);
    clearTimeout(entry.timer);
    return entry.call;
  }

  function refuse(call: MediaLink): void {
    refused++;
    call.close();
  }

  function accept(participantId: string, call: MediaLink): void {
    stopAwaiting(participantId);
    incoming.get(participantId)?.close();
    incoming.set(participantId, call);
    call.onStream((stream) => incoming.get(participantId) === call && setRemote(participantId, stream));
    call.onClose(() => {
      if (incoming.get(participantId) !== call) return;
      incoming.delete(participantId);
      setRemote(participantId, null);
    });
    call.answer();
  }

  function dropIncoming(participantId: string): void {
    stopAwaiting(participantId);
    const link = incoming.get(participantId);
    incoming.delete(participantId);
    link?.close();
    setRemote(participantId, null);
  }

  function stop(): void {
    const stream = local.value;
    if (!stream) return;
    local.value = null;
    stream.getTracks().forEach((track) => track.stop());
    outgoing.forEach((link) => link.close());
    outgoing.clear();
    deps.broadcast(announce(false));
  }

  /** Every share in the session stops: mine, and the screens shown to me (the broker said so). */
  function stopAll(): void {
    stop();
    for (const participantId of [...incoming.keys()]) dropIncoming(participantId);
  }

  const activity = {
    name: kind.name,
    messageTypes: [kind.announce, kind.request],
    callKinds: [kind.callKind],
    running: computed(() => local.value !== null || remote.value.size > 0),
    local: local as ReadonlySignal<MediaStream | null>,
    remote: remote as ReadonlySignal<ReadonlyMap<string, MediaStream>>,

    async start(): Promise<StartShareResult> {
      if (local.value) return { ok: true };
      if (!deps.mayShare(deps.selfId)) return { ok: false, notAllowed: true };
      let stream: MediaStream;
      try {
        stream = await deps.capture();
      } catch (error) {
        const name = error instanceof Error || error instanceof DOMException ? error.name : '';
        const cancelled = name === 'NotAllowedError' || name === 'AbortError';
        return { ok: false, cancelled, name, reason: error instanceof Error ? error.message : String(error) };
      }
      // The right may have gone while the browser's picker was open.
      if (!deps.mayShare(deps.selfId)) {
        stream.getTracks().forEach((track) => track.stop());
        return { ok: false, notAllowed: true };
      }
      local.value = stream;
      // The browser's own "Stop sharing" bar ends the track: treat it like our button.
      stream.getVideoTracks()[0]?.addEventListener('ended', stop);
      for (const participantId of deps.openParticipants()) callOne(participantId, stream);
      return { ok: true };
    },

    /** A link opened: a participant who (re)connects while I share gets my screen too. */
    linkOpened(participantId: string): void {
      if (local.value) callOne(participantId, local.value);
    },

    /**
     * A screen call arrived. Only someone allowed to share is answered: a customer who is not the active
     * customer is refused here too, whatever their page does (the broker drops such calls as well).
     */
    incomingCall(participantId: string, call: MediaLink): void {
      if (!v.is(CallMetadata, call.metadata) || call.metadata.kind !== kind.callKind) return refuse(call);
      if (deps.mayShare(participantId)) {
        release(participantId)?.close();
        return accept(participantId, call);
      }
      // The news that they may share (active-customer) can arrive just after their call: wait briefly.
      const previous = release(participantId);
      if (previous) refuse(previous);
      const timer = setTimeout(() => {
        if (held.get(participantId)?.call !== call) return;
        release(participantId);
        refuse(call);
      }, deps.pendingCallMs ?? 5_000);
      held.set(participantId, { call, timer });
    },

    /** Who may share changed (active customer, roles): answer held calls now allowed, stop screens no longer. */
    rightsChanged(): void {
      for (const participantId of [...held.keys()]) {
        if (deps.mayShare(participantId)) accept(participantId, release(participantId)!);
      }
      for (const participantId of [...incoming.keys()]) if (!deps.mayShare(participantId)) dropIncoming(participantId);
      if (local.value && !deps.mayShare(deps.selfId)) stop();
    },

    /** Calls refused because their sender may not share, or were not of this kind. */
    get refusedCount() {
      return refused;
    },

    receive(from: string, message: MeshMessage): void {
      if (message.type === kind.announce && 'sharing' in message) {
        if (!message.sharing) dropIncoming(from);
        else if (!incoming.has(from) && deps.mayShare(from)) awaitCall(from);
      } else if (message.type === kind.request && local.value) {
        const now = Date.now();
        if (now - (lastRecall.get(from) ?? -Infinity) < callWaitMs) return;
        lastRecall.set(from, now);
        callOne(from, local.value);
      }
    },

    participantGone(participantId: string): void {
      release(participantId)?.close();
      lastRecall.delete(participantId);
      dropIncoming(participantId);
      outgoing.get(participantId)?.close();
      outgoing.delete(participantId);
    },

    /** Whatever the reason (a switch of customer, control passing), every share stops the same way. */
    stop: stopAll,
    /** Mine only (the button, or the browser's own "Stop sharing"). */
    stopMine: stop,

    dispose(): void {
      stopAll();
      for (const participantId of [...held.keys()]) release(participantId)?.close();
      for (const participantId of [...awaited.keys()]) stopAwaiting(participantId);
    },
  } satisfies Activity & Record<string, unknown>;
  return activity;
}

export type ScreenShare = ReturnType<typeof createScreenShare>;
