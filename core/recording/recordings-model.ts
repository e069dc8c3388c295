import { signal, type ReadonlySignal } from '@preact/signals-core';
import type { RecordingMeta, RecordingStore } from './types';
import { seekableWebm } from './webm-export';

/**
 * The recordings on this device, for the panel: the list (live: a recording running in the session host
 * shows its length and size grow), and what to do with one. Play and Save give the seekable export.
 */
export function createRecordingsModel(store: RecordingStore) {
  const list = signal<readonly RecordingMeta[]>([]);
  const unwatch = store.watch((next) => (list.value = next));
  return {
    list: list as ReadonlySignal<readonly RecordingMeta[]>,
    /** The video as a WebM with its duration and cues (built from the stored chunks, not copied whole). */
    async video(id: string): Promise<Blob> {
      return (await seekableWebm(await store.chunks(id))).blob;
    },
    remove: (id: string) => store.remove(id),
    dispose: unwatch,
  };
}

export type RecordingsModel = ReturnType<typeof createRecordingsModel>;

/**
 * Whether a recording is being written now. One left 'recording' with no chunk for a while was cut short
 * (the browser or the host closed): it is kept up to its last chunk and may be deleted.
 */
export const isWriting = (meta: RecordingMeta, now: number) => meta.state === 'recording' && now - meta.updatedAt < 15_000;

/** The file names a recording is saved under: session number and start time, nothing a person typed. */
export function recordingFileName(meta: RecordingMeta, extension: 'webm' | 'vtt'): string {
  const stamp = new Date(meta.startedAt).toISOString().slice(0, 19).replace(/[T:]/g, '-');
  return `session-${meta.sessionNumber.replace(/\D/g, '')}-${stamp}.${extension}`;
}
