import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { VideoTile } from './VideoTile';
import './media.css';

/** Every camera in the session, mine first, as tiles that fit a 400 px panel and a phone. */
export function CameraTiles({ runtime }: { runtime: SessionRuntime }) {
  const mine = runtime.camera.local.value;
  const theirs = [...runtime.camera.remote.value];
  if (!mine && theirs.length === 0) return null;
  return (
    <section class="card stack" aria-label={t('video')}>
      <h3>{t('video')}</h3>
      <div class="tiles">
        {mine && <VideoTile title={t('yourCamera')} stream={mine} mirrored={runtime.facing.value === 'user'} />}
        {theirs.map(([participantId, stream]) => (
          <VideoTile key={participantId} title={t('cameraOf', { name: runtime.nameOf(participantId) })} stream={stream} />
        ))}
      </div>
    </section>
  );
}
