import { useState } from 'preact/hooks';
import { groupSessionNumber } from '../../core/protocol';
import { t } from '../../core/i18n';

interface Props {
  number: string;
  joinUrl?: string;
  /** What "Copy link" puts on the clipboard: the invitation as text for any messenger. */
  copyText(url: string): string;
}

/** The session number to read out, and the customer link to paste into any chat. */
export function SessionInfo({ number, joinUrl, copyText }: Props) {
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <section class="card stack" aria-label={t('sessionNumber')}>
      <div>
        <h3>{t('sessionNumber')}</h3>
        <div class="number" data-testid="session-number">
          {groupSessionNumber(number)}
        </div>
      </div>
      {joinUrl && (
        <div class="stack">
          <h3>{t('customerLink')}</h3>
          <div class="link" data-testid="join-url">
            {joinUrl}
          </div>
          <div class="row">
            <button
              type="button"
              onClick={() =>
                navigator.clipboard.writeText(copyText(joinUrl)).then(
                  () => setCopyState('copied'),
                  () => setCopyState('failed'),
                )
              }
            >
              {t('copyLink')}
            </button>
            <span role="status" class="muted">
              {copyState === 'copied' ? t('copied') : copyState === 'failed' ? t('copyFailed') : ''}
            </span>
          </div>
        </div>
      )}
    </section>
  );
}
