import { describe, expect, it } from 'vitest';
import type { MediaLink } from '../../../core/mesh/transport';
import { createScreenShare, type ScreenShareDeps } from '../../../core/share/screen-share';
import { REP_SCREEN } from '../../../core/share/share-kinds';

/** An incoming call as the transport hands it over: answered, closed, or left waiting. */
function call(remotePeerId: string, metadata: unknown = { kind: 'screen' }) {
  const state = { answered: false, closed: false };
  const link: MediaLink = {
    remotePeerId,
    metadata,
    answer: () => void (state.answered = true),
    close: () => void (state.closed = true),
    onStream: () => undefined,
    onClose: () => undefined,
  };
  return { link, state };
}

function share(allowed: Set<string>, extra: Partial<ScreenShareDeps> = {}) {
  return createScreenShare({
    selfId: 'me',
    mayShare: (id) => allowed.has(id),
    openParticipants: () => [],
    call: () => undefined,
    broadcast: () => undefined,
    send: () => true,
    capture: () => Promise.reject(new Error('not used')),
    pendingCallMs: 40,
    ...extra,
  });
}

describe('screen share rights', () => {
  it('answers screen calls from those allowed to share and refuses everyone else, and non-screen calls', () => {
    const s = share(new Set(['rep', 'active']));
    const fromRep = call('rep');
    const fromActive = call('active');
    const odd = call('rep', { kind: 'exec' });
    s.incomingCall('rep', fromRep.link);
    s.incomingCall('active', fromActive.link);
    s.incomingCall('rep', odd.link);
    expect([fromRep.state.answered, fromActive.state.answered, odd.state.closed]).toEqual([true, true, true]);
    expect(s.refusedCount).toBe(1);
  });

  it('holds a call from a customer who is not active briefly, then refuses it', async () => {
    const s = share(new Set());
    const fromOther = call('other');
    s.incomingCall('other', fromOther.link);
    expect(fromOther.state).toEqual({ answered: false, closed: false });
    await new Promise((r) => setTimeout(r, 60));
    expect(fromOther.state).toEqual({ answered: false, closed: true });
    expect(s.refusedCount).toBe(1);
  });

  it('answers a held call once the news arrives that its sender may share now', () => {
    const allowed = new Set<string>();
    const s = share(allowed);
    const early = call('next');
    s.incomingCall('next', early.link);
    allowed.add('next');
    s.rightsChanged();
    expect(early.state).toEqual({ answered: true, closed: false });
  });

  it('refuses to start sharing when this participant may not share', async () => {
    expect(await share(new Set()).start()).toEqual({ ok: false, notAllowed: true });
  });
});

describe('a screen call lost on the way (its offer went through a reconnecting broker)', () => {
  const fakeScreen = () => ({ getTracks: () => [], getVideoTracks: () => [] }) as unknown as MediaStream;

  it('the receiver asks for the call again while it does not come, and stops asking once it does', async () => {
    const sent: string[] = [];
    const s = createScreenShare({
      selfId: 'me',
      mayShare: () => true,
      openParticipants: () => [],
      call: () => undefined,
      broadcast: () => undefined,
      send: (to, message) => (sent.push(`${to} ${message.type}`), true),
      capture: () => Promise.reject(new Error('not used')),
      callWaitMs: 20,
    });
    s.receive('sharer', { type: 'share', sharing: true });
    await new Promise((r) => setTimeout(r, 30));
    expect(sent).toEqual(['sharer share-request']);
    s.incomingCall('sharer', call('sharer').link);
    await new Promise((r) => setTimeout(r, 80));
    expect(sent).toEqual(['sharer share-request']); // the call came: no more asking
    s.dispose();
  });

  it('the sharer calls again when asked, once per interval however often a hostile peer asks', async () => {
    const calls: string[] = [];
    const s = createScreenShare({
      selfId: 'me',
      mayShare: () => true,
      openParticipants: () => ['viewer'],
      call: (to) => (calls.push(to), call(to).link),
      broadcast: () => undefined,
      send: () => true,
      capture: () => Promise.resolve(fakeScreen()),
      callWaitMs: 50,
    });
    s.receive('viewer', { type: 'share-request' }); // not sharing: nothing to call with
    expect(calls).toEqual([]);
    expect(await s.start()).toEqual({ ok: true });
    expect(calls).toEqual(['viewer']);
    for (let i = 0; i < 100; i++) s.receive('viewer', { type: 'share-request' });
    expect(calls).toEqual(['viewer', 'viewer']);
    await new Promise((r) => setTimeout(r, 60));
    s.receive('viewer', { type: 'share-request' });
    expect(calls).toEqual(['viewer', 'viewer', 'viewer']);
    s.dispose();
  });
});

describe('the kinds of share', () => {
  const reps = new Set(['rita']);
  const repScreen = () => share(reps, { kind: REP_SCREEN, pendingCallMs: 20 });

  it('a rep screen owns its own messages and call kind, apart from the customer screen', () => {
    const s = repScreen();
    expect([s.name, s.messageTypes, s.callKinds]).toEqual([
      'rep-screen-share',
      ['rep-share', 'rep-share-request'],
      ['rep-screen'],
    ]);
  });

  it('answers a rep screen only from a rep, and only as a rep screen (a customer screen call is not one)', async () => {
    const s = repScreen();
    const fromRita = call('rita', { kind: 'rep-screen' });
    const posing = call('ann', { kind: 'rep-screen' });
    const wrongKind = call('rita', { kind: 'screen' });
    s.incomingCall('rita', fromRita.link);
    s.incomingCall('ann', posing.link);
    s.incomingCall('rita', wrongKind.link);
    await new Promise((r) => setTimeout(r, 40));
    expect([fromRita.state.answered, posing.state, wrongKind.state.closed]).toEqual([
      true,
      { answered: false, closed: true },
      true,
    ]);
    expect(s.refusedCount).toBe(2);
  });

  it('ignores a customer saying they share a rep screen, and the customer screen’s messages', () => {
    const asked: string[] = [];
    const s = share(reps, {
      kind: REP_SCREEN,
      send: (to, message) => (asked.push(`${to} ${message.type}`), true),
      callWaitMs: 5,
    });
    s.receive('ann', { type: 'rep-share', sharing: true });
    s.receive('rita', { type: 'share', sharing: true });
    expect(s.running.value).toBe(false);
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        expect(asked).toEqual([]); // nobody is asked for a call that is not coming from a rep
        s.dispose();
        resolve();
      }, 30),
    );
  });
});
