import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DisplayName, groupSessionNumber, JoinRequest, MeshMessage, SessionNumber } from '../../../core/protocol';
import { normalizeBrokerUrl } from '../../../core/extension/settings';
import { badgeText } from '../../../core/extension/badge';

describe('protocol', () => {
  it('groups session numbers in threes and accepts them typed with spaces', () => {
    expect(groupSessionNumber('123456789')).toBe('123 456 789');
    expect(v.parse(SessionNumber, ' 123 456 789 ')).toBe('123456789');
    expect(v.safeParse(SessionNumber, '012345678').success).toBe(false);
  });

  it('rejects mesh messages that are unknown, malformed or oversized', () => {
    const chat = (fields: Record<string, unknown>) =>
      v.safeParse(MeshMessage, { type: 'chat', id: 'abcdefgh12', text: 'x', sentAt: 1, thread: 'all', ...fields }).success;
    expect(v.safeParse(MeshMessage, { type: 'exec', code: 'x' }).success).toBe(false);
    expect(chat({})).toBe(true);
    expect(chat({ id: 'short' })).toBe(false);
    expect(chat({ id: 'x'.repeat(65) })).toBe(false);
    expect(chat({ text: 'x'.repeat(4001) })).toBe(false);
    expect(chat({ text: '漢'.repeat(3500) })).toBe(false); // 4,000 characters at most, and 10 kB
    expect(chat({ text: '' })).toBe(false);
    expect(chat({ sentAt: Infinity })).toBe(false);
    expect(chat({ sentAt: '1' })).toBe(false);
    expect(chat({ thread: 'not an id!' })).toBe(false);
    expect(chat({ thread: undefined })).toBe(false);
    expect(v.safeParse(MeshMessage, { type: 'share', sharing: true }).success).toBe(true);
    expect(v.safeParse(MeshMessage, { type: 'heartbeat' }).success).toBe(true);
  });

  it('media messages: voice state, mute requests and the share kinds, nothing looser', () => {
    const ok = (m: unknown) => v.safeParse(MeshMessage, m).success;
    expect(ok({ type: 'voice', joined: true, muted: false })).toBe(true);
    expect(ok({ type: 'voice', joined: 'yes', muted: false })).toBe(false);
    expect(ok({ type: 'voice', joined: true })).toBe(false);
    expect(ok({ type: 'voice-mute' })).toBe(true);
    for (const type of ['rep-share', 'camera']) {
      expect(ok({ type, sharing: false })).toBe(true);
      expect(ok({ type, sharing: 1 })).toBe(false);
      expect(ok({ type: `${type}-request` })).toBe(true);
    }
  });

  it('trims names and refuses empty ones', () => {
    expect(v.parse(JoinRequest, { invite: 'a'.repeat(32), name: '  Ann ' }).name).toBe('Ann');
    expect(v.safeParse(JoinRequest, { invite: 'a'.repeat(32), name: '   ' }).success).toBe(false);
  });

  it('refuses names with line breaks, control or direction characters, or nothing visible, with a clear message', () => {
    const name = (n: string) => v.safeParse(DisplayName, n);
    const message = (n: string) => {
      const r = name(n);
      return r.success ? undefined : r.issues[0].message;
    };
    for (const ok of ['Ann Lee', 'Анна', 'محمد', '李小龙', 'Zoë', '👩‍💻 Ann', 'O’Brien']) expect(name(ok).success, ok).toBe(true);
    expect(message('Ann\nBcc: x@example.com')).toMatch(/one line/);
    expect(message('Ann\u0007')).toMatch(/control/);
    expect(message('Ann\u202Egnp.exe')).toMatch(/direction/);
    expect(message('\u2066Ann')).toMatch(/direction/);
    expect(message('\u200B\u200B')).toMatch(/visible/);
    expect(message('\u3164')).toMatch(/visible/);
    expect(message('x'.repeat(81))).toMatch(/80 characters/);
    expect(v.parse(DisplayName, 'Zoe\u0308')).toBe('Zoë'); // one way of writing each name
  });

  it('normalizes broker addresses and badge counts', () => {
    expect(normalizeBrokerUrl(' http://127.0.0.1:9000/ ')).toBe('http://127.0.0.1:9000');
    expect(normalizeBrokerUrl('ftp://x')).toBeUndefined();
    expect(normalizeBrokerUrl('nonsense')).toBeUndefined();
    expect([badgeText(0), badgeText(2), badgeText(120)]).toEqual(['', '2', '99+']);
  });
});
