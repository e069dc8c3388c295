import { t, type MessageKey } from '../core/i18n';
import type { ActivityNotice } from '../core/session/runtime';

/** How each activity is called when it stops; new activities add their name here. */
const activityNames: Record<string, MessageKey> = {
  'screen-share': 'activityScreenShare',
  'rep-screen-share': 'activityRepScreenShare',
  video: 'activityVideo',
  recording: 'activityRecording',
  files: 'activityFiles',
};

const SCREEN_SHARES = new Set(['screen-share', 'rep-screen-share']);

const listOf = (names: readonly string[]) =>
  names.map((name) => (activityNames[name] ? t(activityNames[name]) : name)).join(', ');

/**
 * What a person reads after activities stopped or became possible: why they stopped (another customer is
 * helped now; control passed to someone), in the words meant for a rep or for a customer.
 */
export function activityNoticeText(notice: ActivityNotice, nameOf: (id: string) => string, forCustomer: boolean): string {
  if (notice.kind === 'your-turn') return t('shareYourTurn');
  const { reason } = notice;
  if (reason.kind === 'transfer') return t('stoppedForTransfer', { activities: listOf(notice.activities) });
  if (reason.kind === 'control')
    return t('stoppedForControl', { activities: listOf(notice.activities), name: nameOf(reason.to) });
  const name = nameOf(reason.activeCustomerId ?? '');
  // Screen sharing alone (the customer's or a rep's) keeps its own words; anything else (a file transfer) is named.
  if (notice.activities.some((a) => !SCREEN_SHARES.has(a))) {
    const activities = listOf(notice.activities);
    return forCustomer ? t('stoppedForSwitchCustomer', { activities }) : t('stoppedForSwitch', { activities, name });
  }
  if (forCustomer) return t('shareStoppedForSwitchCustomer');
  return t('shareStoppedForSwitch', { name });
}
