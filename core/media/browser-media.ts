import type { LevelMeter, SessionMedia } from './devices';
import { browserRecorder } from '../recording/browser-recorder';

/**
 * The real devices of this browser. `getDisplayMedia` is given only where it exists (not on phones); the
 * audio context behind silence and meters is made on first use (after a click, so it may start).
 */
export function browserMedia(nav: Navigator = navigator): SessionMedia {
  const devices = nav.mediaDevices as MediaDevices | undefined;
  let context: AudioContext | undefined;
  const audio = () => {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    return context;
  };
  return {
    getDisplayMedia:
      typeof devices?.getDisplayMedia === 'function' ? () => devices.getDisplayMedia({ video: true, audio: false }) : undefined,
    getUserMedia: typeof devices?.getUserMedia === 'function' ? (c) => devices.getUserMedia(c) : undefined,
    silence: () => audio().createMediaStreamDestination().stream,
    meter: (stream) => analyserMeter(audio(), stream),
  };
}

/**
 * A rep's devices: a customer's, plus the recorder (issue 14). Apart so the join page, which never
 * records, does not carry the recorder's code.
 */
export function repMedia(nav: Navigator = navigator): SessionMedia {
  const record = browserRecorder(document);
  return { ...browserMedia(nav), ...(record ? { record } : {}) };
}

/** Root-mean-square loudness of the latest samples, through an AnalyserNode. */
function analyserMeter(context: AudioContext, stream: MediaStream): LevelMeter {
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return {
    level() {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const x of samples) sum += x * x;
      return Math.min(1, Math.sqrt(sum / samples.length) * 4);
    },
    close() {
      source.disconnect();
      analyser.disconnect();
    },
  };
}
