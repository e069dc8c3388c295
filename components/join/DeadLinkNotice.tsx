import { t } from '../../core/i18n';
import type { InviteProblem } from '../../core/session/invite-problem';
import { Notice } from '../Notice';

/** A link that admits no one: what happened, and what to do about it. */
export function DeadLinkNotice({ problem }: { problem: Exclude<InviteProblem, 'ended'> }) {
  return problem === 'invite-invalid' ? (
    <Notice title={t('inviteInvalid')} detail={t('inviteInvalidDetail')} />
  ) : (
    <Notice title={t('inviteExpired')} detail={t('inviteExpiredDetail')} />
  );
}
