import { t } from '../../core/i18n';
import type { SessionRuntime } from '../../core/session/runtime';
import { Notice } from '../Notice';
import { NextSteps } from './NextSteps';
import { RatingForm } from './RatingForm';

/** The representative ended the session: thanks, a rating of the help, and where to go for more. */
export function SessionEndedNotice({ runtime }: { runtime?: SessionRuntime }) {
  return (
    <Notice title={t('sessionEnded')} detail={t('sessionEndedDetail')}>
      {runtime && <RatingForm onRate={runtime.rate} />}
      <NextSteps />
    </Notice>
  );
}
