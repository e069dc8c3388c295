// Installs Preact's signal tracking: components re-render when the core signals they read change.
import '@preact/signals';
import { useEffect } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { JoinModel } from '../../core/session/join-model';
import { Loading } from '../Loading';
import { Notice } from '../Notice';
import { DeadLinkNotice } from './DeadLinkNotice';
import { CustomerSessionView } from './CustomerSessionView';
import { NameForm } from './NameForm';
import { NumberForm } from './NumberForm';
import { NextSteps } from './NextSteps';
import { SessionEndedNotice } from './SessionEndedNotice';
import { SessionOverNotice } from './SessionOverNotice';

/** The customer's page, from the name form to "The session has ended". */
export function JoinApp({ model }: { model: JoinModel }) {
  useEffect(() => void model.load(), [model]);
  const phase = model.phase.value;
  const orgName = model.orgName.value;
  useEffect(() => {
    document.title = orgName ? `${orgName} · ${t('appName')}` : t('appName');
  }, [orgName]);
  return (
    <main class="page">
      {orgName && phase.name !== 'in-session' && <p class="org-name">{orgName}</p>}
      {phase.name === 'loading' && <Loading centered />}
      {(phase.name === 'ask-number' || phase.name === 'knocking') && (
        <NumberForm
          busy={phase.name === 'knocking'}
          error={phase.name === 'ask-number' ? phase.error : undefined}
          onJoin={(request) => void model.joinByNumber(request)}
        />
      )}
      {phase.name === 'waiting' && (
        <Notice title={t('waitingTitle')} detail={t('waitingDetail')}>
          <progress aria-label={t('waitingTitle')} />
          <button type="button" onClick={() => void model.cancelWait()}>
            {t('cancel')}
          </button>
        </Notice>
      )}
      {phase.name === 'declined' && (
        <Notice title={t('declinedTitle')} detail={t('declinedDetail')}>
          <NextSteps>
            <button type="button" class="primary" onClick={() => void model.cancelWait()}>
              {t('tryAgain')}
            </button>
          </NextSteps>
        </Notice>
      )}
      {phase.name === 'wait-expired' && (
        <Notice title={t('waitExpiredTitle')} detail={t('waitExpiredDetail')}>
          <button type="button" class="primary" onClick={() => void model.cancelWait()}>
            {t('tryAgain')}
          </button>
        </Notice>
      )}
      {(phase.name === 'ask-name' || phase.name === 'joining') && (
        <NameForm
          busy={phase.name === 'joining'}
          repName={phase.repName}
          error={phase.name === 'ask-name' ? phase.error : undefined}
          onJoin={(n) => void model.join(n)}
        />
      )}
      {phase.name === 'in-session' && (
        <CustomerSessionView
          runtime={phase.runtime}
          orgName={orgName}
          onLeave={() => void model.leave()}
          onRejoin={() => void model.rejoin()}
        />
      )}
      {phase.name === 'ended' && <SessionEndedNotice />}
      {(phase.name === 'left' || phase.name === 'removed' || phase.name === 'timeout') && (
        <SessionOverNotice reason={phase.name} onRejoin={() => void model.rejoin()} />
      )}
      {(phase.name === 'invite-invalid' || phase.name === 'invite-expired') && <DeadLinkNotice problem={phase.name} />}
      {phase.name === 'error' && (
        <Notice title={t('genericError', { message: phase.message })}>
          <button type="button" onClick={() => location.reload()}>
            {t('tryAgain')}
          </button>
        </Notice>
      )}
    </main>
  );
}
