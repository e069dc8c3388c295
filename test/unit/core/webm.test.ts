import { describe, expect, it } from 'vitest';
import { ID, children, concat, element, idOf, readUint } from '../../../core/recording/ebml';
import { seekableWebm } from '../../../core/recording/webm-export';
import { WebmError, scanWebm } from '../../../core/recording/webm-scan';

// A WebM written the way MediaRecorder writes it live: segment and clusters of unknown size, no
// duration, no cues (issue 14: the export adds them).
const UNKNOWN_SIZE = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const uint = (n: number) => [n];
const live = (id: number, payload: Uint8Array) => concat([idOf(id), UNKNOWN_SIZE, payload]);

function block(track: number, time: number, bytes = 300): Uint8Array {
  // Track number as a 1-byte vint, a 16-bit relative time, flags, then the "frame".
  return element(ID.SimpleBlock, concat([[0x80 | track, (time >> 8) & 0xff, time & 0xff, 0x80], new Uint8Array(bytes).fill(7)]));
}

function recording(clusters: number, perCluster = 10, step = 100): Uint8Array {
  const header = element(
    ID.EBML,
    element(
      0x4282,
      [...'webm'].map((c) => c.charCodeAt(0)),
    ),
  );
  const info = element(ID.Info, concat([element(ID.TimecodeScale, [0x0f, 0x42, 0x40]), element(0x4d80, [65, 66])]));
  const tracks = element(
    ID.Tracks,
    concat([
      element(ID.TrackEntry, concat([element(ID.TrackNumber, uint(1)), element(ID.TrackType, uint(2))])),
      element(ID.TrackEntry, concat([element(ID.TrackNumber, uint(2)), element(ID.TrackType, uint(1))])),
    ]),
  );
  const body: Uint8Array[] = [info, tracks];
  for (let c = 0; c < clusters; c++) {
    const blocks = [];
    for (let b = 0; b < perCluster; b++) blocks.push(block(2, b * step), block(1, b * step + 20, 80));
    body.push(
      live(ID.Cluster, concat([element(ID.Timecode, [(c * perCluster * step) >> 8, (c * perCluster * step) & 0xff]), ...blocks])),
    );
  }
  return concat([header, live(ID.Segment, concat(body))]);
}

/** Cut into chunks of uneven sizes, as MediaRecorder's timeslice does (never on element boundaries). */
function chunks(bytes: Uint8Array, sizes = [7, 1000, 333, 4096]): Blob[] {
  const out: Blob[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(new Blob([bytes.slice(at, at + n)]));
    at += n;
  }
  return out;
}

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

describe('WebM export', () => {
  it('reads tracks, clusters and the last time across chunk boundaries', async () => {
    const layout = await scanWebm(chunks(recording(5)));
    expect(Object.fromEntries(layout.trackTypes)).toEqual({ 1: 2, 2: 1 });
    expect(Object.fromEntries(layout.blocks)).toEqual({ 1: 50, 2: 50 });
    expect(layout.clusters.map((c) => c.timecode)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(layout.lastTimecode).toBe(4920);
    expect(layout.duration).toBeUndefined();
  });

  it('writes a duration, a seek head and cues that point at each cluster', async () => {
    const source = recording(4);
    const { blob, durationMs } = await seekableWebm(chunks(source));
    expect(durationMs).toBe(3920);
    const out = await bytesOf(blob);
    const again = await scanWebm([blob]);
    expect(again.duration).toBe(3920);
    expect(again.clusters.map((c) => c.timecode)).toEqual([0, 1000, 2000, 3000]);
    expect(Object.fromEntries(again.blocks)).toEqual({ 1: 40, 2: 40 });
    // The segment has its size now: it ends where the file ends.
    const segmentData = again.header.length + 12;
    expect(readUint(out, again.header.length + 5, 7)).toBe(out.length - segmentData);
    // Every cue's cluster position (from the segment's data) lands on a Cluster id.
    const segment = out.subarray(segmentData);
    const top = [...children(segment)];
    expect(top.map((c) => c.id).slice(0, 4)).toEqual([ID.SeekHead, ID.Info, ID.Tracks, ID.Cues]);
    const cues = top[3]!;
    const positions = [...children(segment, cues.dataStart, cues.end)].map((point) => {
      const tp = [...children(segment, point.dataStart, point.end)].find((c) => c.id === ID.CueTrackPositions)!;
      const pos = [...children(segment, tp.dataStart, tp.end)].find((c) => c.id === ID.CueClusterPosition)!;
      return readUint(segment, pos.dataStart, 8);
    });
    expect(positions).toHaveLength(4);
    for (const p of positions) expect([...segment.subarray(p, p + 4)]).toEqual([0x1f, 0x43, 0xb6, 0x75]);
    // The seek head points at Info, Tracks and Cues.
    const seeks = [...children(segment, top[0]!.dataStart, top[0]!.end)].map((seek) => {
      const pos = [...children(segment, seek.dataStart, seek.end)].find((c) => c.id === ID.SeekPosition)!;
      return readUint(segment, pos.dataStart, 8);
    });
    expect(seeks).toEqual([top[1]!.start, top[2]!.start, top[3]!.start]);
    // The clusters are the recorded bytes as they were.
    const firstCluster = source.indexOf(0x1f, source.length - (out.length - segmentData - positions[0]!));
    expect(out.subarray(segmentData + positions[0]!)).toEqual(source.subarray(firstCluster));
  });

  it('keeps a recording cut short (a crash) up to its last whole block', async () => {
    const source = recording(3);
    const cut = source.subarray(0, source.length - 150);
    const { blob, layout } = await seekableWebm(chunks(cut));
    expect(layout.end).toBeLessThan(cut.length);
    expect(Object.fromEntries((await scanWebm([blob])).blocks)).toEqual({ 1: 29, 2: 29 });
  });

  it('refuses what is not a WebM recording', async () => {
    await expect(seekableWebm([new Blob(['hello world'])])).rejects.toBeInstanceOf(WebmError);
    await expect(seekableWebm([])).rejects.toBeInstanceOf(WebmError);
    // A header that claims a huge Info.
    const bad = concat([
      element(ID.EBML, [0x42, 0x82, 0x84, 0x77, 0x65, 0x62, 0x6d]),
      idOf(ID.Segment),
      UNKNOWN_SIZE,
      idOf(ID.Info),
      [0x08, 0, 0, 0, 0x10, 0, 0, 0],
    ]);
    await expect(seekableWebm([new Blob([bad as BlobPart])])).rejects.toBeInstanceOf(WebmError);
    // A header with no clusters after it.
    const empty = recording(0);
    await expect(seekableWebm(chunks(empty))).rejects.toBeInstanceOf(WebmError);
  });
});
