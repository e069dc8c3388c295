// Installs Preact's signal tracking: components re-render when the core signals they read change.
import '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { RepModel } from '../../core/session/rep-model';
import { Checkbox, ErrorLine } from '../Field';
import { openMailto } from '../invite/open-mailto';
import { SignInForm } from '../SignInForm';
import type { KnockNotifier } from '../../core/extension/knock-notifications';
import { RepSessionView } from './RepSessionView';
import { useKnockNotifications } from './useKnockNotifications';

/** The rep's dashboard: sign-in when signed out, Start session when idle, the session when in one. */
interface Props {
  model: RepModel;
  defaultBrokerUrl: string;
  onOpenScreenInTab(participantId: string, title: string): void;
  /** Desktop notifications for knocks while the panel is not focused. */
  knockNotifier?: KnockNotifier;
}

export function SidePanelApp({ model, defaultBrokerUrl, onOpenScreenInTab, knockNotifier }: Props) {
  useEffect(() => void model.load(), [model]);
  const [startedWithEmail, setStartedWithEmail] = useState(false);
  const phase = model.phase.value;
  const auth = model.auth.value;
  const runtime = model.runtime.value;
  const error = model.error.value;
  useKnockNotifications(runtime?.self.role === 'controller' ? runtime : undefined, knockNotifier);

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
          <div class="row">
            <button
              type="button"
              class="primary"
              disabled={phase === 'starting'}
              onClick={() => {
                setStartedWithEmail(model.emailOnStart.value);
                void model.startSession();
              }}
            >
              {phase === 'starting' ? t('starting') : t('startSession')}
            </button>
            <Checkbox
              label={t('emailOnStart')}
              title={t('emailOnStartHint')}
              checked={model.emailOnStart.value}
              onChecked={model.setEmailOnStart}
            />
          </div>
        </section>
      )}
      {phase === 'in-session' && runtime && (
        <RepSessionView
          key={runtime.sessionId}
          model={model}
          runtime={runtime}
          inviteAtOnce={startedWithEmail}
          onOpenScreenInTab={onOpenScreenInTab}
          openMailto={openMailto}
        />
      )}
      {phase !== 'signed-out' && <ErrorLine message={error} />}
    </main>
  );
}
