import type { RecorderOptions, RecorderSources, StartRecorder } from '../../../core/recording/types';

/**
 * A recorder that stands for the browser's MediaRecorder at the adapter boundary (Node has none): it
 * hands over a chunk whenever the test says, as MediaRecorder does every timeslice.
 */
export function chunkRecorder() {
  const runs: { sources: RecorderSources; options: RecorderOptions; stopped: boolean }[] = [];
  const record: StartRecorder = (sources, options) => {
    const run = { sources, options, stopped: false };
    runs.push(run);
    return {
      stop: async () => {
        run.stopped = true;
        options.onChunk(new Blob(['last']));
      },
    };
  };
  return { record, runs };
}
