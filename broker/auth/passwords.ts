import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes: scrypt with a random salt, stored self-describing as `scrypt$N$r$p$salt$hash`
 * (salt and hash base64url) so parameters can be raised later without breaking old hashes.
 */
const DEFAULT_N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; allow twice that.
    const maxmem = 256 * (options.N ?? DEFAULT_N) * (options.r ?? R);
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * The cost of new hashes: `SCRYPT_N` (a power of two from 2^10 to 2^20), 2^15 unless set. Only test
 * suites lower it, to spend milliseconds instead of ~100 ms per sign-in; a stored hash keeps its own cost.
 */
export function scryptCost(env: Record<string, string | undefined> = process.env): number {
  const raw = env.SCRYPT_N;
  if (raw === undefined || raw === '') return DEFAULT_N;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 << 10 || n > 1 << 20 || (n & (n - 1)) !== 0) {
    throw new Error(`SCRYPT_N must be a power of two from 1024 to 1048576, not "${raw}"`);
  }
  return n;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const N = scryptCost();
  const key = await derive(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when password matches; false for a wrong password or a hash this code cannot read. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // Bounds keep a corrupted row from asking scrypt for gigabytes.
  if (!Number.isInteger(n) || n < 2 || n > 1 << 20 || (n & (n - 1)) !== 0) return false;
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length === 0) return false;
  const actual = await derive(password, salt, { N: n, r, p });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of nothing in particular, verified against when an email is unknown so both cases take as long. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('base64url'));
  return decoy;
}
