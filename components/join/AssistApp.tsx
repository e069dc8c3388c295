// Installs Preact's signal tracking: components re-render when the core signals they read change.
import '@preact/signals';
import { useEffect } from 'preact/hooks';
import { t } from '../../core/i18n';
import { groupSessionNumber } from '../../core/protocol';
import type { AssistModel } from '../../core/session/assist-model';
import { ErrorLine } from '../Field';
import { Loading } from '../Loading';
import { Notice } from '../Notice';
import { DeadLinkNotice } from './DeadLinkNotice';

/** The page a colleague's invitation opens: hands it to the extension, or explains how to assist. */
export function AssistApp({ model }: { model: AssistModel }) {
  useEffect(() => void model.load(), [model]);
  const phase = model.phase.value;
  return (
    <main class="page">
      {phase.name === 'loading' && <Loading centered />}
      {phase.name === 'ready' && (
        <section class="card stack" style={{ maxWidth: '30rem', margin: '2rem auto' }}>
          <h1>{t('assistTitle')}</h1>
          <p>{t('assistInvitedBy', { name: phase.repName, number: groupSessionNumber(phase.sessionNumber) })}</p>
          {phase.extension === 'looking' && <p role="status">{t('assistLooking')}</p>}
          {phase.extension === 'absent' && <p role="status">{t('assistNoExtension')}</p>}
          {phase.extension === 'other-broker' && <p role="status">{t('assistOtherBroker', { site: location.origin })}</p>}
          {phase.extension === 'present' && phase.handover !== 'handed' && phase.handover !== 'sign-in' && (
            <div>
              <button type="button" class="primary" disabled={phase.handover === 'sending'} onClick={() => void model.assist()}>
                {t('assistButton')}
              </button>
            </div>
          )}
          {phase.openDashboard && <p role="status">{t('assistOpenDashboard')}</p>}
          {phase.handover === 'handed' && <p role="status">{t('assistHanded')}</p>}
          {phase.handover === 'sign-in' && <p role="status">{t('assistSignIn')}</p>}
          {phase.handover === 'failed' && (
            <ErrorLine
              message={
                phase.refusal === 'other-broker'
                  ? t('assistOtherBroker', { site: location.origin })
                  : phase.refusal === 'no-click'
                    ? t('assistClickFirst')
                    : t('assistFailed', { message: phase.message ?? '' })
              }
            />
          )}
          <p class="muted">{t('assistByNumberHint', { number: groupSessionNumber(phase.sessionNumber) })}</p>
        </section>
      )}
      {phase.name === 'ended' && <Notice title={t('sessionEnded')} />}
      {(phase.name === 'invite-invalid' || phase.name === 'invite-expired') && (
        <DeadLinkNotice problem={phase.name} customer={false} />
      )}
      {phase.name === 'error' && <Notice title={t('genericError', { message: phase.message })} />}
    </main>
  );
}
