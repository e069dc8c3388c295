import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { Notice } from '../Notice';
import { NextSteps } from './NextSteps';

/** The representative ended the session: thanks, and where to go for more help. */
export function SessionEndedNotice(_props: { runtime?: SessionRuntime }) {
  return (
    <Notice title={t('sessionEnded')} detail={t('sessionEndedDetail')}>
      <NextSteps />
    </Notice>
  );
}
