import { useState } from 'preact/hooks';
import * as v from 'valibot';
import { t } from '../../core/i18n';
import { SessionNumber, type JoinByNumberRequest } from '../../core/protocol';
import { ErrorLine, Field } from '../Field';

interface Props {
  error?: string;
  busy: boolean;
  onJoin(request: JoinByNumberRequest): void;
}

/** The support site's front door: the session number the rep read out, and the customer's name. */
export function NumberForm({ error, busy, onJoin }: Props) {
  const [number, setNumber] = useState('');
  const [name, setName] = useState('');
  const [numberError, setNumberError] = useState<string>();
  return (
    <form
      class="card stack"
      style={{ maxWidth: '26rem', margin: '2rem auto' }}
      onSubmit={(ev) => {
        ev.preventDefault();
        const parsed = v.safeParse(SessionNumber, number);
        if (!parsed.success) return setNumberError(t('invalidSessionNumber'));
        setNumberError(undefined);
        if (name.trim()) onJoin({ number: parsed.output, name });
      }}
    >
      <h1>{t('joinByNumberTitle')}</h1>
      <p class="muted">{t('joinByNumberIntro')}</p>
      <Field
        id="number"
        inputMode="numeric"
        autocomplete="off"
        maxLength={20}
        autofocus
        label={t('sessionNumber')}
        value={number}
        onValue={setNumber}
        error={numberError}
      />
      <Field id="name" autocomplete="name" maxLength={80} label={t('yourName')} value={name} onValue={setName} />
      <ErrorLine message={error} />
      <button type="submit" class="primary" disabled={busy || !number.trim() || !name.trim()}>
        {busy ? t('joining') : t('join')}
      </button>
    </form>
  );
}
