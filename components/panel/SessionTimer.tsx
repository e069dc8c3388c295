import { useEffect, useState } from 'preact/hooks';
import { formatDuration } from '../../core/duration';
import { t } from '../../core/i18n';

/** How long the session has been going, ticking once a second (a timer: screen readers do not announce each tick). */
export function SessionTimer({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const elapsed = formatDuration(now - since);
  return (
    <span class="timer" role="timer" aria-label={t('sessionDuration', { time: elapsed })}>
      {elapsed}
    </span>
  );
}
