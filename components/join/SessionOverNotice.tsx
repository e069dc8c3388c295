import { t } from '../../core/i18n';
import { Notice } from '../Notice';
import { NextSteps } from './NextSteps';

interface Props {
  reason: 'left' | 'removed' | 'timeout';
  /** Join again with the same link (it may still let them in). */
  onRejoin(): void;
}

/** The customer is out of the session: they left, were removed, or were offline too long. */
export function SessionOverNotice({ reason, onRejoin }: Props) {
  if (reason === 'removed') {
    return (
      <Notice title={t('removedTitle')} detail={t('removedDetail')}>
        <NextSteps />
      </Notice>
    );
  }
  return (
    <Notice
      title={t(reason === 'timeout' ? 'timedOutTitle' : 'left')}
      detail={reason === 'timeout' ? t('timedOutDetail') : t('leftDetail')}
    >
      <NextSteps>
        <button type="button" class="primary" onClick={onRejoin}>
          {t('joinAgain')}
        </button>
      </NextSteps>
    </Notice>
  );
}
