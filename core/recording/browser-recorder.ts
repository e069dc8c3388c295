import type { Recorder, RecorderOptions, RecorderSources, StartRecorder } from './types';

const MIME = 'video/webm;codecs=vp8,opus';
const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 5;

/**
 * MediaRecorder over what the session shows. MediaRecorder records a fixed set of tracks (adding one
 * stops it; it records only the first audio track), so the picture is painted onto a canvas — whichever
 * screen is live now, letterboxed, dark when none is — and every voice is mixed by one AudioContext into
 * one track that exists even in silence (the file always has sound). Painting runs on a timer: the
 * session host is a hidden document, where requestAnimationFrame never fires; `captureStream(0)` with
 * `requestFrame()` takes exactly the frames painted.
 */
export function browserRecorder(doc: Document): StartRecorder | undefined {
  if (typeof MediaRecorder === 'undefined' || typeof AudioContext === 'undefined') return undefined;
  return (sources, options) => startBrowserRecorder(doc, sources, options);
}

function startBrowserRecorder(doc: Document, sources: RecorderSources, options: RecorderOptions): Recorder {
  const canvas = doc.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const g = canvas.getContext('2d')!;
  const video = doc.createElement('video');
  video.muted = true;
  video.playsInline = true;
  const picture = canvas.captureStream(0);
  const frameTrack = picture.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
  // The spec (and Chrome) put requestFrame on the track; Firefox has it on the stream only.
  const requestFrame =
    typeof frameTrack.requestFrame === 'function'
      ? () => frameTrack.requestFrame()
      : () => (picture as MediaStream & { requestFrame(): void }).requestFrame();

  const audio = new AudioContext();
  void audio.resume().catch(() => undefined);
  const mix = audio.createMediaStreamDestination();
  const inputs = new Map<MediaStream, MediaStreamAudioSourceNode>();

  function follow(): void {
    const screen = sources.video();
    if (video.srcObject !== screen) {
      video.srcObject = screen;
      if (screen) void video.play().catch(() => undefined);
    }
    const voices = new Set(sources.audio().filter((s) => s.getAudioTracks().length > 0));
    for (const [stream, node] of inputs) {
      if (voices.has(stream)) continue;
      node.disconnect();
      inputs.delete(stream);
    }
    for (const stream of voices) {
      if (inputs.has(stream)) continue;
      const node = audio.createMediaStreamSource(stream);
      node.connect(mix);
      inputs.set(stream, node);
    }
  }

  function paint(): void {
    follow();
    g.fillStyle = '#111';
    g.fillRect(0, 0, WIDTH, HEIGHT);
    const { videoWidth: w, videoHeight: h } = video;
    if (video.srcObject && w > 0 && h > 0) {
      const scale = Math.min(WIDTH / w, HEIGHT / h);
      g.drawImage(video, (WIDTH - w * scale) / 2, (HEIGHT - h * scale) / 2, w * scale, h * scale);
    }
    requestFrame();
  }

  paint();
  const timer = setInterval(paint, 1000 / FPS);
  const tracks = [frameTrack, ...mix.stream.getAudioTracks()];
  let recorder: MediaRecorder;
  try {
    recorder = new MediaRecorder(new MediaStream(tracks), {
      mimeType: MediaRecorder.isTypeSupported(MIME) ? MIME : 'video/webm',
      videoBitsPerSecond: 1_200_000,
      audioBitsPerSecond: 64_000,
    });
    recorder.ondataavailable = (event) => {
      if (event.data.size > 0) options.onChunk(event.data);
    };
    recorder.onerror = (event) => options.onError(event);
    recorder.start(options.timesliceMs);
  } catch (error) {
    // Nothing keeps painting or holding the audio device for a recorder that never ran.
    release();
    throw error;
  }

  function release(): void {
    clearInterval(timer);
    inputs.forEach((node) => node.disconnect());
    inputs.clear();
    tracks.forEach((t) => t.stop());
    video.srcObject = null;
    void audio.close().catch(() => undefined);
  }

  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (recorder.state === 'inactive') return (release(), resolve());
        // The last chunk comes with dataavailable just before stop.
        recorder.addEventListener('stop', () => (release(), resolve()), { once: true });
        recorder.stop();
      }),
  };
}
