import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { nextOffers, offerExpiry, type Candidate, type RoutingInput } from '../../../broker/acd/routing';
import { countCharacters, TRANSFER_MESSAGE_MAX, TransferRequest } from '../../../core/protocol';

const candidate = (repId: string, over: Partial<Candidate> = {}): [string, Candidate] => [
  repId,
  { repId, eligible: true, liveSessions: 0, idleSince: 0, ...over },
];

function input(over: Partial<RoutingInput> = {}): RoutingInput {
  return {
    routing: 'everybody',
    order: ['a', 'b', 'c'],
    candidates: new Map([candidate('a'), candidate('b'), candidate('c')]),
    offered: new Set(),
    offerOpen: false,
    cursor: null,
    ...over,
  };
}

describe('WebACD routing', () => {
  it('everybody: every eligible agent not asked yet, at once, even while offers are open', () => {
    const candidates = new Map([candidate('a'), candidate('b', { eligible: false }), candidate('c')]);
    expect(nextOffers(input({ candidates }))).toEqual(['a', 'c']);
    expect(nextOffers(input({ candidates, offered: new Set(['a']), offerOpen: true }))).toEqual(['c']);
  });

  it('never offers a transfer twice to the same agent, in any routing', () => {
    for (const routing of ['everybody', 'most-idle', 'round-robin'] as const) {
      expect(nextOffers(input({ routing, offered: new Set(['a', 'b', 'c']) }))).toEqual([]);
    }
  });

  it('most idle: one agent at a time, fewest sessions first, then idle longest', () => {
    const candidates = new Map([
      candidate('a', { liveSessions: 1, idleSince: 0 }),
      candidate('b', { idleSince: 500 }),
      candidate('c', { idleSince: 100 }),
    ]);
    expect(nextOffers(input({ routing: 'most-idle', candidates }))).toEqual(['c']);
    expect(nextOffers(input({ routing: 'most-idle', candidates, offered: new Set(['c']) }))).toEqual(['b']);
    // While an offer is open, nobody else is asked.
    expect(nextOffers(input({ routing: 'most-idle', candidates, offered: new Set(['c']), offerOpen: true }))).toEqual([]);
  });

  it('round robin: the next agent after the one offered last, wrapping, skipping the ineligible', () => {
    expect(nextOffers(input({ routing: 'round-robin' }))).toEqual(['a']);
    expect(nextOffers(input({ routing: 'round-robin', cursor: 'a' }))).toEqual(['b']);
    expect(nextOffers(input({ routing: 'round-robin', cursor: 'c' }))).toEqual(['a']);
    const candidates = new Map([candidate('a'), candidate('b', { eligible: false }), candidate('c')]);
    expect(nextOffers(input({ routing: 'round-robin', cursor: 'a', candidates }))).toEqual(['c']);
    expect(nextOffers(input({ routing: 'round-robin', cursor: 'a', candidates, offered: new Set(['c']) }))).toEqual(['a']);
  });

  it('offers to one agent at a time and to named agents run out; everybody offers do not', () => {
    expect(offerExpiry('everybody', 1000, 30_000)).toBeNull();
    expect(offerExpiry('most-idle', 1000, 30_000)).toBe(31_000);
    expect(offerExpiry('named', 1000, 30_000)).toBe(31_000);
  });
});

describe('the transfer message', () => {
  const accepts = (message: string) => v.safeParse(TransferRequest, { queueId: 'q'.repeat(16), message }).success;

  it('counts characters as a person does: an emoji family, a flag, a letter with accents are one each', () => {
    expect(countCharacters('👨‍👩‍👧‍👦')).toBe(1);
    expect(countCharacters('🇷🇺')).toBe(1);
    expect(countCharacters('e\u0301')).toBe(1);
    expect(countCharacters('Привет')).toBe(6);
  });

  it('takes 345 characters and refuses 346, whatever they are made of', () => {
    for (const unit of ['a', '👨‍👩‍👧‍👦', 'e\u0301\u0302', 'я']) {
      expect(accepts(unit.repeat(TRANSFER_MESSAGE_MAX)), unit).toBe(true);
      expect(accepts(unit.repeat(TRANSFER_MESSAGE_MAX + 1)), unit).toBe(false);
    }
    // Line breaks are fine; other control characters and direction overrides are not.
    expect(accepts('Line one\nline two')).toBe(true);
    expect(accepts('bell\u0007')).toBe(false);
    expect(accepts('evil\u202e')).toBe(false);
    // A pile of combining marks is refused before it is counted.
    expect(accepts('a' + '\u0301'.repeat(100_000))).toBe(false);
  });

  it('goes to one queue or to agents, never both, never to an empty list', () => {
    const id = 'A'.repeat(16);
    expect(v.safeParse(TransferRequest, { queueId: id }).success).toBe(true);
    expect(v.safeParse(TransferRequest, { agentIds: [id] }).success).toBe(true);
    expect(v.safeParse(TransferRequest, { queueId: id, agentIds: [id] }).success).toBe(false);
    expect(v.safeParse(TransferRequest, {}).success).toBe(false);
    expect(v.safeParse(TransferRequest, { agentIds: [] }).success).toBe(false);
  });
});
