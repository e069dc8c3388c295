import { useEffect } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { RecordingIndicator } from '../media/RecordingIndicator';

/**
 * What a customer is told while the session is recorded, in plain words and their language. Once it is
 * on screen (after the browser painted it), the controller is told so: recording starts only then.
 */
export function RecordingNotice({ runtime }: { runtime: SessionRuntime }) {
  const state = runtime.recordingState.value;
  const since = state?.since;
  useEffect(() => {
    if (since === undefined) return;
    // After the next paint: "shown" means on the screen, not only in the document.
    const frame = requestAnimationFrame(() => setTimeout(() => runtime.recording.noticeShown(since), 0));
    return () => cancelAnimationFrame(frame);
  }, [since, runtime]);
  if (!state) return null;
  return (
    <section class="recording-notice" role="alert" aria-labelledby="recording-notice-title" data-testid="recording-notice">
      <h2 id="recording-notice-title">
        <RecordingIndicator since={state.since} />
        <span class="sr-only">{t('recordingNoticeTitle')}</span>
      </h2>
      <p>{t('recordingNoticeText')}</p>
    </section>
  );
}
