import { t } from '../../core/i18n';
import type { InviteProblem } from '../../core/session/invite-problem';
import { Notice } from '../Notice';
import { NextSteps } from './NextSteps';

/** A link that admits no one: what happened, and what to do about it. */
export function DeadLinkNotice({ problem, customer = true }: { problem: Exclude<InviteProblem, 'ended'>; customer?: boolean }) {
  const invalid = problem === 'invite-invalid';
  return (
    <Notice
      title={t(invalid ? 'inviteInvalid' : 'inviteExpired')}
      detail={t(invalid ? 'inviteInvalidDetail' : 'inviteExpiredDetail')}
    >
      {customer && <NextSteps />}
    </Notice>
  );
}
