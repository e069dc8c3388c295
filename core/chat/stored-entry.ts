import * as v from 'valibot';
import { ChatText, MessageId } from '../protocol';
import type { ChatEntry } from './types';

/** Latest time a date can show (ECMAScript's limit); beyond it formatting throws. */
const MAX_TIME = 8.64e15;
const Id = v.pipe(v.string(), v.maxLength(128));
const Ids = v.pipe(v.array(Id), v.maxLength(1000));

/**
 * A chat entry read back from storage. Storage outlives versions (and localStorage is the page's to
 * tamper with), so every row is checked and repaired where it can be: rows from before threads belong
 * to everyone, a time no clock can show becomes "now". Anything else malformed is skipped, never rendered.
 */
const StoredEntry = v.object({
  sessionId: Id,
  id: MessageId,
  senderId: Id,
  senderName: v.pipe(v.string(), v.maxLength(400)),
  thread: v.optional(Id, 'all'),
  text: ChatText,
  sentAt: v.number(),
  mine: v.boolean(),
  sentTo: v.optional(Ids, []),
  pendingFor: v.optional(Ids, []),
  failed: v.optional(v.boolean()),
  via: v.optional(Id),
});

export function readStoredEntry(row: unknown, now: number): ChatEntry | undefined {
  const parsed = v.safeParse(StoredEntry, row);
  if (!parsed.success) return undefined;
  const entry = parsed.output;
  if (!Number.isFinite(entry.sentAt) || Math.abs(entry.sentAt) > MAX_TIME) entry.sentAt = now;
  return entry;
}
