import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../core/broker/error-text';
import { formatTime } from '../format';
import { t, type MessageKey } from '../../core/i18n';
import type { InviteSummary } from '../../core/protocol';

interface Props {
  /** Loads the session's invitations (newest first). */
  list(): Promise<readonly InviteSummary[]>;
  /** Revokes one; resolves when done. */
  revoke(inviteId: string): Promise<unknown>;
  /** Changes when invitations may have changed (a new one sent, all revoked): the list reloads. */
  version: number;
}

const channelLabel: Record<InviteSummary['channel'], MessageKey> = {
  link: 'inviteChannelLink',
  server: 'inviteChannelServer',
  client: 'inviteChannelClient',
  none: 'inviteChannelNone',
};

type InviteState = 'active' | 'expired' | 'revoked';
const stateOf = (invite: InviteSummary, now: number): InviteState =>
  invite.revokedAt !== null ? 'revoked' : invite.expiresAt <= now ? 'expired' : 'active';
const stateLabel: Record<InviteState, MessageKey> = {
  active: 'inviteStateActive',
  expired: 'inviteStateExpired',
  revoked: 'inviteStateRevoked',
};

/**
 * The invitations sent for this session (issue 17): to whom, how, when, whether they still admit, each
 * revocable on its own. Folded away until opened; loaded when opened and after every change.
 */
export function InvitationList({ list, revoke, version }: Props) {
  const [open, setOpen] = useState(false);
  const [invites, setInvites] = useState<readonly InviteSummary[]>();
  const [error, setError] = useState<string>();
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    if (!open) return;
    let current = true;
    list().then(
      (found) => current && (setInvites(found), setError(undefined)),
      (e: unknown) => current && setError(errorText(e, { audience: 'rep' })),
    );
    return () => void (current = false);
  }, [open, version, reloads]);

  const now = Date.now();
  const sent = invites?.filter((i) => i.channel !== 'link') ?? [];
  return (
    <details class="invitations" onToggle={(ev) => setOpen(ev.currentTarget.open)}>
      <summary>{t('invitationsSent')}</summary>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {invites && sent.length === 0 && <p class="muted">{t('invitationsNone')}</p>}
      {sent.length > 0 && (
        <ul class="invite-list">
          {sent.map((invite) => {
            const state = stateOf(invite, now);
            const who = invite.email ?? t(invite.role === 'customer' ? 'inviteCustomer' : 'inviteRep');
            return (
              <li key={invite.id}>
                <span class="who">
                  <span class="ellipsis" title={who}>
                    {who}
                  </span>
                  <span class={`badge ${state === 'active' ? '' : 'muted'}`}>{t(stateLabel[state])}</span>
                </span>
                <span class="details muted">
                  {t(invite.role === 'customer' ? 'inviteCustomer' : 'inviteRep')} · {t(channelLabel[invite.channel])} ·{' '}
                  {formatTime(invite.createdAt)}
                </span>
                {state === 'active' && (
                  <button
                    type="button"
                    class="link-button"
                    aria-label={t('revokeInvitationTo', { who })}
                    onClick={() =>
                      void revoke(invite.id).then(
                        () => setReloads(reloads + 1),
                        (e: unknown) => setError(errorText(e, { audience: 'rep' })),
                      )
                    }
                  >
                    {t('revoke')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </details>
  );
}
