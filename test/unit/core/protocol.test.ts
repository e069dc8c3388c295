import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { groupSessionNumber, JoinRequest, MeshMessage, SessionNumber } from '../../../core/protocol';
import { normalizeBrokerUrl } from '../../../core/extension/settings';
import { badgeText } from '../../../core/extension/badge';

describe('protocol', () => {
  it('groups session numbers in threes and accepts them typed with spaces', () => {
    expect(groupSessionNumber('123456789')).toBe('123 456 789');
    expect(v.parse(SessionNumber, ' 123 456 789 ')).toBe('123456789');
    expect(v.safeParse(SessionNumber, '012345678').success).toBe(false);
  });

  it('rejects mesh messages that are unknown, malformed or oversized', () => {
    expect(v.safeParse(MeshMessage, { type: 'exec', code: 'x' }).success).toBe(false);
    expect(
      v.safeParse(MeshMessage, { type: 'chat', id: 'short', text: 'x', sentAt: 1, senderId: 'abcdefgh', senderName: 'a' })
        .success,
    ).toBe(false);
    const long = 'x'.repeat(4001);
    expect(
      v.safeParse(MeshMessage, { type: 'chat', id: 'abcdefgh12', text: long, sentAt: 1, senderId: 'abcdefgh', senderName: 'a' })
        .success,
    ).toBe(false);
    expect(v.safeParse(MeshMessage, { type: 'share', sharing: true }).success).toBe(true);
  });

  it('trims names and refuses empty ones', () => {
    expect(v.parse(JoinRequest, { invite: 'a'.repeat(32), name: '  Ann ' }).name).toBe('Ann');
    expect(v.safeParse(JoinRequest, { invite: 'a'.repeat(32), name: '   ' }).success).toBe(false);
  });

  it('normalizes broker addresses and badge counts', () => {
    expect(normalizeBrokerUrl(' http://127.0.0.1:9000/ ')).toBe('http://127.0.0.1:9000');
    expect(normalizeBrokerUrl('ftp://x')).toBeUndefined();
    expect(normalizeBrokerUrl('nonsense')).toBeUndefined();
    expect([badgeText(0), badgeText(2), badgeText(120)]).toEqual(['', '2', '99+']);
  });
});
