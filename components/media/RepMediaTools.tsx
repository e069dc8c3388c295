import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import type { StartShareResult } from '../../core/share/screen-share';
import { ErrorLine } from '../Field';
import { cameraMessage, screenMessage } from './start-message';

/**
 * The rep's own screen and camera, in the session's tools: Share my screen (screen, window or tab, as the
 * browser offers) and Start video, each with its stop. Everyone in the session sees them.
 */
export function RepMediaTools({ runtime }: { runtime: SessionRuntime }) {
  const [message, setMessage] = useState<string>();
  const { repShare, camera } = runtime;
  const sharing = repShare.local.value !== null;
  const filming = camera.local.value !== null;
  const run = async (start: () => Promise<StartShareResult>, say: typeof screenMessage) => {
    setMessage(undefined);
    setMessage(say(await start(), ''));
  };
  return (
    <>
      {runtime.canCaptureScreen &&
        (sharing ? (
          <button type="button" class="danger" onClick={() => repShare.stopMine()}>
            {t('stopSharing')}
          </button>
        ) : (
          <button type="button" onClick={() => void run(repShare.start, screenMessage)}>
            {t('shareMyScreen')}
          </button>
        ))}
      {runtime.canUseCamera &&
        (filming ? (
          <button type="button" class="danger" onClick={() => camera.stopMine()}>
            {t('stopVideo')}
          </button>
        ) : (
          <button type="button" onClick={() => void run(camera.start, cameraMessage)}>
            {t('startVideo')}
          </button>
        ))}
      {sharing && (
        <p role="status" class="muted" style={{ flexBasis: '100%' }}>
          {t('sharingMyScreen')}
        </p>
      )}
      {message && <ErrorLine message={message} />}
    </>
  );
}
