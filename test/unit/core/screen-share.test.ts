import { describe, expect, it } from 'vitest';
import type { MediaLink } from '../../../core/mesh/transport';
import { createScreenShare } from '../../../core/share/screen-share';

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

function share(allowed: Set<string>) {
  return createScreenShare({
    selfId: 'me',
    mayShare: (id) => allowed.has(id),
    openParticipants: () => [],
    call: () => undefined,
    broadcast: () => undefined,
    getDisplayMedia: () => Promise.reject(new Error('not used')),
    pendingCallMs: 40,
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
