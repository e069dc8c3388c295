import { useEffect, useRef } from 'preact/hooks';

interface Props {
  title: string;
  stream: MediaStream;
  /** My own camera: shown mirrored, as a mirror would. */
  mirrored?: boolean;
}

/** One camera picture in the tiles, named by whose it is. */
export function VideoTile({ title, stream, mirrored }: Props) {
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
    </figure>
  );
}
