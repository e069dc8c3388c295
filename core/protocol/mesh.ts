import * as v from 'valibot';
import { OpaqueId } from './ids';

/**
 * Messages on the peer mesh's reliable data connection (JSON). Each is validated on receipt;
 * anything unknown or malformed is dropped and counted, never trusted.
 */
export const ChatText = v.pipe(v.string(), v.maxLength(4000, 'A message has at most 4,000 characters'));
export const MessageId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/));

export const ChatMessage = v.object({
  type: v.literal('chat'),
  id: MessageId,
  text: v.pipe(ChatText, v.minLength(1)),
  sentAt: v.number(),
  senderId: OpaqueId,
  senderName: v.pipe(v.string(), v.maxLength(80)),
});
export type ChatMessage = v.InferOutput<typeof ChatMessage>;

export const MeshMessage = v.variant('type', [
  ChatMessage,
  v.object({ type: v.literal('chat-ack'), id: MessageId }),
  /** The sender starts or stops sharing its screen. */
  v.object({ type: v.literal('share'), sharing: v.boolean() }),
]);
export type MeshMessage = v.InferOutput<typeof MeshMessage>;

/** Metadata attached to PeerJS media calls, so the receiver knows what a stream is. */
export const CallMetadata = v.object({ kind: v.picklist(['screen']) });
export type CallMetadata = v.InferOutput<typeof CallMetadata>;
