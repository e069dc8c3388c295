import type { ComponentChildren } from 'preact';
import { t } from '../../core/i18n';

/**
 * What a customer can do from a page where the session is over for them, so no page is a dead end:
 * the actions given (join again, try again…), then the support site to enter a number, then closing.
 */
export function NextSteps({ children }: { children?: ComponentChildren }) {
  return (
    <nav class="stack next-steps" aria-label={t('nextSteps')}>
      {children}
      <a class="button-link" href="/">
        {t('enterNumberOnSite')}
      </a>
      <p class="muted">{t('youCanClose')}</p>
    </nav>
  );
}
