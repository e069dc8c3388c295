import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../core/i18n';

interface Props {
  title: string;
  stream: MediaStream;
  /** My own camera: shown mirrored, as a mirror would. */
  mirrored?: boolean;
  /** Shows "Open in tab" (the side panel is narrow). */
  onOpenInTab?(): void;
}

/** One camera picture in the tiles, named by whose it is. */
export function VideoTile({ title, stream, mirrored, onOpenInTab }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);
  return (
    <figure class="tile">
      <video
        ref={video}
        autoplay
        playsInline
        muted
        aria-label={title}
        style={mirrored ? { transform: 'scaleX(-1)' } : undefined}
      />
      <figcaption aria-hidden="true">{title}</figcaption>
      {onOpenInTab && (
        <button type="button" class="tile-open" aria-label={t('openNamedInTab', { name: title })} onClick={onOpenInTab}>
          {t('openInTab')}
        </button>
      )}
    </figure>
  );
}
