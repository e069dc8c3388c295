import { useState } from 'preact/hooks';
import { t } from '../core/i18n';
import { normalizeBrokerUrl } from '../core/extension/settings';
import { ErrorLine, Field } from './Field';

interface Props {
  initialBrokerUrl: string;
  error?: string;
  onSignIn(brokerUrl: string, email: string, password: string): Promise<void>;
}

/** Broker address, email and password. Used by the side panel and the options page. */
export function SignInForm({ initialBrokerUrl, error, onSignIn }: Props) {
  const [brokerUrl, setBrokerUrl] = useState(initialBrokerUrl);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [urlError, setUrlError] = useState<string>();

  return (
    <form
      class="stack"
      aria-label={t('signInTitle')}
      onSubmit={async (ev) => {
        ev.preventDefault();
        const url = normalizeBrokerUrl(brokerUrl);
        setUrlError(url ? undefined : t('invalidUrl'));
        if (!url) return;
        setBusy(true);
        await onSignIn(url, email, password);
        setBusy(false);
      }}
    >
      <h1>{t('signInTitle')}</h1>
      <Field
        id="broker-url"
        type="url"
        label={t('brokerUrl')}
        hint={t('brokerUrlHint')}
        placeholder="https://support.example.com"
        error={urlError}
        value={brokerUrl}
        onValue={setBrokerUrl}
      />
      <Field id="email" type="email" autocomplete="username" label={t('email')} value={email} onValue={setEmail} />
      <Field
        id="password"
        type="password"
        autocomplete="current-password"
        label={t('password')}
        value={password}
        onValue={setPassword}
      />
      <ErrorLine message={error} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('signingIn') : t('signIn')}
      </button>
    </form>
  );
}
