import { t } from '../core/i18n';
import type { TransferTarget } from '../core/protocol';
import type { TimelineItem } from '../core/session/timeline';

type PresenceItem = Extract<TimelineItem, { name: string }>;
const presenceText: Record<PresenceItem['kind'], (item: PresenceItem) => string> = {
  joined: (item) => t(item.role === 'assistant' ? 'timelineAssistantJoined' : 'timelineJoined', { name: item.name }),
  left: (item) => t('timelineLeft', { name: item.name }),
  removed: (item) => t('timelineRemoved', { name: item.name }),
  timeout: (item) => t('timelineTimedOut', { name: item.name }),
  ended: () => '',
};

/** Where a transfer goes, in words: the queue, or the agents (customers: "another representative"). */
export function transferTargetText(target: TransferTarget, forCustomer: boolean): string {
  if (target.queue !== null) return target.queue;
  return forCustomer || target.agents.length === 0 ? t('transferTargetColleague') : target.agents.join(', ');
}

/** One timeline line, in the words meant for a rep or for a customer. */
export function timelineText(item: TimelineItem, forCustomer: boolean): string {
  switch (item.kind) {
    case 'control':
      return t('timelineControlPassed', { from: item.from, to: item.to });
    case 'transfer-started':
      return t(forCustomer ? 'timelineTransferStartedCustomer' : 'timelineTransferStarted', {
        name: item.from,
        target: transferTargetText(item.target, forCustomer),
      });
    case 'transfer-ended':
      if (item.outcome === 'accepted') return t(forCustomer ? 'timelineNowHelpingYou' : 'timelineTookOver', { name: item.to });
      return t(forCustomer ? 'timelineBackHelpingYou' : 'timelineTransferCancelled', { name: item.to });
    default:
      return presenceText[item.kind](item);
  }
}
