import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../../bench/report';
import { figure } from '../../../bench/stats';

describe('bench results file', () => {
  it('a run replaces its own metrics in place, adds new ones at the end and keeps the others', () => {
    const previous = [figure('a', 'ms', 1, 1), figure('b', 'ms', 2, 2), figure('c', 'ms', 3, 3)];
    const merged = mergeResults(previous, [figure('b', 'ms', 20, 2), figure('d', 'MB', 4, 4)]);
    expect(merged.map((m) => [m.name, m.value])).toEqual([
      ['a', 1],
      ['b', 20],
      ['c', 3],
      ['d', 4],
    ]);
  });
});
