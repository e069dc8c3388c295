import { effect } from '@preact/signals-core';
import type { SessionRuntime } from '../session/runtime';

/**
 * Plays a runtime's voice streams in the host document, one <audio> each at the chosen volume: the
 * conversation goes on with the side panel closed (the panel shows who talks, it plays nothing).
 */
export function playVoice(doc: Document, runtime: Pick<SessionRuntime, 'voice'>): () => void {
  const players = new Map<string, HTMLAudioElement>();
  const stop = effect(() => {
    const streams = runtime.voice.streams.value;
    const volume = runtime.voice.volume.value;
    for (const [participantId, audio] of players) {
      if (streams.get(participantId) === audio.srcObject) continue;
      audio.remove();
      players.delete(participantId);
    }
    for (const [participantId, stream] of streams) {
      let audio = players.get(participantId);
      if (!audio) {
        audio = doc.createElement('audio');
        audio.autoplay = true;
        audio.srcObject = stream;
        doc.body.append(audio);
        players.set(participantId, audio);
        void audio.play().catch(() => undefined);
      }
      audio.volume = volume;
    }
  });
  return () => {
    stop();
    players.forEach((audio) => audio.remove());
    players.clear();
  };
}
