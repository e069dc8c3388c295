import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { OpaqueId, PeerId, SessionNumber } from '../../../core/protocol';
import { hashPassword, scryptCost, verifyPassword } from '../../../broker/auth/passwords';
import {
  deriveToken,
  hashToken,
  newId,
  newInviteToken,
  newParticipantToken,
  newPeerId,
  newRepToken,
  newSessionNumber,
  sameHash,
} from '../../../broker/auth/tokens';
import { RateLimiter } from '../../../broker/auth/rateLimit';

describe('passwords', () => {
  it('hashes with scrypt and a random salt, in a self-describing format', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    // The test suites hash cheaply (SCRYPT_N=1024 in vitest's config); production's cost is 2^15.
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horsE', a)).toBe(false);
  });

  it('costs 2^15 unless SCRYPT_N says otherwise, and refuses a cost that is not a sane power of two', () => {
    expect(scryptCost({})).toBe(32768);
    expect(scryptCost({ SCRYPT_N: '' })).toBe(32768);
    expect(scryptCost({ SCRYPT_N: '2048' })).toBe(2048);
    for (const bad of ['1000', '512', '2097152', 'lots', '1e4']) expect(() => scryptCost({ SCRYPT_N: bad })).toThrow(/SCRYPT_N/);
  });

  it('refuses unreadable or hostile hashes instead of throwing', async () => {
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdA$aGFzaA')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$16384$8$1$c2FsdA$')).toBe(false);
  });
});

describe('tokens', () => {
  it('are random, URL-safe and as long as the design asks', () => {
    expect(Buffer.from(newRepToken(), 'base64url')).toHaveLength(32);
    expect(Buffer.from(newParticipantToken(), 'base64url')).toHaveLength(32);
    expect(Buffer.from(newInviteToken(), 'base64url')).toHaveLength(24);
    expect(newRepToken()).not.toBe(newRepToken());
    expect(v.is(OpaqueId, newId())).toBe(true);
    expect(v.is(PeerId, newPeerId())).toBe(true);
  });

  it('make peer ids that PeerJS accepts, every time (its own validateId rule)', () => {
    const peerJsValidId = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;
    const ids = Array.from({ length: 5000 }, newPeerId);
    for (const id of ids) {
      expect(id).toMatch(peerJsValidId);
      expect(v.is(PeerId, id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(v.is(PeerId, 'pBQZIiEBd3Z33rFPpvS_-E45V')).toBe(false); // the id that once failed a run
  });

  it('make 9-digit session numbers with a non-zero first digit', () => {
    for (let i = 0; i < 1000; i++) {
      const n = newSessionNumber();
      expect(n).toMatch(/^[1-9]\d{8}$/);
      expect(v.is(SessionNumber, n)).toBe(true);
    }
  });

  it('are stored as SHA-256 and compared in constant time', () => {
    const token = newRepToken();
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(sameHash(hashToken(token), hashToken(token))).toBe(true);
    expect(sameHash(hashToken(token), hashToken(newRepToken()))).toBe(false);
    expect(sameHash('', '')).toBe(false);
  });

  it('derive stable per-record secrets under a key', () => {
    const key = Buffer.alloc(32, 7);
    const a = deriveToken(key, 'session-link', 'abc', 24);
    expect(deriveToken(key, 'session-link', 'abc', 24)).toBe(a);
    expect(deriveToken(key, 'rep-peer-token', 'abc', 24)).not.toBe(a);
    expect(deriveToken(Buffer.alloc(32, 8), 'session-link', 'abc', 24)).not.toBe(a);
    expect(Buffer.from(a, 'base64url')).toHaveLength(24);
  });
});

describe('RateLimiter', () => {
  it('allows N attempts per window, then says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(3, 60_000, () => now);
    expect([limiter.hit('a'), limiter.hit('a'), limiter.hit('a')]).toEqual([0, 0, 0]);
    expect(limiter.hit('a')).toBe(60);
    expect(limiter.hit('b')).toBe(0);
    now = 30_000;
    expect(limiter.hit('a')).toBe(30);
    now = 60_000;
    expect(limiter.hit('a')).toBe(0);
  });
});
