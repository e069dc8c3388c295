import { useEffect, useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import { Notice } from '../Notice';
import { ScreenView } from '../ScreenView';

interface Props {
  title: string;
  /** The screen, while it is shared; checked again every half second. */
  findStream(): MediaStream | undefined;
}

/** A shared screen in a whole tab, for when the side panel is too small to read it. */
export function ViewerApp({ title, findStream }: Props) {
  const [stream, setStream] = useState(findStream);
  useEffect(() => {
    const timer = setInterval(() => setStream(findStream()), 500);
    return () => clearInterval(timer);
  }, [findStream]);
  return (
    <main class="page viewer">
      {stream ? <ScreenView title={title} stream={stream} /> : <Notice title={title} detail={t('screenGone')} />}
    </main>
  );
}
