import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../core/broker/error-text';
import { signIn, signOut } from '../../core/extension/account';
import { t } from '../../core/i18n';
import type { Auth, Settings } from '../../core/extension/settings';
import { SignInForm } from '../SignInForm';

/** Options: which broker to use, and sign in or out (the side panel follows). */
export function OptionsApp({ settings }: { settings: Settings }) {
  const [auth, setAuth] = useState<Auth | undefined>();
  const [brokerUrl, setBrokerUrl] = useState<string>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const refresh = async () => {
      setAuth(await settings.auth());
      setBrokerUrl(await settings.brokerUrl());
    };
    void refresh();
    return settings.onChanged(() => void refresh());
  }, [settings]);

  if (brokerUrl === undefined) return null;
  return (
    <main class="page stack" style={{ maxWidth: '28rem' }}>
      {auth ? (
        <section class="stack">
          <h1>{t('appName')}</h1>
          <p>{t('signedInAs', { name: auth.rep.name, email: auth.rep.email })}</p>
          <p class="muted">
            {t('brokerUrl')}: {auth.brokerUrl}
          </p>
          <div>
            <button type="button" onClick={() => void signOut(settings, auth)}>
              {t('signOut')}
            </button>
          </div>
        </section>
      ) : (
        <SignInForm
          initialBrokerUrl={brokerUrl}
          error={error}
          onSignIn={async (url, email, password) => {
            setError(undefined);
            try {
              await signIn(settings, url, email, password);
            } catch (e) {
              setError(errorText(e, { audience: 'rep', action: 'sign-in', brokerUrl: url }));
            }
          }}
        />
      )}
    </main>
  );
}
