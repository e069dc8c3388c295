import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { ErrorLine } from '../Field';
import { ScreenView } from '../ScreenView';
import { CameraTiles } from './CameraTiles';
import { cameraMessage } from './start-message';
import { VoiceControls } from './VoiceControls';

/** The representative's screen, large, on the customer's page (they can go full screen). */
export function RepScreenStage({ runtime }: { runtime: SessionRuntime }) {
  return (
    <>
      {[...runtime.repShare.remote.value].map(([participantId, stream]) => (
        <ScreenView key={participantId} title={t('repScreen')} stream={stream} large />
      ))}
    </>
  );
}

/**
 * The customer's camera and voice: Start video (a computer) or Show with camera with a front/back switch
 * (a phone, which cannot share its screen), the cameras in the session, and "Join voice?".
 */
export function CustomerMedia({ runtime }: { runtime: SessionRuntime }) {
  const [message, setMessage] = useState<string>();
  const { camera } = runtime;
  const filming = camera.local.value !== null;
  const repName = runtime.controller.value?.name ?? '';
  // A phone: no screen to share, so the camera is how the customer shows the problem.
  const phone = !runtime.canCaptureScreen;
  const start = async () => {
    setMessage(undefined);
    setMessage(cameraMessage(await camera.start(), repName));
  };
  return (
    <>
      <VoiceControls runtime={runtime} ask />
      {runtime.canUseCamera && (
        <section class="card stack" aria-label={t(phone ? 'showWithCamera' : 'video')}>
          <div class="row">
            {filming ? (
              <button type="button" class="danger" onClick={() => camera.stopMine()}>
                {t('stopVideo')}
              </button>
            ) : (
              <button
                type="button"
                class={phone ? 'primary' : undefined}
                disabled={!runtime.canShare.value}
                onClick={() => void start()}
              >
                {t(phone ? 'showWithCamera' : 'startVideo')}
              </button>
            )}
            {phone && filming && (
              <button type="button" onClick={() => void runtime.switchCamera()}>
                {t(runtime.facing.value === 'user' ? 'useBackCamera' : 'useFrontCamera')}
              </button>
            )}
          </div>
          {phone && !filming && runtime.canShare.value && <p class="muted">{t('showWithCameraHint', { name: repName })}</p>}
          {phone && !runtime.canShare.value && <p class="muted">{t('cameraNotYourTurn', { name: repName })}</p>}
          {message && <ErrorLine message={message} />}
        </section>
      )}
      <CameraTiles runtime={runtime} />
    </>
  );
}
