import { t, type MessageKey } from '../i18n';
import { BrokerError } from './errors';

/** Who reads the message: a rep in the extension, or a customer on the join page. */
export type Audience = 'rep' | 'customer';

/** What the person was doing: the same refusal means different things (and next steps) per action. */
export type ErrorAction =
  'sign-in' | 'assist-by-number' | 'assist-by-invite' | 'join' | 'join-by-number' | 'start' | 'take-offer' | 'transfer' | 'other';

export interface ErrorTextOptions {
  audience: Audience;
  action?: ErrorAction;
  /** The broker's address, for "cannot reach" (reps only: customers never typed it). */
  brokerUrl?: string;
}

type Words = (error: BrokerError) => string;

/** "in 40 seconds", "in 3 minutes", in the reader's language; rounded up. */
export function inWords(seconds: number): string {
  if (seconds < 120) return t('inSeconds', { count: Math.max(1, Math.ceil(seconds)) });
  const minutes = Math.ceil(seconds / 60);
  return minutes < 120 ? t('inMinutes', { count: minutes }) : t('inHours', { count: Math.ceil(seconds / 3600) });
}

const said =
  (key: MessageKey): Words =>
  () =>
    t(key);

/** By action first (the same code reads differently there), then by code, each for its audience. */
const byAction: Partial<Record<ErrorAction, Partial<Record<string, Words>>>> = {
  'sign-in': { unauthorized: said('errSignIn') },
  'assist-by-number': { not_found: said('errNoSessionRep') },
  'join-by-number': { not_found: said('errNoSessionCustomer') },
  // WebACD: taking an offered session, or handing one over.
  'take-offer': {
    conflict: said('errOfferGone'),
    not_found: said('errOfferGone'),
    single_session: said('errAtMaximum'),
  },
  transfer: { conflict: said('errTransferConflict'), not_found: said('errTransferTargetGone') },
  'assist-by-invite': {
    invite_not_found: said('errColleagueInviteInvalid'),
    invite_expired: said('errColleagueInviteInvalid'),
  },
};

const byCode: Record<Audience, Partial<Record<string, Words>>> = {
  rep: {
    unauthorized: said('signInEnded'),
    forbidden: said('errForbiddenRep'),
    not_found: said('errNotFound'),
    session_ended: said('errSessionEnded'),
    single_session: said('errSingleSession'),
    too_large: said('errTooLarge'),
    mail_failed: said('errMailFailed'),
    bad_response: said('errBadResponse'),
  },
  customer: {
    unauthorized: said('errPlaceEnded'),
    forbidden: said('errForbiddenCustomer'),
    not_found: said('errNotFound'),
    session_ended: said('errSessionEnded'),
    session_full: said('errSessionFull'),
    invite_not_found: said('inviteInvalid'),
    invite_expired: said('inviteExpired'),
    wait_expired: said('waitExpiredTitle'),
    too_large: said('errTooLarge'),
    bad_response: said('errBadResponse'),
  },
};

/**
 * A failure in words for the person who reads it, in their language (issue 17): the broker's codes are
 * worded here, from the catalog, for a rep or a customer and for what they were doing. Only refusals
 * the catalog has no words for (a specific validation message) keep the broker's own English text.
 */
export function errorText(error: unknown, options: ErrorTextOptions): string {
  if (!(error instanceof BrokerError)) return error instanceof Error ? error.message : String(error);
  if (error.code === 'network') {
    return options.audience === 'rep' && options.brokerUrl
      ? t('brokerUnreachable', { url: options.brokerUrl })
      : t('errNetworkCustomer');
  }
  if (error.code === 'rate_limited') {
    const when = error.retryAfterSeconds === undefined ? t('inAMinute') : inWords(error.retryAfterSeconds);
    const key: MessageKey =
      options.action === 'join-by-number'
        ? 'errRateLimitedJoin'
        : options.action === 'sign-in'
          ? 'errRateLimitedSignIn'
          : 'errRateLimited';
    return t(key, { when });
  }
  const words = byAction[options.action ?? 'other']?.[error.code] ?? byCode[options.audience][error.code];
  return words ? words(error) : error.message;
}
