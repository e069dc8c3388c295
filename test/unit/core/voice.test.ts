import { describe, expect, it } from 'vitest';
import type { MediaLink } from '../../../core/mesh/transport';
import type { MeshMessage } from '../../../core/protocol';
import { createVoice } from '../../../core/media/voice';
import type { SessionMedia } from '../../../core/media/devices';

/** A track and a stream as far as voice reads them (enabled, stop). */
function microphone() {
  const track = { enabled: true, stopped: false, stop: () => void (track.stopped = true) };
  const stream = { getTracks: () => [track], getAudioTracks: () => [track] } as unknown as MediaStream;
  return { track, stream };
}

/** A call as the transport hands it over; `answeredWith` is what we sent back. */
function link(remotePeerId: string, metadata: unknown = { kind: 'voice' }) {
  const state = { answered: false, answeredWith: undefined as MediaStream | undefined, closed: false };
  const closeListeners: (() => void)[] = [];
  const streamListeners: ((s: MediaStream) => void)[] = [];
  const media: MediaLink = {
    remotePeerId,
    metadata,
    answer: (stream) => void Object.assign(state, { answered: true, answeredWith: stream }),
    close: () => {
      if (state.closed) return;
      state.closed = true;
      closeListeners.forEach((l) => l());
    },
    onStream: (l) => void streamListeners.push(l),
    onClose: (l) => void closeListeners.push(l),
  };
  return { media, state, deliver: (s: MediaStream) => streamListeners.forEach((l) => l(s)) };
}

function voice(selfId: string, media: SessionMedia, controller = 'rep') {
  const sent: string[] = [];
  const broadcasts: MeshMessage[] = [];
  const calls: { to: string; stream: MediaStream; link: ReturnType<typeof link> }[] = [];
  const v = createVoice({
    selfId,
    openParticipants: () => [],
    isController: (id) => id === controller,
    call: (to, stream) => {
      const l = link(to);
      calls.push({ to, stream, link: l });
      return l.media;
    },
    send: (to, message) => (sent.push(`${to} ${message.type}`), true),
    broadcast: (message) => void broadcasts.push(message),
    media,
    meterIntervalMs: 10_000,
  });
  return { v, sent, broadcasts, calls };
}

describe('voice', () => {
  it('of two members the smaller id places the one call; the other answers with its microphone', async () => {
    const mic = microphone();
    const b = voice('pb', { getUserMedia: () => Promise.resolve(mic.stream) });
    await b.v.join();
    expect(b.broadcasts).toEqual([{ type: 'voice', joined: true, muted: false }]);
    b.v.receive('pa', { type: 'voice', joined: true, muted: false });
    expect(b.calls).toEqual([]); // 'pa' < 'pb': pa calls
    b.v.receive('pc', { type: 'voice', joined: true, muted: false });
    expect(b.calls.map((c) => c.to)).toEqual(['pc']);
    expect(b.calls[0]!.stream).toBe(mic.stream);

    const fromA = link('pa');
    b.v.incomingCall('pa', fromA.media);
    expect(fromA.state.answeredWith).toBe(mic.stream);
    const heard = microphone().stream;
    fromA.deliver(heard);
    expect(b.v.streams.value.get('pa')).toBe(heard);
    // They leave: the call ends and their voice is gone.
    b.v.receive('pa', { type: 'voice', joined: false, muted: false });
    expect(fromA.state.closed).toBe(true);
    expect(b.v.streams.value.has('pa')).toBe(false);
    // Leaving (also what disposing the runtime does: leaving the session, a transfer away) tells everyone.
    b.v.dispose();
    expect(b.broadcasts.at(-1)).toEqual({ type: 'voice', joined: false, muted: false });
    expect(mic.track.stopped).toBe(true);
    expect(b.calls[0]!.link.state.closed).toBe(true);
  });

  it('refuses voice calls while not in voice, and calls that are not voice', async () => {
    const a = voice('pa', { getUserMedia: () => Promise.resolve(microphone().stream) });
    const early = link('pb');
    a.v.incomingCall('pb', early.media);
    expect(early.state).toMatchObject({ answered: false, closed: true });
    await a.v.join();
    const screen = link('pb', { kind: 'screen' });
    a.v.incomingCall('pb', screen.media);
    const odd = link('pb', { kind: 'voice', extra: 'x'.repeat(10) });
    a.v.incomingCall('pb', odd.media); // extra fields are ignored by the schema: this one is a voice call
    expect(screen.state.closed).toBe(true);
    expect(odd.state.answered).toBe(true);
    expect(a.v.refusedCount).toBe(2);
  });

  it('a denied microphone means listening only, said why, and calls placed with silence', async () => {
    const silent = microphone().stream;
    const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    const a = voice('pa', { getUserMedia: () => Promise.reject(denied), silence: () => silent });
    a.v.receive('pb', { type: 'voice', joined: true, muted: false });
    expect(a.v.invited.value).toBe(true);
    await a.v.join();
    expect(a.v.status.value).toBe('on');
    expect(a.v.problem.value).toBe('denied');
    expect(a.calls.map((c) => [c.to, c.stream])).toEqual([['pb', silent]]);
    const fromC = link('pc');
    a.v.incomingCall('pc', fromC.media);
    expect(fromC.state).toMatchObject({ answered: true, answeredWith: undefined });
  });

  it('a browser without getUserMedia listens only too', async () => {
    const a = voice('pa', {});
    await a.v.join();
    expect([a.v.status.value, a.v.problem.value]).toEqual(['on', 'unsupported']);
  });

  it('mutes itself when the controller asks, never when anyone else does; unmuting clears it', async () => {
    const mic = microphone();
    const a = voice('pa', { getUserMedia: () => Promise.resolve(mic.stream) }, 'rep');
    a.v.receive('rep', { type: 'voice-mute' }); // not in voice yet: nothing to mute
    await a.v.join();
    for (const forger of ['pb', 'pc', 'customer']) a.v.receive(forger, { type: 'voice-mute' });
    expect([a.v.muted.value, mic.track.enabled, a.v.ignoredCount]).toEqual([false, true, 4]);
    a.v.receive('rep', { type: 'voice-mute' });
    expect([a.v.muted.value, mic.track.enabled, a.v.mutedBy.value]).toEqual([true, false, 'rep']);
    expect(a.broadcasts.at(-1)).toEqual({ type: 'voice', joined: true, muted: true });
    a.v.setMuted(false);
    expect([a.v.muted.value, mic.track.enabled, a.v.mutedBy.value]).toEqual([false, true, null]);
  });

  it('a link that reopens replaces a call that may be dead; a participant gone is hung up', async () => {
    const a = voice('pa', { getUserMedia: () => Promise.resolve(microphone().stream) });
    await a.v.join();
    a.v.receive('pb', { type: 'voice', joined: true, muted: false });
    expect(a.calls).toHaveLength(1);
    a.v.receive('pb', { type: 'voice', joined: true, muted: true }); // a mute: same call
    expect(a.calls).toHaveLength(1);
    a.v.linkOpened('pb');
    expect(a.sent).toEqual(['pb voice']);
    a.v.receive('pb', { type: 'voice', joined: true, muted: false });
    expect(a.calls).toHaveLength(2);
    expect(a.calls[0]!.link.state.closed).toBe(true);
    a.v.participantGone('pb');
    expect(a.calls[1]!.link.state.closed).toBe(true);
    expect(a.v.members.value.size).toBe(0);
    expect(a.calls).toHaveLength(2); // no redial to someone gone
  });

  it('keeps the volume between 0 and 1', () => {
    const a = voice('pa', {});
    a.v.setVolume(7);
    expect(a.v.volume.value).toBe(1);
    a.v.setVolume(Number.NaN);
    expect(a.v.volume.value).toBe(1);
    a.v.setVolume(-1);
    expect(a.v.volume.value).toBe(0);
  });
});
