import * as v from 'valibot';
import { OpaqueId } from './ids';
import { utf8Length } from './text';

/**
 * Messages on the peer mesh's reliable data connection (JSON). Each is validated on receipt;
 * anything unknown or malformed is dropped and counted, never trusted. Who sent a message is never
 * part of it: the receiver knows it from the connection (the broker vouches for every peer id).
 */
export const CHAT_TEXT_MAX_CHARS = 4000;
export const CHAT_TEXT_MAX_BYTES = 10_000;

export const ChatText = v.pipe(
  v.string(),
  v.maxLength(CHAT_TEXT_MAX_CHARS, 'A message has at most 4,000 characters'),
  v.check((text) => utf8Length(text) <= CHAT_TEXT_MAX_BYTES, 'A message has at most 10 kB'),
);

/** Chosen by the sender; unique among that sender's messages only (receivers key by sender and id). */
export const MessageId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));

/**
 * Whose conversation a chat message belongs to: a customer's participant id (that customer and the
 * session's reps), or 'all' (reps posting to everyone). Customers never receive another customer's thread.
 */
export const ChatThread = v.union([v.literal('all'), OpaqueId]);
export type ChatThread = v.InferOutput<typeof ChatThread>;

export const ChatMessage = v.object({
  type: v.literal('chat'),
  id: MessageId,
  text: v.pipe(ChatText, v.minLength(1)),
  /** The sender's clock; a receiver uses its own receive time when this is more than a day off. */
  sentAt: v.pipe(v.number(), v.finite()),
  thread: ChatThread,
});
export type ChatMessage = v.InferOutput<typeof ChatMessage>;

/**
 * History sync (a rep who joins late gets the conversation so far): the asker pulls one page at a time,
 * so a holder never sends what was not asked for and one mesh message stays far below PeerJS's 16 kB
 * limit for JSON links. A page is read after `after`, a message of the holder's (its time and its key);
 * the holder's log is ordered by both.
 */
export const HISTORY_PAGE_ENTRIES = 100;
/** A page's entries as JSON (UTF-8) stay below this; PeerJS refuses JSON messages from 16,300 bytes. */
export const HISTORY_PAGE_BYTES = 14_000;

export const HistoryCursor = v.object({ sentAt: v.pipe(v.number(), v.finite()), from: OpaqueId, id: MessageId });
export type HistoryCursor = v.InferOutput<typeof HistoryCursor>;

export const HistoryRequest = v.object({
  type: v.literal('history-request'),
  /** The asker's, fresh for every page: a page that does not echo the one outstanding is dropped. */
  id: MessageId,
  after: v.optional(HistoryCursor),
});
export type HistoryRequest = v.InferOutput<typeof HistoryRequest>;

/** One message of a holder's copy. The author is a claim; the asker decides what it believes (chat-rules). */
export const HistoryEntry = v.object({
  id: MessageId,
  /** Who wrote it: a participant of the session. */
  from: OpaqueId,
  thread: ChatThread,
  text: v.pipe(ChatText, v.minLength(1)),
  sentAt: v.pipe(v.number(), v.finite()),
  /** The holder had it from this customer's copy, not from its author (see `ChatEntry.via`). */
  via: v.optional(OpaqueId),
});
export type HistoryEntry = v.InferOutput<typeof HistoryEntry>;

export const HistoryPage = v.object({
  type: v.literal('history'),
  /** The request this answers. */
  id: MessageId,
  entries: v.pipe(
    v.array(HistoryEntry),
    v.maxLength(HISTORY_PAGE_ENTRIES),
    v.check(
      (entries) => entries.reduce((bytes, e) => bytes + utf8Length(e.text), 0) <= HISTORY_PAGE_BYTES,
      'A history page carries at most 14 kB of text',
    ),
  ),
  /** The holder has more after the last entry. */
  more: v.boolean(),
});
export type HistoryPage = v.InferOutput<typeof HistoryPage>;

/**
 * File transfer (core/files): a transfer is named by its sender's id; the bytes go on a binary channel
 * `file:<id>` (see core/files/frames.ts), these JSON messages only offer, answer and conclude. Sizes are
 * bounded by the broker's MAX_FILE_MB on each side (checked by the activity, not here).
 */
export const FileId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));
/** The largest file any broker allows (MAX_FILE_MB's ceiling, 64 GiB); the session's own limit is lower. */
export const FILE_SIZE_CEILING = 64 * 1024 ** 3;
export const FILE_NAME_MAX = 255;
export const FILE_CHUNK_SIZES = [16 * 1024, 32 * 1024, 64 * 1024, 128 * 1024] as const;
const Sha256Hex = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));

export const FileOffer = v.object({
  type: v.literal('file-offer'),
  id: FileId,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(FILE_NAME_MAX)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(FILE_SIZE_CEILING)),
  /** The MIME type the sender's browser gave (shown only; may be empty). */
  mime: v.pipe(v.string(), v.maxLength(127)),
  chunkSize: v.picklist(FILE_CHUNK_SIZES),
  /** The sender's fingerprint of the file: the same file offered again resumes where it stopped. */
  key: Sha256Hex,
});
export type FileOffer = v.InferOutput<typeof FileOffer>;

const FileMessages = [
  FileOffer,
  /** The receiver takes it; `have` leading chunks are on its disk already, verified (a resume). */
  v.object({ type: v.literal('file-accept'), id: FileId, have: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  v.object({ type: v.literal('file-decline'), id: FileId, tooLarge: v.optional(v.boolean()) }),
  /** Either side gives up; `reason` names why (core/files/transfer.ts FileFailure). */
  v.object({
    type: v.literal('file-cancel'),
    id: FileId,
    reason: v.picklist(['cancelled', 'stopped', 'damaged', 'protocol', 'disk']),
  }),
  /** Every chunk went out: the whole file's SHA-256, for the receiver's last check. */
  v.object({ type: v.literal('file-done'), id: FileId, sha256: Sha256Hex }),
  /** The receiver's verdict on the whole file. */
  v.object({ type: v.literal('file-result'), id: FileId, ok: v.boolean() }),
] as const;

export const MeshMessage = v.variant('type', [
  ...FileMessages,
  ChatMessage,
  HistoryRequest,
  HistoryPage,
  /** The receiver has the sender's message `id`. */
  v.object({ type: v.literal('chat-ack'), id: MessageId }),
  /** The sender starts or stops sharing its screen. */
  v.object({ type: v.literal('share'), sharing: v.boolean() }),
  /**
   * "Your screen call never reached me: call again." A call's offer travels through the broker and is
   * lost when the receiver's signaling socket was reconnecting; the data link says so instead.
   */
  v.object({ type: v.literal('share-request') }),
  /** The same pair for a rep's own screen (`rep-screen` calls) and for a camera (`camera` calls). */
  v.object({ type: v.literal('rep-share'), sharing: v.boolean() }),
  v.object({ type: v.literal('rep-share-request') }),
  v.object({ type: v.literal('camera'), sharing: v.boolean() }),
  v.object({ type: v.literal('camera-request') }),
  /** The sender is in the voice conversation (or left it), muted or not. Sent on every change and to each link that opens. */
  v.object({ type: v.literal('voice'), joined: v.boolean(), muted: v.boolean() }),
  /** "Mute yourself": obeyed only when it comes from the controller; the receiver may unmute again. */
  v.object({ type: v.literal('voice-mute') }),
  /** "I am here": sent on every open link every few seconds; any message counts as a sign of life. */
  v.object({ type: v.literal('heartbeat') }),
]);
export type MeshMessage = v.InferOutput<typeof MeshMessage>;

/**
 * Metadata attached to PeerJS media calls, so the receiver knows what a stream is and which activity
 * takes it: a customer's or rep's screen, a camera, voice.
 */
export const CallKind = v.picklist(['screen', 'rep-screen', 'camera', 'voice']);
export type CallKind = v.InferOutput<typeof CallKind>;
export const CallMetadata = v.object({ kind: CallKind });
export type CallMetadata = v.InferOutput<typeof CallMetadata>;

/**
 * A binary channel's label: `<kind>:<id>`. Binary channels use PeerJS's 'raw' serialization (chunks as
 * they are, never reassembled by PeerJS: its 'binary' one let a peer make the panel keep chunks that
 * never complete). Kinds are the activities that use them.
 */
export const BinaryChannelLabel = v.pipe(v.string(), v.maxLength(80), v.regex(/^file:[A-Za-z0-9_-]{8,64}$/));

/**
 * Which data connections a peer may offer: JSON links (the mesh), and raw ones with a binary channel's
 * label. The broker and every receiving client apply it.
 */
export function dataOfferAllowed(serialization: unknown, label: unknown): boolean {
  if (serialization === 'json') return true;
  return serialization === 'raw' && v.is(BinaryChannelLabel, label);
}

/** How often links carry a heartbeat, and how long a silent link may stay before it counts as dead. */
export const MESH_HEARTBEAT = { intervalMs: 2_000, deadAfterMs: 6_500 } as const;
