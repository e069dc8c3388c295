import { describe, expect, it } from 'vitest';
import { decodeValue, encodeError, encodeValue } from '../../../core/host/values';
import { BrokerError } from '../../../core/broker/errors';

describe('values between the session host and its views', () => {
  it('plain data, maps and sets cross as they are; functions are dropped', () => {
    const value = { a: [1, 'two'], m: new Map([['k', { n: 1 }]]), s: new Set([1]), f: () => 1, at: new Date(5) };
    const encoded = encodeValue(value, () => 'never') as Record<string, unknown>;
    expect(encoded).toEqual({ a: [1, 'two'], m: new Map([['k', { n: 1 }]]), s: new Set([1]), at: new Date(5) });
    expect(decodeValue(encoded, () => undefined)).toEqual(encoded);
  });

  it('a stream not there yet is left out of a map and undefined in a field; the ids met are recorded', () => {
    const seen = new Set<string>();
    const decoded = decodeValue(
      { remote: new Map([['ann', { $stream: 's1' }]]), local: { $stream: 's2' } },
      () => undefined,
      seen,
    );
    expect(decoded).toEqual({ remote: new Map(), local: undefined });
    expect([...seen]).toEqual(['s1', 's2']);
  });

  it('a broker refusal keeps its status and code across; other errors their name and message', () => {
    expect(encodeError(new BrokerError(409, 'conflict', 'Taken', 3))).toEqual({
      name: 'BrokerError',
      message: 'Taken',
      status: 409,
      code: 'conflict',
      retryAfterSeconds: 3,
    });
    expect(encodeError(new TypeError('bad'))).toEqual({ name: 'TypeError', message: 'bad' });
    expect(encodeError('odd')).toEqual({ name: 'Error', message: 'odd' });
  });
});
