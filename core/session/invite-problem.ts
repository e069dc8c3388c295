import { isBrokerError } from '../broker/errors';

/** What a dead link says to the person who opened it, whichever page they opened it on. */
export type InviteProblem = 'invite-invalid' | 'invite-expired' | 'ended';

/**
 * The broker's refusal of an invitation, as one of the friendly end pages; undefined for anything else
 * (a network failure, a full session…). `malformedIsInvalid`: a 400 on checking a link means the token in
 * it was mangled.
 */
export function inviteProblem(error: unknown, malformedIsInvalid: boolean): InviteProblem | undefined {
  if (isBrokerError(error, 'invite_not_found') || (malformedIsInvalid && isBrokerError(error, 'bad_request'))) {
    return 'invite-invalid';
  }
  if (isBrokerError(error, 'invite_expired')) return 'invite-expired';
  if (isBrokerError(error, 'session_ended')) return 'ended';
  return undefined;
}
