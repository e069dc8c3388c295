import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';

interface Props {
  joinUrl: string;
  /** The invitation as text for any messenger: the link, and the number to type on the support site. */
  instructions(url: string): string;
}

type Copied = { what: 'link' | 'instructions' | 'failed'; url: string };

/**
 * The customer link, one line, with two ways to copy it: the link alone, or with instructions for a
 * messenger. What was copied is said beside the buttons, for the link shown: a new link (after Revoke)
 * clears it.
 */
export function CustomerLink({ joinUrl, instructions }: Props) {
  const [copied, setCopied] = useState<Copied>();
  const copy = (what: 'link' | 'instructions') =>
    navigator.clipboard.writeText(what === 'link' ? joinUrl : instructions(joinUrl)).then(
      () => setCopied({ what, url: joinUrl }),
      () => setCopied({ what: 'failed', url: joinUrl }),
    );
  const shown = copied?.url === joinUrl ? copied.what : undefined;
  return (
    <div class="stack tight" role="group" aria-labelledby="customer-link-title">
      <h3 id="customer-link-title">{t('customerLink')}</h3>
      <div class="link ellipsis" data-testid="join-url" title={joinUrl}>
        {joinUrl}
      </div>
      <div class="row">
        <button type="button" onClick={() => void copy('link')}>
          {t('copyLink')}
        </button>
        <button type="button" onClick={() => void copy('instructions')}>
          {t('copyWithInstructions')}
        </button>
      </div>
      <p role="status" class={shown === 'failed' ? 'error' : 'muted'}>
        {shown === 'link'
          ? t('copiedLink')
          : shown === 'instructions'
            ? t('copiedInstructions')
            : shown === 'failed'
              ? t('copyFailed')
              : ''}
      </p>
    </div>
  );
}
