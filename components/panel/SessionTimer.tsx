import { formatDuration } from '../../core/duration';
import { t } from '../../core/i18n';
import { useNow } from '../useNow';

/** How long the session has been going, ticking once a second (a timer: screen readers do not announce each tick). */
export function SessionTimer({ since }: { since: number }) {
  const elapsed = formatDuration(useNow() - since);
  return (
    <span class="timer" role="timer" aria-label={t('sessionDuration', { time: elapsed })}>
      {elapsed}
    </span>
  );
}
