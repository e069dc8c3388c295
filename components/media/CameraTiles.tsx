import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { VideoTile } from './VideoTile';
import './media.css';

/** Every camera in the session, mine first, as tiles that fit a 400 px panel and a phone. */
interface Props {
  runtime: SessionRuntime;
  /** The side panel: a camera may open in a tab of its own. */
  onOpenInTab?(participantId: string, title: string): void;
}

export function CameraTiles({ runtime, onOpenInTab }: Props) {
  const mine = runtime.camera.local.value;
  const theirs = [...runtime.camera.remote.value];
  if (!mine && theirs.length === 0) return null;
  return (
    <section class="card stack" aria-label={t('video')}>
      <h3>{t('video')}</h3>
      <div class="tiles">
        {mine && <VideoTile title={t('yourCamera')} stream={mine} mirrored={runtime.facing.value === 'user'} />}
        {theirs.map(([participantId, stream]) => {
          const title = t('cameraOf', { name: runtime.nameOf(participantId) });
          return (
            <VideoTile
              key={participantId}
              title={title}
              stream={stream}
              onOpenInTab={onOpenInTab && (() => onOpenInTab(participantId, title))}
            />
          );
        })}
      </div>
    </section>
  );
}
