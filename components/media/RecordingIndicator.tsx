import { formatDuration } from '../../core/duration';
import { t } from '../../core/i18n';
import { useNow } from '../useNow';

/**
 * The red "Recording" mark everyone in a recorded session sees, with how long it has run. The word is
 * a status (announced once when it appears); the ticking time is a timer (not announced each second).
 */
export function RecordingIndicator({ since }: { since: number }) {
  const elapsed = formatDuration(useNow() - since);
  return (
    <span class="recording-indicator" data-testid="recording-indicator">
      <span class="rec-dot" aria-hidden="true" />
      <span role="status">{t('recordingIndicator')}</span>
      <span role="timer" aria-label={t('recordingIndicatorLabel', { time: elapsed })}>
        {elapsed}
      </span>
    </span>
  );
}
