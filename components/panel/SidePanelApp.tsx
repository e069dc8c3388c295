// Installs Preact's signal tracking: components re-render when the core signals they read change.
import '@preact/signals';
import { useEffect } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { RepModel } from '../../core/session/rep-model';
import { ErrorLine } from '../Field';
import { SignInForm } from '../SignInForm';
import { RepSessionView } from './RepSessionView';

/** The rep's dashboard: sign-in when signed out, Start session when idle, the session when in one. */
interface Props {
  model: RepModel;
  defaultBrokerUrl: string;
  onOpenScreenInTab(participantId: string, title: string): void;
}

export function SidePanelApp({ model, defaultBrokerUrl, onOpenScreenInTab }: Props) {
  useEffect(() => void model.load(), [model]);
  const phase = model.phase.value;
  const auth = model.auth.value;
  const runtime = model.runtime.value;
  const error = model.error.value;

  return (
    <main class="page stack">
      {phase === 'loading' && (
        <p class="muted" role="status">
          …
        </p>
      )}
      {phase === 'signed-out' && <SignInForm initialBrokerUrl={defaultBrokerUrl} error={error} onSignIn={model.signIn} />}
      {auth && phase !== 'signed-out' && phase !== 'loading' && (
        <header class="row">
          <span class="muted" style={{ flex: 1 }}>
            {t('signedInAs', { name: auth.rep.name, email: auth.rep.email })}
          </span>
          <button type="button" onClick={() => void model.signOut()}>
            {t('signOut')}
          </button>
        </header>
      )}
      {(phase === 'idle' || phase === 'starting') && (
        <section class="stack">
          <h1>{t('appName')}</h1>
          <p class="muted">{t('noSessionYet')}</p>
          <div>
            <button type="button" class="primary" disabled={phase === 'starting'} onClick={() => void model.startSession()}>
              {phase === 'starting' ? t('starting') : t('startSession')}
            </button>
          </div>
        </section>
      )}
      {phase === 'in-session' && runtime && (
        <RepSessionView
          runtime={runtime}
          onEnd={model.endSession}
          onDismiss={model.dismiss}
          onOpenScreenInTab={onOpenScreenInTab}
        />
      )}
      {phase !== 'signed-out' && <ErrorLine message={error} />}
    </main>
  );
}
