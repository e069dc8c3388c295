import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Every secret the broker hands out is random (or derived with a server key, below) and URL-safe;
 * only its SHA-256 is stored, so a copy of the database admits no one.
 */
const random = (bytes: number) => randomBytes(bytes).toString('base64url');

export const newRepToken = () => random(32);
export const newParticipantToken = () => random(32);
/** 192 bits: the link is the only thing standing between a stranger and the session. */
export const newInviteToken = () => random(24);
/** The secret of a customer waiting to be admitted by number. */
export const newWaitToken = () => random(24);
export const newId = () => random(16);
/**
 * Matches core/protocol PeerId: 'p' + 32 hex digits (128 bits). Not base64url: PeerJS refuses ids with two
 * separators in a row or a trailing one ("_-", "x-"), which base64url produces now and then.
 */
export const newPeerId = () => `p${randomBytes(16).toString('hex')}`;

/** Nine digits, first non-zero; the caller retries while a live session has it. */
export function newSessionNumber(): string {
  return String(randomInt(100_000_000, 1_000_000_000));
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * Secrets the broker must show again later without storing them: a rep's peerToken (the side panel
 * reloads and asks for its session) and a session's customer link (the controller copies it again).
 * They are HMACs of a record id under the server key (DATA_DIR/broker.key), so the database alone
 * still reveals nothing; losing the key only changes these values.
 */
export type TokenPurpose = 'rep-peer-token' | 'session-link' | 'wait-peer-token';

export function deriveToken(key: Buffer, purpose: TokenPurpose, id: string, bytes: number): string {
  return createHmac('sha256', key).update(`${purpose}:${id}`).digest().subarray(0, bytes).toString('base64url');
}
