import { useMemo, useState } from 'preact/hooks';
import { errorText } from '../../core/broker/error-text';
import { getLocale, t } from '../../core/i18n';
import { createInviteFlow } from '../../core/invite/invite-flow';
import type { MailLocale } from '../../core/protocol';
import type { RepModel } from '../../core/session/rep-model';
import type { SessionRuntime } from '../../core/session/runtime';
import { ConfirmDialog } from '../ConfirmDialog';
import { ErrorLine } from '../Field';
import { InviteDialog } from '../invite/InviteDialog';
import { RepMediaTools } from '../media/RepMediaTools';
import { InvitationList } from './InvitationList';
import { RecordingControls } from './RecordingControls';
import { RecordingsList } from './RecordingsList';

interface Props {
  model: RepModel;
  runtime: SessionRuntime;
  openMailto(url: string): void;
}

/** The session's tools: invite someone, revoke the invitations out there, share my screen, start video. */
export function SessionTools({ model, runtime, openMailto }: Props) {
  const { isController } = runtime.permissions.value;
  // Started with "Email" checked: the customer invitation opens at once, the first time only.
  const [inviting, setInviting] = useState(() => isController && model.takeInviteOnFirstShow(runtime.sessionId));
  const [confirmingRevoke, setConfirmingRevoke] = useState(false);
  const [note, setNote] = useState<{ text: string; error?: boolean }>();
  /** Bumped when invitations changed here (one sent, all revoked): the list reloads. */
  const [changes, setChanges] = useState(0);
  const locale = getLocale() as MailLocale;
  // A fresh flow each time the dialog opens: it starts at the form.
  const flow = useMemo(() => createInviteFlow({ invite: runtime.invite, openMailto, locale }), [runtime, inviting]);
  const capabilities = model.capabilities.value;

  const revoke = async () => {
    setConfirmingRevoke(false);
    try {
      setNote({ text: t('revokedCount', { count: await runtime.revokeInvites() }) });
      setChanges(changes + 1);
    } catch (error) {
      setNote({ text: errorText(error, { audience: 'rep' }), error: true });
    }
  };

  return (
    <div class="stack">
      <div class="row">
        <button type="button" onClick={() => setInviting(true)}>
          {t('invite')}
        </button>
        {isController && (
          <button type="button" onClick={() => setConfirmingRevoke(true)}>
            {t('revokeInvites')}
          </button>
        )}
        <RepMediaTools runtime={runtime} />
        <RecordingControls runtime={runtime} />
      </div>
      {note && (note.error ? <ErrorLine message={note.text} /> : <p role="status">{note.text}</p>)}
      {model.recordings && <RecordingsList model={model.recordings} sessionId={runtime.sessionId} />}
      {isController && (
        <InvitationList
          list={() => runtime.listInvites().then((r) => r.invites)}
          revoke={(inviteId) => runtime.revokeInvites(inviteId)}
          version={changes}
        />
      )}
      {inviting && (
        <InviteDialog
          flow={flow}
          roles={isController ? ['customer', 'rep'] : ['rep']}
          serverMail={capabilities?.serverMail ?? false}
          withMailProgram={model.inviteWithMailProgram.value}
          onWithMailProgram={model.setInviteWithMailProgram}
          onClose={() => {
            setInviting(false);
            setChanges(changes + 1);
          }}
        />
      )}
      {confirmingRevoke && (
        <ConfirmDialog
          title={t('revokeConfirm')}
          detail={t('revokeConfirmDetail')}
          confirmLabel={t('revokeInvites')}
          onCancel={() => setConfirmingRevoke(false)}
          onConfirm={() => void revoke()}
        />
      )}
    </div>
  );
}
