import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import { ErrorLine, Field } from '../Field';

interface Props {
  repName?: string;
  error?: string;
  busy: boolean;
  onJoin(name: string): void;
}

/** The only thing a customer fills in: their name. */
export function NameForm({ repName, error, busy, onJoin }: Props) {
  const [name, setName] = useState('');
  return (
    <form
      class="card stack"
      style={{ maxWidth: '26rem', margin: '2rem auto' }}
      onSubmit={(ev) => {
        ev.preventDefault();
        if (name.trim()) onJoin(name);
      }}
    >
      <h1>{t('joinTitle')}</h1>
      {repName && <p>{t('invitedBy', { name: repName })}</p>}
      <p class="muted">{t('joinIntro')}</p>
      <Field id="name" autocomplete="name" maxLength={80} autofocus label={t('yourName')} value={name} onValue={setName} />
      <ErrorLine message={error} />
      <button type="submit" class="primary" disabled={busy || !name.trim()}>
        {busy ? t('joining') : t('join')}
      </button>
    </form>
  );
}
