import { computed, signal, type ReadonlySignal } from '@preact/signals-core';
import * as v from 'valibot';
import { CallMetadata, type MeshMessage } from '../protocol';
import type { MediaLink } from '../mesh/transport';
import type { Activity } from '../session/activities';
import { deviceProblemOf, type DeviceProblem, type LevelMeter, type SessionMedia } from './devices';

export interface VoiceDeps {
  selfId: string;
  /** Participants with an open data link right now. */
  openParticipants(): string[];
  /** Is this participant the session's controller now? Only the controller's "mute yourself" is obeyed. */
  isController(participantId: string): boolean;
  call(participantId: string, stream: MediaStream, metadata: CallMetadata): MediaLink | undefined;
  send(participantId: string, message: MeshMessage): boolean;
  broadcast(message: MeshMessage): void;
  media: SessionMedia;
  /** How often the speaking indicators are measured. */
  meterIntervalMs?: number;
  /** Loudness (0–1) above which someone counts as speaking. */
  speakingLevel?: number;
}

export type VoiceStatus = 'off' | 'joining' | 'on';
export interface VoiceMember {
  muted: boolean;
}

/**
 * One audio conversation for the whole session: a mesh of `voice` calls between everyone who joined.
 * Of two members, the one with the smaller participant id places the call and the other answers with
 * its microphone, so each pair has exactly one call whoever joined first. Without a microphone (denied,
 * missing) one listens only: it answers without sending and calls with silence. Voice survives a change
 * of control; it ends for a participant who leaves it, leaves the session, or goes.
 */
export function createVoice(deps: VoiceDeps) {
  const status = signal<VoiceStatus>('off');
  /** Why I listen only (no microphone): shown in plain words. */
  const problem = signal<DeviceProblem | null>(null);
  const muted = signal(false);
  /** The controller who muted me, until I unmute. */
  const mutedBy = signal<string | null>(null);
  /** Everyone else in the conversation, as they told us. */
  const members = signal<ReadonlyMap<string, VoiceMember>>(new Map());
  /** What each member's call brings us. */
  const streams = signal<ReadonlyMap<string, MediaStream>>(new Map());
  /** Who is speaking now (my own id among them while I talk). */
  const speaking = signal<ReadonlySet<string>>(new Set());
  const volume = signal(1);
  const calls = new Map<string, MediaLink>();
  const meters = new Map<string, LevelMeter>();
  /** Data links that reopened: the first voice state on them means any call we hold is stale. */
  const fresh = new Set<string>();
  let mic: MediaStream | null = null;
  let outgoing: MediaStream | null = null;
  let meterTimer: ReturnType<typeof setInterval> | undefined;
  let refused = 0;
  let ignored = 0;

  const state = (): MeshMessage => ({ type: 'voice', joined: status.value === 'on', muted: muted.value });
  const places = (participantId: string) => deps.selfId < participantId;

  function setIn<T>(sig: { value: ReadonlyMap<string, T> }, id: string, value: T | null): void {
    const next = new Map(sig.value);
    if (value === null) next.delete(id);
    else next.set(id, value);
    sig.value = next;
  }

  function setStream(participantId: string, stream: MediaStream | null): void {
    meters.get(participantId)?.close();
    meters.delete(participantId);
    if (stream && deps.media.meter) meters.set(participantId, deps.media.meter(stream));
    setIn(streams, participantId, stream);
  }

  function track(participantId: string, link: MediaLink): void {
    calls.get(participantId)?.close();
    calls.set(participantId, link);
    link.onStream((stream) => calls.get(participantId) === link && setStream(participantId, stream));
    link.onClose(() => {
      if (calls.get(participantId) !== link) return;
      calls.delete(participantId);
      setStream(participantId, null);
      // The other side went away and may come back: whoever places calls tries again.
      if (status.value === 'on' && members.value.has(participantId)) dial(participantId);
    });
  }

  function dial(participantId: string): void {
    if (status.value !== 'on' || !outgoing || calls.has(participantId) || !places(participantId)) return;
    const link = deps.call(participantId, outgoing, { kind: 'voice' });
    if (link) track(participantId, link);
  }

  function hangUp(participantId: string): void {
    const link = calls.get(participantId);
    calls.delete(participantId);
    link?.close();
    setStream(participantId, null);
  }

  function measure(): void {
    const threshold = deps.speakingLevel ?? 0.02;
    const now = new Set<string>();
    for (const [participantId, meter] of meters) {
      if (participantId === deps.selfId ? muted.value : members.value.get(participantId)?.muted) continue;
      if (meter.level() > threshold) now.add(participantId);
    }
    const before = speaking.value;
    if (now.size !== before.size || [...now].some((id) => !before.has(id))) speaking.value = now;
  }

  function setMuted(value: boolean, by: string | null = null): void {
    mic?.getAudioTracks().forEach((t) => (t.enabled = !value));
    muted.value = value;
    mutedBy.value = value ? by : null;
    if (status.value === 'on') deps.broadcast(state());
  }

  function leave(): void {
    if (status.value === 'off') return;
    const wasOn = status.value === 'on';
    status.value = 'off';
    for (const participantId of [...calls.keys()]) hangUp(participantId);
    meters.forEach((meter) => meter.close());
    meters.clear();
    clearInterval(meterTimer);
    mic?.getTracks().forEach((t) => t.stop());
    outgoing?.getTracks().forEach((t) => t.stop());
    mic = outgoing = null;
    muted.value = false;
    mutedBy.value = null;
    speaking.value = new Set();
    if (wasOn) deps.broadcast(state());
  }

  const activity = {
    name: 'voice',
    messageTypes: ['voice', 'voice-mute'],
    callKinds: ['voice'],
    survivesStops: true,
    running: computed(() => status.value !== 'off'),
    status: status as ReadonlySignal<VoiceStatus>,
    problem: problem as ReadonlySignal<DeviceProblem | null>,
    muted: muted as ReadonlySignal<boolean>,
    mutedBy: mutedBy as ReadonlySignal<string | null>,
    members: members as ReadonlySignal<ReadonlyMap<string, VoiceMember>>,
    streams: streams as ReadonlySignal<ReadonlyMap<string, MediaStream>>,
    speaking: speaking as ReadonlySignal<ReadonlySet<string>>,
    volume: volume as ReadonlySignal<number>,
    /** Someone else is talking and I have not joined: the "Join voice?" question. */
    invited: computed(() => status.value === 'off' && members.value.size > 0),

    /** Start voice, or join the conversation going on: with the microphone, or listening only. */
    async join(): Promise<void> {
      if (status.value !== 'off') return;
      status.value = 'joining';
      problem.value = null;
      let stream: MediaStream | null = null;
      if (!deps.media.getUserMedia) problem.value = 'unsupported';
      else {
        try {
          stream = await deps.media.getUserMedia({ audio: true, video: false });
        } catch (error) {
          problem.value = deviceProblemOf(error);
        }
      }
      if (status.value !== 'joining') return void stream?.getTracks().forEach((t) => t.stop()); // left meanwhile
      mic = stream;
      outgoing = stream ?? deps.media.silence?.() ?? null;
      status.value = 'on';
      if (mic && deps.media.meter) meters.set(deps.selfId, deps.media.meter(mic));
      meterTimer = setInterval(measure, deps.meterIntervalMs ?? 150);
      deps.broadcast(state());
      for (const participantId of members.value.keys()) dial(participantId);
    },
    leave,
    setMuted: (value: boolean) => setMuted(value),
    setVolume(value: number) {
      volume.value = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 1));
    },
    /** Controller only (the receiver checks): ask a participant to mute. */
    muteParticipant: (participantId: string) => deps.send(participantId, { type: 'voice-mute' }),

    receive(from: string, message: MeshMessage): void {
      if (message.type === 'voice-mute') {
        // Anyone but the controller asking is ignored; so is a request to someone not talking.
        if (!deps.isController(from) || status.value !== 'on' || !mic) return void ignored++;
        return setMuted(true, from);
      }
      if (message.type !== 'voice') return;
      const reopened = fresh.delete(from);
      if (!message.joined) {
        setIn(members, from, null);
        return hangUp(from);
      }
      setIn(members, from, { muted: message.muted });
      // Their data link reopened (they reloaded, or the network came back): a call we hold may be dead.
      if (reopened && places(from)) hangUp(from);
      dial(from);
    },

    /** A voice call: answered only while I am in the conversation (with my microphone, if I have one). */
    incomingCall(from: string, call: MediaLink): void {
      if (!v.is(CallMetadata, call.metadata) || call.metadata.kind !== 'voice' || status.value !== 'on') {
        refused++;
        return call.close();
      }
      if (!members.value.has(from)) setIn(members, from, { muted: false });
      track(from, call);
      call.answer(mic ?? undefined);
    },

    linkOpened(participantId: string): void {
      fresh.add(participantId);
      if (status.value === 'on') deps.send(participantId, state());
    },

    participantGone(participantId: string): void {
      fresh.delete(participantId);
      setIn(members, participantId, null);
      hangUp(participantId);
    },

    /** My microphone while I am in the conversation (what a recording mixes in with the others' voices). */
    microphone: (): MediaStream | null => (status.value === 'on' ? mic : null),

    /** Voice goes on through a switch of customer and a change of control (survivesStops); this is never called for them. */
    stop: leave,
    dispose: leave,

    /** Voice calls refused (not in voice, or not a voice call). */
    get refusedCount() {
      return refused;
    },
    /** "Mute yourself" requests ignored (not from the controller, or nothing to mute). */
    get ignoredCount() {
      return ignored;
    },
  } satisfies Activity & Record<string, unknown>;
  return activity;
}

export type Voice = ReturnType<typeof createVoice>;
