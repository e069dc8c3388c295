import { useEffect, useRef } from 'preact/hooks';
import { t } from '../core/i18n';

interface Props {
  title: string;
  stream: MediaStream;
  /** Shows "Open in tab" when given (the side panel is narrow). */
  onOpenInTab?(): void;
  /** The main thing on the page (the representative's screen on the customer's page). */
  large?: boolean;
}

/** A live screen with ways to look at it bigger: the viewer's full screen, or a tab of its own. */
export function ScreenView({ title, stream, onOpenInTab, large }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = stream;
  }, [stream]);
  return (
    <section class={`card stack screen${large ? ' large' : ''}`} aria-label={title}>
      <div class="screen-bar">
        <h3 class="ellipsis" title={title}>
          {title}
        </h3>
        {onOpenInTab && (
          <button type="button" class="small" onClick={onOpenInTab}>
            {t('openInTab')}
          </button>
        )}
        <button type="button" class="small" onClick={() => void video.current?.requestFullscreen()}>
          {t('fullScreen')}
        </button>
      </div>
      <video ref={video} autoplay playsInline muted aria-label={title} />
    </section>
  );
}
