import { t } from '../i18n';
import { groupSessionNumber, type InviteRole } from '../protocol';

/**
 * The invitation as text for any instant messenger: the link, and the session number as a fallback
 * (customers type it on the support site, colleagues into "Assist in a session").
 */
export function invitationText(options: { role: InviteRole; url: string; number: string; siteUrl?: string }): string {
  const number = groupSessionNumber(options.number);
  if (options.role === 'rep') return t('imInviteRep', { url: options.url, number });
  return options.siteUrl
    ? t('imInviteCustomer', { url: options.url, number, site: options.siteUrl })
    : t('imInviteCustomerNoSite', { url: options.url, number });
}
