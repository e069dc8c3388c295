import { useState } from 'preact/hooks';
import { t } from '../core/i18n';
import { normalizeBrokerUrl } from '../core/extension/settings';

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
      <div>
        <label for="broker-url">{t('brokerUrl')}</label>
        <input id="broker-url" type="url" required value={brokerUrl} onInput={(e) => setBrokerUrl(e.currentTarget.value)} />
        {urlError && <p class="error">{urlError}</p>}
      </div>
      <div>
        <label for="email">{t('email')}</label>
        <input
          id="email"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
      </div>
      <div>
        <label for="password">{t('password')}</label>
        <input
          id="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t('signingIn') : t('signIn')}
      </button>
    </form>
  );
}
