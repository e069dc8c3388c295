import { ID, LEVEL1, UNKNOWN, children, concat, idLength, readFloat, readId, readUint, readVint, vintLength } from './ebml';

/**
 * What a MediaRecorder WebM holds, learned in one pass over its chunks (each read on its own and let go,
 * so a long recording is never whole in memory): its header and track list, where each cluster starts and
 * at which time, and the last block's time — what {@link seekableWebm} needs to add a duration and cues.
 */
export interface WebmLayout {
  /** The EBML header element, as it was. */
  header: Uint8Array;
  /** The Info element's payload (its children), as it was. */
  info: Uint8Array;
  /** The Tracks element, whole. */
  tracks: Uint8Array;
  /** Track number → type (1 video, 2 audio). */
  trackTypes: ReadonlyMap<number, number>;
  /** Blocks seen per track number. */
  blocks: ReadonlyMap<number, number>;
  /** Nanoseconds per timecode unit (1,000,000 unless the file says otherwise). */
  timecodeScale: number;
  /** The Info's own duration, if it has one (in timecode units). */
  duration: number | undefined;
  /** Absolute offset of the first cluster; -1 when there is none. */
  clustersStart: number;
  clusters: readonly { offset: number; timecode: number }[];
  /** Where the last complete element ends: a recording cut short (a crash) is kept up to there. */
  end: number;
  /** The latest block time seen (timecode units). */
  lastTimecode: number;
}

/** Info and Tracks are a few hundred bytes; anything much larger is not a recording of ours. */
const MAX_HEAD_ELEMENT = 1 << 20;

export class WebmError extends Error {}

/** Reads a sequence of Blobs as one stream; only the part being read (plus a few bytes) is held. */
class Reader {
  pos = 0;
  private buf = new Uint8Array(0);
  private bufStart = 0;
  private next = 0;
  private readonly offsets: number[] = [];
  readonly total: number;

  constructor(private readonly parts: readonly Blob[]) {
    let at = 0;
    for (const p of parts) {
      this.offsets.push(at);
      at += p.size;
    }
    this.total = at;
  }

  /** Are `n` bytes there from `pos` on (loading parts as needed)? */
  async has(n: number): Promise<boolean> {
    while (this.pos + n > this.bufStart + this.buf.length) {
      while (this.next < this.parts.length && this.offsets[this.next]! + this.parts[this.next]!.size <= this.pos) this.next++;
      if (this.next >= this.parts.length) return false;
      const part = this.parts[this.next]!;
      const partStart = this.offsets[this.next]!;
      const kept = this.pos < this.bufStart + this.buf.length ? this.buf.subarray(this.pos - this.bufStart) : new Uint8Array(0);
      const from = kept.length > 0 ? 0 : this.pos - partStart;
      const data = new Uint8Array(await part.slice(from).arrayBuffer());
      const joined = new Uint8Array(kept.length + data.length);
      joined.set(kept);
      joined.set(data, kept.length);
      this.buf = joined;
      this.bufStart = this.pos;
      this.next++;
    }
    return true;
  }

  at(offset: number): number {
    return this.buf[this.pos - this.bufStart + offset]!;
  }

  /** `n` bytes from `pos` (call `has(n)` first), copied. */
  take(n: number): Uint8Array {
    const start = this.pos - this.bufStart;
    const out = this.buf.slice(start, start + n);
    this.pos += n;
    return out;
  }

  view(): { bytes: Uint8Array; at: number } {
    return { bytes: this.buf, at: this.pos - this.bufStart };
  }
}

interface Header {
  id: number;
  size: number;
  length: number;
}

/** The element header at `pos`, not consumed; null at the end of the stream or on bytes that are no header. */
async function peekHeader(r: Reader): Promise<Header | null> {
  if (!(await r.has(1))) return null;
  const il = idLength(r.at(0));
  if (il === 0 || !(await r.has(il + 1))) return null;
  const sl = vintLength(r.at(il));
  if (sl === 0 || !(await r.has(il + sl))) return null;
  const { bytes, at } = r.view();
  const size = readVint(bytes, at + il, sl);
  if (size !== UNKNOWN && size > Number.MAX_SAFE_INTEGER / 2) return null;
  return { id: readId(bytes, at, il), size, length: il + sl };
}

/** Reads a whole small element's payload at `pos` (after its header). */
async function payload(r: Reader, h: Header): Promise<Uint8Array | null> {
  if (h.size === UNKNOWN || h.size > MAX_HEAD_ELEMENT) throw new WebmError('An element of the header is too large');
  if (!(await r.has(h.length + h.size))) return null;
  r.pos += h.length;
  return r.take(h.size);
}

export async function scanWebm(parts: readonly Blob[]): Promise<WebmLayout> {
  const r = new Reader(parts);
  const ebml = await peekHeader(r);
  if (ebml?.id !== ID.EBML || ebml.size === UNKNOWN || ebml.size > 4096 || !(await r.has(ebml.length + ebml.size)))
    throw new WebmError('Not a WebM file');
  const header = r.take(ebml.length + ebml.size);
  const segment = await peekHeader(r);
  if (segment?.id !== ID.Segment) throw new WebmError('Not a WebM file');
  r.pos += segment.length;
  const segmentEnd = segment.size === UNKNOWN ? r.total : Math.min(r.total, r.pos + segment.size);

  const layout = {
    header,
    info: new Uint8Array(0) as Uint8Array,
    tracks: new Uint8Array(0) as Uint8Array,
    trackTypes: new Map<number, number>(),
    blocks: new Map<number, number>(),
    timecodeScale: 1_000_000,
    duration: undefined as number | undefined,
    clustersStart: -1,
    clusters: [] as { offset: number; timecode: number }[],
    end: r.pos,
    lastTimecode: 0,
  };

  while (r.pos < segmentEnd) {
    const h = await peekHeader(r);
    if (!h) break;
    if (h.id === ID.Info) {
      const info = await payload(r, h);
      if (!info) break;
      layout.info = info;
      for (const c of children(info)) {
        if (c.id === ID.TimecodeScale) layout.timecodeScale = readUint(info, c.dataStart, c.end - c.dataStart) || 1_000_000;
        if (c.id === ID.Duration && (c.end - c.dataStart === 4 || c.end - c.dataStart === 8))
          layout.duration = readFloat(info, c.dataStart, c.end - c.dataStart);
      }
    } else if (h.id === ID.Tracks) {
      const { bytes, at } = r.view();
      const head = bytes.slice(at, at + h.length);
      const tracks = await payload(r, h);
      if (!tracks) break;
      layout.tracks = concat([head, tracks]);
      readTracks(tracks, layout.trackTypes);
    } else if (h.id === ID.Cluster) {
      if (layout.clustersStart < 0) layout.clustersStart = r.pos;
      if (!(await cluster(r, h, layout))) break;
    } else {
      if (h.size === UNKNOWN) throw new WebmError('An element of unknown size where none may be');
      r.pos += h.length + h.size;
      if (r.pos > r.total) break;
    }
    layout.end = r.pos;
  }
  return layout;
}

function readTracks(tracks: Uint8Array, types: Map<number, number>): void {
  for (const entry of children(tracks)) {
    if (entry.id !== ID.TrackEntry) continue;
    let number = 0;
    let type = 0;
    for (const c of children(tracks, entry.dataStart, entry.end)) {
      if (c.id === ID.TrackNumber) number = readUint(tracks, c.dataStart, c.end - c.dataStart);
      if (c.id === ID.TrackType) type = readUint(tracks, c.dataStart, c.end - c.dataStart);
    }
    if (number > 0) types.set(number, type);
  }
}

/** One cluster: its time and its blocks' tracks and times. False when the stream ended inside it. */
async function cluster(
  r: Reader,
  h: Header,
  layout: { clusters: { offset: number; timecode: number }[]; blocks: Map<number, number>; lastTimecode: number; end: number },
): Promise<boolean> {
  const offset = r.pos;
  r.pos += h.length;
  const end = h.size === UNKNOWN ? Infinity : r.pos + h.size;
  let timecode = 0;
  layout.clusters.push({ offset, timecode });
  while (r.pos < end) {
    const c = await peekHeader(r);
    if (!c) return r.pos >= r.total && end === Infinity;
    if (end === Infinity && LEVEL1.has(c.id)) return true;
    if (c.size === UNKNOWN) throw new WebmError('A cluster element of unknown size');
    if (c.id === ID.Timecode) {
      if (c.size > 8 || !(await r.has(c.length + c.size))) return false;
      const { bytes, at } = r.view();
      timecode = readUint(bytes, at + c.length, c.size);
      layout.clusters[layout.clusters.length - 1] = { offset, timecode };
    } else if (c.id === ID.SimpleBlock || c.id === ID.BlockGroup) {
      if (!(await block(r, c, timecode, layout))) return false;
      continue;
    }
    r.pos += c.length + c.size;
    if (r.pos > r.total) return false;
    layout.end = r.pos;
  }
  return true;
}

/** A block (or a group holding one): its track and time; the frame itself is skipped unread. */
async function block(
  r: Reader,
  c: Header,
  clusterTime: number,
  layout: { blocks: Map<number, number>; lastTimecode: number; end: number },
): Promise<boolean> {
  const start = r.pos;
  let at = c.length;
  if (c.id === ID.BlockGroup) {
    const inner = (await r.has(at + 12)) ? readHeaderAt(r, at) : null;
    if (inner?.id !== ID.Block) {
      r.pos = start + c.length + c.size;
      return r.pos <= r.total;
    }
    at += inner.length;
  }
  if (!(await r.has(at + 1))) return false;
  const tl = vintLength(r.at(at));
  if (tl === 0 || !(await r.has(at + tl + 2))) return false;
  const { bytes, at: base } = r.view();
  const track = readVint(bytes, base + at, tl);
  const relative = new DataView(bytes.buffer, bytes.byteOffset + base + at + tl, 2).getInt16(0);
  r.pos = start + c.length + c.size;
  if (r.pos > r.total) return false;
  layout.blocks.set(track, (layout.blocks.get(track) ?? 0) + 1);
  layout.lastTimecode = Math.max(layout.lastTimecode, clusterTime + relative);
  layout.end = r.pos;
  return true;
}

function readHeaderAt(r: Reader, offset: number): Header | null {
  const { bytes, at } = r.view();
  const il = idLength(bytes[at + offset]!);
  if (il === 0) return null;
  const sl = vintLength(bytes[at + offset + il]!);
  if (sl === 0) return null;
  return { id: readId(bytes, at + offset, il), size: readVint(bytes, at + offset + il, sl), length: il + sl };
}
