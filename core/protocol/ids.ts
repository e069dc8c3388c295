import * as v from 'valibot';

/** Broker-issued identifiers: URL-safe base64 of random bytes, so they are unguessable and safe in URLs. */
export const OpaqueId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,128}$/, 'Malformed id'));

/**
 * A PeerJS id issued by the broker: `p` followed by letters and digits (≥128 random bits). Letters and
 * digits only, because PeerJS itself refuses ids with separators in a row or at the end.
 */
export const PeerId = v.pipe(v.string(), v.regex(/^p[A-Za-z0-9]{22,64}$/, 'Malformed peer id'));

/** A 9-digit session number, first digit non-zero. Spaces are allowed on input and stripped. */
export const SessionNumber = v.pipe(
  v.string(),
  v.transform((s) => s.replace(/\s+/g, '')),
  v.regex(/^[1-9]\d{8}$/, 'A session number has 9 digits'),
);

/** "123456789" → "123 456 789", how people read numbers aloud. */
export function groupSessionNumber(number: string): string {
  return number.replace(/(\d{3})(?=\d)/g, '$1 ');
}
