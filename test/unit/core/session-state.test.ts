import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { SessionDetail, SessionEvent, type Participant } from '../../../core/protocol';
import {
  controllerOf,
  initialSessionState,
  permissionsOf,
  reduceSession,
  type SessionState,
} from '../../../core/session/session-state';

const S = 'sess_aaaaaaaaaaaaaaaa';
const person = (id: string, role: Participant['role'], joinedAt: number): Participant => ({
  id,
  role,
  name: id.toUpperCase(),
  peerId: `p${id.replace('_', '')}`.padEnd(24, '0'),
  joinedAt,
  leftAt: null,
});

/**
 * A session's log as the broker writes it (checked against the wire schema below): Ann starts it, Casey
 * joins and is made active, Bob comes to assist, Ann passes control to Bob, Bob passes it back.
 */
const detail = v.parse(SessionDetail, {
  session: { id: S, number: '123456789', status: 'live', createdAt: 1, endedAt: null },
  participants: [person('ann_part', 'controller', 1)],
  lastSeq: 1,
  controlEpoch: 0,
});
const recorded = v.parse(v.array(SessionEvent), [
  { sessionId: S, seq: 2, at: 10, type: 'participant-joined', participant: person('casey_part', 'customer', 10) },
  { sessionId: S, seq: 3, at: 10, type: 'active-customer', participantId: 'casey_part' },
  { sessionId: S, seq: 4, at: 20, type: 'participant-joined', participant: person('bob_part', 'assistant', 20) },
  { sessionId: S, seq: 5, at: 30, type: 'control-changed', from: 'ann_part', to: 'bob_part', epoch: 1 },
  { sessionId: S, seq: 6, at: 40, type: 'knock', knock: { waitId: 'wait0001', name: 'Dee', createdAt: 40, expiresAt: 400 } },
  { sessionId: S, seq: 7, at: 50, type: 'control-changed', from: 'bob_part', to: 'ann_part', epoch: 2 },
]);

const replay = (events: readonly SessionEvent[], from: SessionState = initialSessionState(detail)) =>
  events.reduce(reduceSession, from);

describe('session state: the event log through one reducer', () => {
  it('roles follow control as it passes and comes back, with every hand-over kept for the timeline', () => {
    const afterPass = replay(recorded.slice(0, 4));
    expect(controllerOf(afterPass)?.id).toBe('bob_part');
    expect(afterPass.participants.find((p) => p.id === 'ann_part')?.role).toBe('assistant');
    expect(afterPass.controlEpoch).toBe(1);

    const back = replay(recorded);
    expect(controllerOf(back)?.id).toBe('ann_part');
    expect(back.participants.find((p) => p.id === 'bob_part')?.role).toBe('assistant');
    expect(back.controlEpoch).toBe(2);
    expect(back.controlChanges.map((c) => `${c.from}→${c.to}@${c.epoch}`)).toEqual([
      'ann_part→bob_part@1',
      'bob_part→ann_part@2',
    ]);
    expect(back.activeCustomerId).toBe('casey_part');
    expect(back.knocks.map((k) => k.waitId)).toEqual(['wait0001']);
  });

  it('a reload converges: the detail at any point plus the rest of the log gives the same state', () => {
    const straight = replay(recorded);
    for (let cut = 0; cut <= recorded.length; cut++) {
      const atCut = replay(recorded.slice(0, cut));
      const reloaded = initialSessionState({
        ...detail,
        participants: [...atCut.participants],
        activeCustomerId: atCut.activeCustomerId,
        controlEpoch: atCut.controlEpoch,
        controlChanges: [...atCut.controlChanges],
        knocks: [...atCut.knocks],
      });
      expect(replay(recorded.slice(cut), reloaded)).toEqual(straight);
    }
  });

  it('a hand-over already known (replayed, or older than the detail) changes nothing', () => {
    const done = replay(recorded);
    expect(reduceSession(done, recorded[3]!)).toBe(done);
    expect(replay([recorded[3]!, recorded[5]!], done)).toBe(done);
  });

  it('ignores another session’s events', () => {
    const state = initialSessionState(detail);
    const foreign = { ...recorded[3]!, sessionId: 'sess_bbbbbbbbbbbbbbbb' };
    expect(reduceSession(state, foreign)).toBe(state);
  });

  it('permissions come from the state: the controller’s actions move with control', () => {
    const afterPass = replay(recorded.slice(0, 4));
    const ann = permissionsOf(afterPass, 'ann_part');
    const bob = permissionsOf(afterPass, 'bob_part');
    expect([ann.isController, ann.mayControl, ann.mayLeave, ann.mayShare]).toEqual([false, false, true, true]);
    expect([bob.isController, bob.mayControl, bob.mayLeave]).toEqual([true, true, false]);
    expect(bob.passTargets.map((p) => p.id)).toEqual(['ann_part']);
    expect(ann.passTargets).toEqual([]);
    expect(permissionsOf(afterPass, 'casey_part')).toMatchObject({ isRep: false, mayShare: true, mayControl: false });

    const left = reduceSession(afterPass, { sessionId: S, seq: 8, at: 60, type: 'participant-left', participantId: 'ann_part' });
    expect(permissionsOf(left, 'bob_part').passTargets).toEqual([]);
    expect(permissionsOf(left, 'ann_part')).toMatchObject({ mayShare: false, mayLeave: false });

    const ended = reduceSession(afterPass, { sessionId: S, seq: 8, at: 60, type: 'session-ended' });
    expect(permissionsOf(ended, 'bob_part')).toMatchObject({ isController: false, mayControl: false });
    expect(ended.knocks).toEqual([]);
  });
});
