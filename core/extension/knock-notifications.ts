import { t } from '../i18n';
import { groupSessionNumber, type Knock } from '../protocol';
import { createActionNotifier, type NotificationsApi } from './action-notifications';

export type { NotificationsApi } from './action-notifications';

export interface KnockActions {
  admit(waitId: string): void;
  decline(waitId: string): void;
  /** Brings the panel forward (a click on the notification itself), where Admit and Decline are. */
  reveal(): void;
}

/** A desktop notification for a customer knocking while the rep looks elsewhere, with Admit and Decline. */
export function createKnockNotifier(api: NotificationsApi, options: { iconUrl: string }, actions: KnockActions) {
  const notifier = createActionNotifier(
    api,
    { iconUrl: options.iconUrl, prefix: 'knock:' },
    {
      answer: (waitId, index) => (index === 0 ? actions.admit(waitId) : actions.decline(waitId)),
      reveal: actions.reveal,
    },
  );
  return {
    show(knock: Knock, sessionNumber: string): void {
      const words = { name: knock.name, number: groupSessionNumber(sessionNumber) };
      notifier.show(knock.waitId, {
        title: t('knockNotificationTitle'),
        message: t('knockNotificationMessage', words),
        buttons: [t('admit'), t('decline')],
        messageWithoutButtons: t('knockNotificationMessageNoButtons', words),
      });
    },
    keepOnly: notifier.keepOnly,
  };
}

export type KnockNotifier = ReturnType<typeof createKnockNotifier>;
