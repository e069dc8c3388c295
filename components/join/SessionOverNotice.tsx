import { t } from '../../core/i18n';
import { Notice } from '../Notice';

interface Props {
  reason: 'left' | 'removed' | 'timeout';
  /** Offered after a timeout: the link may still let them in. */
  onRejoin(): void;
}

/** The customer is out of the session: they left, were removed, or were offline too long. */
export function SessionOverNotice({ reason, onRejoin }: Props) {
  if (reason === 'removed') return <Notice title={t('removedTitle')} detail={t('removedDetail')} />;
  if (reason === 'timeout') {
    return (
      <Notice title={t('timedOutTitle')} detail={t('timedOutDetail')}>
        <button type="button" class="primary" onClick={onRejoin}>
          {t('joinAgain')}
        </button>
      </Notice>
    );
  }
  return <Notice title={t('left')} />;
}
