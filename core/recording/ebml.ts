/**
 * The few pieces of EBML (Matroska/WebM's binary format) that fixing a MediaRecorder file needs: element
 * ids and sizes as variable-length integers, reading them from a stream of chunks that never has to be
 * whole in memory, and writing the elements we add. Spec: RFC 8794 (EBML), RFC 9559 (Matroska).
 */

export const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTime: 0xb3,
  CueTrackPositions: 0xb7,
  CueTrack: 0xf7,
  CueClusterPosition: 0xf1,
  Void: 0xec,
} as const;

/** Top-level (segment children) ids: a cluster of unknown size ends where one of these begins. */
export const LEVEL1: ReadonlySet<number> = new Set([
  ID.SeekHead,
  ID.Info,
  ID.Tracks,
  ID.Cluster,
  ID.Cues,
  0x1254c367, // Tags
  0x1941a469, // Attachments
  0x1043a770, // Chapters
]);

/** An element size of all ones: "unknown", what a live writer (MediaRecorder) puts on segments and clusters. */
export const UNKNOWN = -1;

/** Bytes of an element id (its length marker kept, as ids are written). */
export function idLength(first: number): number {
  if (first & 0x80) return 1;
  if (first & 0x40) return 2;
  if (first & 0x20) return 3;
  if (first & 0x10) return 4;
  return 0; // not an id
}

/** Bytes of a variable-length size, 1–8; 0 when the first byte cannot start one. */
export function vintLength(first: number): number {
  for (let n = 1; n <= 8; n++) if (first & (0x100 >> n)) return n;
  return 0;
}

/** A size's value ({@link UNKNOWN} for all ones); sizes above 2^53 are refused by the caller. */
export function readVint(bytes: Uint8Array, at: number, length: number): number {
  let value = bytes[at]! & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const b = bytes[at + i]!;
    allOnes &&= b === 0xff;
    value = value * 256 + b;
  }
  return allOnes ? UNKNOWN : value;
}

export function readId(bytes: Uint8Array, at: number, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + bytes[at + i]!;
  return value;
}

export function readUint(bytes: Uint8Array, at: number, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 256 + bytes[at + i]!;
  return value;
}

export function readFloat(bytes: Uint8Array, at: number, length: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, length);
  return length === 4 ? view.getFloat32(0) : view.getFloat64(0);
}

/** One element inside a small buffer (Info, Tracks): id, where its payload is, and its end. */
export interface Child {
  id: number;
  start: number;
  dataStart: number;
  end: number;
}

/** The children of a payload held in memory (small elements only); stops at anything malformed. */
export function* children(bytes: Uint8Array, from = 0, to = bytes.length): Generator<Child> {
  let at = from;
  while (at < to) {
    const il = idLength(bytes[at]!);
    if (il === 0 || at + il >= to) return;
    const sl = vintLength(bytes[at + il]!);
    if (sl === 0 || at + il + sl > to) return;
    const size = readVint(bytes, at + il, sl);
    const dataStart = at + il + sl;
    if (size === UNKNOWN || dataStart + size > to) return;
    yield { id: readId(bytes, at, il), start: at, dataStart, end: dataStart + size };
    at = dataStart + size;
  }
}

// Writing.

function idBytes(id: number): number[] {
  const out: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return out;
}

/** A size as an 8-byte vint, so elements we write have sizes that do not depend on their values. */
export function size8(value: number): number[] {
  const out = [0x01];
  for (let i = 6; i >= 0; i--) out.push(Math.floor(value / 2 ** (8 * i)) % 256);
  return out;
}

export function element(id: number, payload: Uint8Array | readonly number[]): Uint8Array {
  const head = [...idBytes(id), ...size8(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

/** An unsigned integer in a fixed 8 bytes (positions we must know the size of before their value). */
export function uint8(value: number): number[] {
  const out: number[] = [];
  for (let i = 7; i >= 0; i--) out.push(Math.floor(value / 2 ** (8 * i)) % 256);
  return out;
}

export function float64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, value);
  return out;
}

export function concat(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const idOf = (id: number) => Uint8Array.from(idBytes(id));
