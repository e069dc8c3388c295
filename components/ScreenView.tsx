import { useEffect, useRef } from 'preact/hooks';
import { t } from '../core/i18n';

interface Props {
  title: string;
  stream: MediaStream;
}

/** A live screen with a way to look at it bigger: the viewer's full screen. */
export function ScreenView({ title, stream }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);
  return (
    <section class="card stack screen" aria-label={title}>
      <div class="row">
        <h3 style={{ flex: 1 }}>{title}</h3>
        <button type="button" onClick={() => void video.current?.requestFullscreen()}>
          {t('fullScreen')}
        </button>
      </div>
      <video ref={video} autoplay playsInline muted aria-label={title} />
    </section>
  );
}
