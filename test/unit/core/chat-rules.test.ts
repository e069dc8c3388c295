import { describe, expect, it } from 'vitest';
import type { Participant } from '../../../core/protocol';
import { chatRules } from '../../../core/session/chat-rules';
import { sessionTimeline } from '../../../core/session/timeline';

const person = (
  id: string,
  role: Participant['role'],
  joinedAt = 1,
  left?: [number, Participant['leftReason']],
): Participant => ({
  id,
  role,
  name: id.toUpperCase(),
  peerId: `p${id.padEnd(24, 'x')}`,
  joinedAt,
  leftAt: left ? left[0] : null,
  leftReason: left ? left[1] : null,
});

const everyone = [person('rep', 'controller'), person('bob', 'assistant'), person('ann', 'customer'), person('bea', 'customer')];
const rulesFor = (self: Participant, people = everyone) =>
  chatRules({ self: { participantId: self.id, role: self.role }, participants: () => people, everyone: () => people });

describe('chat rules: private per customer', () => {
  it('a customer writes only to the reps, in their own thread', () => {
    const ann = rulesFor(everyone[2]!);
    expect(ann.ownThread).toBe('ann');
    expect(ann.recipients('ann')).toEqual(['rep', 'bob']);
  });

  it('a rep writes a customer’s thread to that customer and the reps, and "everyone" to everyone', () => {
    const rep = rulesFor(everyone[0]!);
    expect(rep.recipients('ann')).toEqual(['bob', 'ann']);
    expect(rep.recipients('all')).toEqual(['bob', 'ann', 'bea']);
  });

  it('a customer accepts only the reps, in their thread or to everyone', () => {
    const ann = rulesFor(everyone[2]!);
    expect(ann.accepts('rep', 'ann')).toBe(true);
    expect(ann.accepts('bob', 'all')).toBe(true);
    expect(ann.accepts('rep', 'bea')).toBe(false);
    expect(ann.accepts('bea', 'ann')).toBe(false);
    expect(ann.accepts('bea', 'all')).toBe(false);
    expect(ann.accepts('stranger', 'ann')).toBe(false);
  });

  it('a rep accepts a customer only in that customer’s thread, and reps in any customer’s thread or to everyone', () => {
    const rep = rulesFor(everyone[0]!);
    expect(rep.accepts('ann', 'ann')).toBe(true);
    expect(rep.accepts('ann', 'bea')).toBe(false);
    expect(rep.accepts('ann', 'all')).toBe(false);
    expect(rep.accepts('bob', 'bea')).toBe(true);
    expect(rep.accepts('bob', 'all')).toBe(true);
    expect(rep.accepts('bob', 'rep')).toBe(false); // not a customer's thread
    expect(rep.accepts('stranger', 'all')).toBe(false);
  });

  it('what a rep sees in a thread is that thread and the posts to everyone', () => {
    const inAnn = rulesFor(everyone[0]!).inThread('ann');
    expect([{ thread: 'ann' }, { thread: 'bea' }, { thread: 'all' }].map(inAnn)).toEqual([true, false, true]);
  });
});

describe('chat rules: copies of the conversation (history for late joiners)', () => {
  it('a rep’s copy (every thread) goes to reps; a customer’s, only its own thread and only to reps; customers get none', () => {
    const entries = [{ thread: 'ann' }, { thread: 'bea' }, { thread: 'all' }];
    expect(entries.map(rulesFor(everyone[0]!).copyFor('bob')!)).toEqual([true, true, true]);
    expect(rulesFor(everyone[0]!).copyFor('ann')).toBeUndefined();
    expect(rulesFor(everyone[0]!).copyFor('stranger')).toBeUndefined();
    expect(entries.map(rulesFor(everyone[2]!).copyFor('bob')!)).toEqual([true, false, false]);
    expect(rulesFor(everyone[2]!).copyFor('bea')).toBeUndefined();
  });

  it('a rep believes reps about every thread, and a customer about its own words; what a customer says a rep wrote is relayed', () => {
    const bob = rulesFor(everyone[1]!);
    expect(bob.copyFrom('rep', 'ann', 'ann')).toBe('author');
    expect(bob.copyFrom('rep', 'rep', 'all')).toBe('author');
    expect(bob.copyFrom('rep', 'rep', 'bea')).toBe('author');
    expect(bob.copyFrom('ann', 'ann', 'ann')).toBe('author');
    expect(bob.copyFrom('ann', 'rep', 'ann')).toBe('relayed');
    // A rep passing on a customer's copy: still relayed, and only for that customer's thread.
    expect(bob.copyFrom('rep', 'rep', 'ann', 'ann')).toBe('relayed');
    expect(bob.copyFrom('rep', 'rep', 'bea', 'ann')).toBeUndefined();
    expect(bob.copyFrom('rep', 'ann', 'ann', 'ann')).toBeUndefined();
  });

  it('a customer’s copy of another thread, of another customer, or of what reps said to everyone is refused', () => {
    const bob = rulesFor(everyone[1]!);
    expect(bob.copyFrom('ann', 'bea', 'bea')).toBeUndefined(); // another customer's thread
    expect(bob.copyFrom('ann', 'bea', 'ann')).toBeUndefined(); // another customer "in" Ann's thread
    expect(bob.copyFrom('ann', 'rep', 'bea')).toBeUndefined(); // a rep in another thread
    expect(bob.copyFrom('ann', 'rep', 'all')).toBeUndefined(); // to everyone: the reps' to give
    expect(bob.copyFrom('ann', 'ann', 'ann', 'bea')).toBeUndefined(); // a customer cannot relay
    expect(bob.copyFrom('rep', 'ann', 'bea')).toBeUndefined(); // a customer's words outside their thread
    expect(bob.copyFrom('rep', 'rep', 'rep')).toBeUndefined(); // not a customer's thread
    expect(bob.copyFrom('rep', 'stranger', 'all')).toBeUndefined(); // never in the session
    expect(bob.copyFrom('stranger', 'rep', 'ann')).toBeUndefined(); // a holder from nowhere
    expect(rulesFor(everyone[2]!).copyFrom('rep', 'rep', 'ann')).toBeUndefined(); // customers take no copies
  });
});

describe('session timeline', () => {
  it('tells joins and departures in order, how each left, and leaves out the controller’s start and the end', () => {
    const people = [
      person('rep', 'controller', 1),
      person('bob', 'assistant', 5, [40, 'left']),
      person('ann', 'customer', 10, [30, 'removed']),
      person('bea', 'customer', 20, [50, 'ended']),
      person('cy', 'customer', 25, [35, 'timeout']),
    ];
    expect(sessionTimeline(people, 'rep').map((i) => `${i.at} ${'name' in i ? i.name : ''} ${i.kind}`)).toEqual([
      '5 BOB joined',
      '10 ANN joined',
      '20 BEA joined',
      '25 CY joined',
      '30 ANN removed',
      '35 CY timeout',
      '40 BOB left',
    ]);
  });

  it('tells hand-overs of control, and who joined as what although roles changed since', () => {
    // Rita started the session and passed control to Bob; roles in the roster are today's.
    const people = [person('rep', 'assistant', 1), person('bob', 'controller', 5), person('ann', 'customer', 10)];
    const changes = [{ from: 'rep', to: 'bob', at: 20, epoch: 1 }];
    const line = (i: ReturnType<typeof sessionTimeline>[number]) =>
      i.kind === 'control' ? `${i.at} ${i.from}→${i.to}` : 'name' in i ? `${i.at} ${i.name} ${i.kind} ${i.role}` : i.kind;
    expect(sessionTimeline(people, 'bob', changes).map(line)).toEqual(['10 ANN joined customer', '20 REP→BOB']);
    expect(sessionTimeline(people, 'rep', changes).map(line)).toEqual([
      '5 BOB joined assistant',
      '10 ANN joined customer',
      '20 REP→BOB',
    ]);
    // Customers hear only of the hand-overs.
    expect(sessionTimeline(people, 'ann', changes, true).map(line)).toEqual(['20 REP→BOB']);
  });

  it('tells a WebACD transfer once: who transferred where, who took over; not as a departure and a join', () => {
    // Rita transferred to the Billing queue; Bob accepted and joined as controller.
    const people = [person('rep', 'controller', 1, [20, 'left']), person('ann', 'customer', 10), person('bob', 'controller', 30)];
    const transfers = [
      {
        id: 't1',
        from: 'rep',
        target: { queue: 'Billing', agents: [] },
        startedAt: 20,
        endedAt: 30,
        outcome: 'accepted' as const,
        controllerId: 'bob',
      },
    ];
    const line = (i: ReturnType<typeof sessionTimeline>[number]) =>
      i.kind === 'transfer-started'
        ? `${i.at} ${i.from}→${i.target.queue}`
        : i.kind === 'transfer-ended'
          ? `${i.at} ${i.to} ${i.outcome}`
          : 'name' in i
            ? `${i.at} ${i.name} ${i.kind}`
            : i.kind;
    expect(sessionTimeline(people, 'bob', [], false, transfers).map(line)).toEqual([
      '10 ANN joined',
      '20 REP→Billing',
      '30 BOB accepted',
    ]);
    expect(sessionTimeline(people, 'ann', [], true, transfers).map(line)).toEqual(['20 REP→Billing', '30 BOB accepted']);
    // Still pending: only the start.
    const pending = [{ ...transfers[0]!, endedAt: null, outcome: null, controllerId: null }];
    expect(sessionTimeline(people.slice(0, 2), 'ann', [], true, pending).map(line)).toEqual(['20 REP→Billing']);
  });
});
