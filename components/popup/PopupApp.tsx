// Installs Preact's signal tracking: the invite dialog re-renders as its flow's state changes.
import '@preact/signals';
import { errorText } from '../../core/broker/error-text';
import { useEffect, useMemo, useState } from 'preact/hooks';
import * as v from 'valibot';
import { getLocale, t } from '../../core/i18n';
import { invitationText } from '../../core/invite/invitation-text';
import { createInviteFlow } from '../../core/invite/invite-flow';
import type { Auth, CurrentSession } from '../../core/extension/settings';
import {
  SessionNumber,
  type Capabilities,
  type CreateInviteRequest,
  type CreateInviteResponse,
  type MailLocale,
} from '../../core/protocol';
import { ErrorLine, Field } from '../Field';
import { InviteDialog } from '../invite/InviteDialog';
import { openMailto } from '../invite/open-mailto';

interface Props {
  auth?: Auth;
  /** The session the side panel shows; colleagues are invited to it. */
  currentSession?: CurrentSession;
  capabilities(): Promise<Capabilities>;
  withMailProgram: boolean;
  onWithMailProgram(on: boolean): void;
  invite(request: CreateInviteRequest): Promise<CreateInviteResponse>;
  onOpenDashboard(): void;
  /** Opens the side panel (within the click) and joins the session there as assistant. */
  onAssist(number: string): void;
  onOpenOptions(): void;
}

/** The toolbar popup: open the dashboard, invite a colleague to the current session, assist in another. */
export function PopupApp(props: Props) {
  const { auth, currentSession } = props;
  const [capabilities, setCapabilities] = useState<Capabilities>();
  const [withMailProgram, setWithMailProgram] = useState(props.withMailProgram);
  const [inviting, setInviting] = useState(false);
  const [copyState, setCopyState] = useState<{ text: string; error?: boolean }>();
  const [number, setNumber] = useState('');
  const [numberError, setNumberError] = useState<string>();
  const [assisting, setAssisting] = useState(false);
  const flow = useMemo(
    () => createInviteFlow({ invite: props.invite, openMailto, locale: getLocale() as MailLocale }),
    [props.invite, inviting],
  );
  useEffect(() => {
    if (auth) void props.capabilities().then(setCapabilities, () => undefined);
  }, [auth]);

  const copyColleagueLink = async () => {
    if (!currentSession) return;
    try {
      const { invite } = await props.invite({ role: 'rep', send: 'none' });
      await navigator.clipboard.writeText(invitationText({ role: 'rep', url: invite.url, number: currentSession.number }));
      setCopyState({ text: t('copiedColleagueLink') });
    } catch (error) {
      setCopyState({ text: error instanceof Error ? errorText(error, { audience: 'rep' }) : t('copyFailed'), error: true });
    }
  };

  return (
    <main class="stack" style={{ padding: '1rem', minWidth: '18rem' }}>
      <h1>{t('appName')}</h1>
      <p class="muted">{auth ? t('signedInAs', { name: auth.rep.name, email: auth.rep.email }) : t('notSignedIn')}</p>
      <button type="button" class="primary" autofocus onClick={props.onOpenDashboard}>
        {t('openDashboard')}
      </button>
      {auth && (
        <section class="stack" aria-label={t('inviteColleagueTitle')}>
          {currentSession ? (
            <div class="row">
              <button type="button" onClick={() => setInviting(true)}>
                {t('inviteColleagueTitle')}
              </button>
              <button type="button" onClick={() => void copyColleagueLink()}>
                {t('copyColleagueLink')}
              </button>
            </div>
          ) : (
            <p class="muted">{t('noCurrentSession')}</p>
          )}
          {copyState && (copyState.error ? <ErrorLine message={copyState.text} /> : <p role="status">{copyState.text}</p>)}
        </section>
      )}
      {auth && (
        <form
          class="stack"
          aria-label={t('assistInSession')}
          onSubmit={(ev) => {
            ev.preventDefault();
            const parsed = v.safeParse(SessionNumber, number);
            if (!parsed.success) return setNumberError(t('invalidSessionNumber'));
            setNumberError(undefined);
            setAssisting(true);
            props.onAssist(parsed.output);
          }}
        >
          <h2>{t('assistInSession')}</h2>
          <Field
            id="assist-number"
            inputMode="numeric"
            autocomplete="off"
            maxLength={20}
            label={t('sessionNumber')}
            value={number}
            onValue={setNumber}
            error={numberError}
          />
          <div class="row">
            <button type="submit" disabled={assisting}>
              {t('assist')}
            </button>
          </div>
        </form>
      )}
      <button type="button" onClick={props.onOpenOptions}>
        {t('openOptions')}
      </button>
      {inviting && (
        <InviteDialog
          flow={flow}
          roles={['rep']}
          serverMail={capabilities?.serverMail ?? false}
          withMailProgram={withMailProgram}
          onWithMailProgram={(on) => {
            setWithMailProgram(on);
            props.onWithMailProgram(on);
          }}
          onClose={() => setInviting(false)}
        />
      )}
    </main>
  );
}
