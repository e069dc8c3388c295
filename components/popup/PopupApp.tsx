import { t } from '../../core/i18n';
import type { Auth } from '../../core/extension/settings';

interface Props {
  auth?: Auth;
  onOpenDashboard(): void;
  onOpenOptions(): void;
}

export function PopupApp({ auth, onOpenDashboard, onOpenOptions }: Props) {
  return (
    <main class="stack" style={{ padding: '1rem', minWidth: '16rem' }}>
      <h1>{t('appName')}</h1>
      <p class="muted">{auth ? t('signedInAs', { name: auth.rep.name, email: auth.rep.email }) : t('notSignedIn')}</p>
      <button type="button" class="primary" autofocus onClick={onOpenDashboard}>
        {t('openDashboard')}
      </button>
      <button type="button" onClick={onOpenOptions}>
        {t('openOptions')}
      </button>
    </main>
  );
}
