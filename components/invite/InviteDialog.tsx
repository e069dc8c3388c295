import { useState } from 'preact/hooks';
import { t } from '../../core/i18n';
import type { InviteFlow } from '../../core/invite/invite-flow';
import type { InviteRole } from '../../core/protocol';
import { Checkbox, ErrorLine, Field } from '../Field';
import { Modal } from '../Modal';

interface Props {
  flow: InviteFlow;
  /** Who this rep may invite: controllers both, assistants (and the popup) only colleagues. */
  roles: readonly InviteRole[];
  initialRole?: InviteRole;
  /** The broker has a mail server; without one only the rep's own mail program can send. */
  serverMail: boolean;
  /** "Send with my email program", as the rep left it last time. */
  withMailProgram: boolean;
  onWithMailProgram(on: boolean): void;
  onClose(): void;
}

/** Invite a customer or a colleague by email: through the rep's own mail program, or sent by the broker. */
export function InviteDialog(props: Props) {
  const { flow, roles, serverMail } = props;
  const [role, setRole] = useState<InviteRole>(props.initialRole ?? roles[0] ?? 'customer');
  const [email, setEmail] = useState('');
  const withMailProgram = props.withMailProgram || !serverMail;
  const state = flow.state.value;
  const title = roles.includes('customer') ? t('inviteTitle') : t('inviteColleagueTitle');
  const closeButton = (
    <button type="button" autofocus onClick={props.onClose}>
      {t('close')}
    </button>
  );

  return (
    <Modal title={title} onClose={props.onClose}>
      {(state.name === 'editing' || state.name === 'sending') && (
        <form
          class="stack"
          onSubmit={(ev) => {
            ev.preventDefault();
            void flow.submit({ role, email, withMailProgram });
          }}
        >
          {roles.length > 1 && (
            <fieldset>
              <legend>{t('inviteWho')}</legend>
              {roles.map((r) => (
                <label key={r}>
                  <input type="radio" name="invite-role" checked={role === r} onChange={() => setRole(r)} />
                  {r === 'customer' ? t('inviteCustomer') : t('inviteRep')}
                </label>
              ))}
            </fieldset>
          )}
          <Field
            id="invite-email"
            type="email"
            autocomplete="email"
            maxLength={254}
            autofocus
            required={!withMailProgram}
            label={t('inviteEmail')}
            value={email}
            onValue={setEmail}
          >
            {withMailProgram && <p class="muted">{t('inviteEmailOptional')}</p>}
          </Field>
          <Checkbox
            label={t('sendWithMailProgram')}
            checked={withMailProgram}
            disabled={!serverMail || state.name === 'sending'}
            onChecked={props.onWithMailProgram}
          />
          {!serverMail && <p class="muted">{t('serverMailUnavailable')}</p>}
          <p class="muted hint">{t('inviteOwnLink')}</p>
          {state.name === 'sending' && (
            <p role="status">
              <progress aria-label={t('inviteSending', { to: state.to })} /> {t('inviteSending', { to: state.to })}
            </p>
          )}
          <div class="row">
            <button type="submit" class="primary" disabled={state.name === 'sending'}>
              {withMailProgram ? t('openEmail') : t('sendInvitation')}
            </button>
            <button type="button" onClick={props.onClose}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
      {state.name === 'sent' && (
        <>
          <p role="status">{t('inviteSent', { to: state.to })}</p>
          <div class="row">{closeButton}</div>
        </>
      )}
      {state.name === 'opened' && (
        <>
          <p role="status">{t('inviteOpened')}</p>
          <div class="row">
            <a href={state.mailto} data-testid="mailto-link">
              {t('openMailAgain')}
            </a>
            {closeButton}
          </div>
        </>
      )}
      {state.name === 'failed' && (
        <>
          <ErrorLine message={t('inviteFailed', { message: state.message })} />
          <div class="row">
            <button type="button" class="primary" onClick={() => void flow.retry()}>
              {t('tryAgain')}
            </button>
            <button type="button" onClick={() => void flow.useMailProgram()}>
              {t('useMailProgramInstead')}
            </button>
            <button type="button" onClick={props.onClose}>
              {t('cancel')}
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}
