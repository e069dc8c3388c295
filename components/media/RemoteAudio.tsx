import { useEffect, useRef } from 'preact/hooks';

/** Plays one participant's voice at the chosen volume (not shown: the voice card lists who is talking). */
export function RemoteAudio({ stream, volume }: { stream: MediaStream; volume: number }) {
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (!audio.current) return;
    audio.current.srcObject = stream;
    void audio.current.play().catch(() => undefined);
  }, [stream]);
  useEffect(() => {
    if (audio.current) audio.current.volume = volume;
  }, [volume]);
  return <audio ref={audio} autoplay />;
}
