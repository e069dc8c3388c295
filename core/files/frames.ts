/**
 * What a file's binary channel carries (`file:<id>`). Sender → receiver: chunk frames; receiver →
 * sender: tiny ack/nack frames (the chat link stays free of per-chunk chatter). Every frame starts with
 * the version and its kind; anything else, or a frame of the wrong length, is a protocol error.
 *
 *   chunk: [1][0][u32 index][32-byte SHA-256 of the payload][payload]
 *   ack:   [1][1][u32 index]   the chunk is on disk, verified
 *   nack:  [1][2][u32 index]   it arrived damaged: send it again
 */
export const FRAME_VERSION = 1;
export const CHUNK_HEADER = 2 + 4 + 32;
const ANSWER_LENGTH = 6;

export type Frame =
  { kind: 'chunk'; index: number; sha256: Uint8Array; payload: Uint8Array } | { kind: 'ack' | 'nack'; index: number };

export function chunkFrame(index: number, sha256: Uint8Array, payload: Uint8Array): ArrayBuffer {
  const frame = new Uint8Array(CHUNK_HEADER + payload.byteLength);
  const view = new DataView(frame.buffer);
  frame[0] = FRAME_VERSION;
  frame[1] = 0;
  view.setUint32(2, index);
  frame.set(sha256, 6);
  frame.set(payload, CHUNK_HEADER);
  return frame.buffer;
}

export function answerFrame(kind: 'ack' | 'nack', index: number): ArrayBuffer {
  const frame = new Uint8Array(ANSWER_LENGTH);
  frame[0] = FRAME_VERSION;
  frame[1] = kind === 'ack' ? 1 : 2;
  new DataView(frame.buffer).setUint32(2, index);
  return frame.buffer;
}

/** Reads a frame; undefined for anything malformed (the caller ends the transfer). */
export function readFrame(data: ArrayBuffer): Frame | undefined {
  if (!(data instanceof ArrayBuffer) || data.byteLength < ANSWER_LENGTH) return undefined;
  const bytes = new Uint8Array(data);
  if (bytes[0] !== FRAME_VERSION) return undefined;
  const index = new DataView(data).getUint32(2);
  if (bytes[1] === 0) {
    if (data.byteLength < CHUNK_HEADER) return undefined;
    return { kind: 'chunk', index, sha256: bytes.subarray(6, CHUNK_HEADER), payload: bytes.subarray(CHUNK_HEADER) };
  }
  if (data.byteLength !== ANSWER_LENGTH) return undefined;
  if (bytes[1] === 1) return { kind: 'ack', index };
  if (bytes[1] === 2) return { kind: 'nack', index };
  return undefined;
}

/** How many chunks a file of `size` bytes has (an empty file has none). */
export const chunkCount = (size: number, chunkSize: number) => Math.ceil(size / chunkSize);

/** The payload length chunk `index` must have. */
export const chunkLength = (size: number, chunkSize: number, index: number) => Math.min(chunkSize, size - index * chunkSize);

export const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** SHA-256 of one chunk with WebCrypto (fast, off the main thread's JS). */
export async function digest(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}
