import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../core/duration';
import type { Participant } from '../../../core/protocol';
import { distinctNames } from '../../../core/session/display-names';

const person = (id: string, name: string, joinedAt: number): Participant => ({
  id,
  name,
  joinedAt,
  role: 'customer',
  peerId: `peer-${id}`,
  leftAt: null,
});

describe('distinctNames', () => {
  it('keeps unique names as they are', () => {
    const names = distinctNames([person('a', 'Ann', 1), person('b', 'Bob', 2)]);
    expect([...names.values()]).toEqual(['Ann', 'Bob']);
  });

  it('numbers people who share a name in order of arrival, whatever the list order and the case', () => {
    const names = distinctNames([person('c', 'casey ', 30), person('a', 'Casey', 10), person('b', 'CASEY', 20)]);
    expect(names.get('a')).toBe('Casey');
    expect(names.get('b')).toBe('CASEY (2)');
    expect(names.get('c')).toBe('casey  (3)');
  });
});

describe('formatDuration', () => {
  it('reads like a clock', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(42_900)).toBe('0:42');
    expect(formatDuration(12 * 60_000 + 5_000)).toBe('12:05');
    expect(formatDuration(3_600_000 + 2 * 60_000 + 9_000)).toBe('1:02:09');
  });

  it('never shows a negative or broken time', () => {
    expect(formatDuration(-5_000)).toBe('0:00');
    expect(formatDuration(Number.NaN)).toBe('0:00');
  });
});
