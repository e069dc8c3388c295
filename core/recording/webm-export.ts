import { ID, children, concat, element, float64, idOf, size8, uint8 } from './ebml';
import { WebmError, scanWebm, type WebmLayout } from './webm-scan';

/**
 * MediaRecorder writes WebM live: no duration, no cues, segment and clusters of unknown size, so players
 * show no length and cannot seek. On export we put a new head in front of the recorded clusters — a seek
 * head, the Info with a Duration, the Tracks as they were, and Cues with one point per cluster — and give
 * the segment its size. The clusters are the stored chunks themselves (Blob slices, not copies), so a
 * long recording is never whole in memory; only the scan reads it, one chunk at a time.
 */
export interface SeekableWebm {
  blob: Blob;
  durationMs: number;
  layout: WebmLayout;
}

export async function seekableWebm(parts: readonly Blob[]): Promise<SeekableWebm> {
  const layout = await scanWebm(parts);
  if (layout.clustersStart < 0 || layout.tracks.length === 0) throw new WebmError('The recording holds no pictures or sound');
  const duration = layout.duration ?? layout.lastTimecode;
  const durationMs = (duration * layout.timecodeScale) / 1e6;

  const info = element(ID.Info, concat([...withoutDuration(layout.info), element(ID.Duration, float64(duration))]));
  const cueTrack = [...layout.trackTypes].find(([, type]) => type === 1)?.[0] ?? [...layout.trackTypes.keys()][0] ?? 1;
  const cues = (at: number) =>
    element(
      ID.Cues,
      concat(
        layout.clusters.map((c) =>
          element(
            ID.CuePoint,
            concat([
              element(ID.CueTime, uint8(c.timecode)),
              element(
                ID.CueTrackPositions,
                concat([
                  element(ID.CueTrack, uint8(cueTrack)),
                  element(ID.CueClusterPosition, uint8(at + c.offset - layout.clustersStart)),
                ]),
              ),
            ]),
          ),
        ),
      ),
    );
  const seekHead = (positions: readonly number[]) =>
    element(
      ID.SeekHead,
      concat(
        [ID.Info, ID.Tracks, ID.Cues].map((id, i) =>
          element(ID.Seek, concat([element(ID.SeekID, idOf(id)), element(ID.SeekPosition, uint8(positions[i] ?? 0))])),
        ),
      ),
    );
  // Every size and position is written in a fixed 8 bytes, so lengths are known before the values.
  const seekLength = seekHead([0, 0, 0]).length;
  const infoAt = seekLength;
  const tracksAt = infoAt + info.length;
  const cuesAt = tracksAt + layout.tracks.length;
  const clustersAt = cuesAt + cues(0).length;
  const head = [seekHead([infoAt, tracksAt, cuesAt]), info, layout.tracks, cues(clustersAt)];
  const clusters = sliceParts(parts, layout.clustersStart, layout.end);
  const clusterBytes = layout.end - layout.clustersStart;
  const segment = concat([idOf(ID.Segment), size8(clustersAt + clusterBytes)]);
  const blob = new Blob([layout.header as BlobPart, segment as BlobPart, ...(head as BlobPart[]), ...clusters], {
    type: 'video/webm',
  });
  return { blob, durationMs, layout };
}

function withoutDuration(info: Uint8Array): Uint8Array[] {
  return [...children(info)].filter((c) => c.id !== ID.Duration).map((c) => info.subarray(c.start, c.end));
}

/** The bytes [from, to) of parts laid end to end, as slices of the parts. */
function sliceParts(parts: readonly Blob[], from: number, to: number): Blob[] {
  const out: Blob[] = [];
  let at = 0;
  for (const part of parts) {
    const start = Math.max(from, at);
    const end = Math.min(to, at + part.size);
    if (start < end) out.push(part.slice(start - at, end - at));
    at += part.size;
  }
  return out;
}
