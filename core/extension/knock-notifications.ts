import { t } from '../i18n';
import { groupSessionNumber, type Knock } from '../protocol';

interface NotificationOptions {
  type: 'basic';
  iconUrl: string;
  title: string;
  message: string;
  requireInteraction?: boolean;
  buttons?: { title: string }[];
}

/** The slice of `browser.notifications` used here (structural: no browser import in core). */
export interface NotificationsApi {
  create(id: string, options: NotificationOptions): Promise<string>;
  clear(id: string): Promise<boolean>;
  onButtonClicked?: { addListener(listener: (id: string, buttonIndex: number) => void): void };
  onClicked?: { addListener(listener: (id: string) => void): void };
}

export interface KnockActions {
  admit(waitId: string): void;
  decline(waitId: string): void;
  /** Brings the panel forward (a click on the notification itself), where Admit and Decline are. */
  reveal(): void;
}

const PREFIX = 'knock:';

/**
 * A desktop notification for a customer knocking while the rep looks elsewhere, with Admit and Decline
 * buttons where the browser has them. Firefox refuses `buttons` and `requireInteraction` outright (a type
 * error, so no notification at all): then a plain one says to click it and answer in the panel.
 */
export function createKnockNotifier(api: NotificationsApi, options: { iconUrl: string }, actions: KnockActions) {
  const shown = new Set<string>();
  /** Unknown until the first notification; false once the browser refused buttons. */
  let buttons: boolean | undefined;
  api.onButtonClicked?.addListener((id, index) => {
    if (!id.startsWith(PREFIX)) return;
    const waitId = id.slice(PREFIX.length);
    if (index === 0) actions.admit(waitId);
    else actions.decline(waitId);
    void api.clear(id);
  });
  api.onClicked?.addListener((id) => {
    if (id.startsWith(PREFIX)) actions.reveal();
  });

  // The browser may throw at once (schema check) or reject: both mean "not these options".
  const create = (id: string, notification: NotificationOptions) =>
    new Promise<string>((resolve) => resolve(api.create(id, notification)));

  async function notify(knock: Knock, sessionNumber: string): Promise<void> {
    const id = PREFIX + knock.waitId;
    const words = { name: knock.name, number: groupSessionNumber(sessionNumber) };
    const plain = { type: 'basic' as const, iconUrl: options.iconUrl, title: t('knockNotificationTitle') };
    if (buttons !== false) {
      try {
        await create(id, {
          ...plain,
          message: t('knockNotificationMessage', words),
          requireInteraction: true,
          buttons: [{ title: t('admit') }, { title: t('decline') }],
        });
        buttons = true;
        return;
      } catch (error) {
        if (buttons) throw error; // buttons worked before: this is another failure
        buttons = false;
      }
    }
    await create(id, { ...plain, message: t('knockNotificationMessageNoButtons', words) });
  }

  return {
    show(knock: Knock, sessionNumber: string): void {
      shown.add(knock.waitId);
      notify(knock, sessionNumber).catch(() => undefined); // a notification is a courtesy: the panel shows the knock
    },
    /** Takes down notifications of knocks that are over (admitted in the panel, declined, expired). */
    keepOnly(waitIds: ReadonlySet<string>): void {
      for (const waitId of shown) {
        if (waitIds.has(waitId)) continue;
        shown.delete(waitId);
        void api.clear(PREFIX + waitId).catch(() => false);
      }
    },
  };
}

export type KnockNotifier = ReturnType<typeof createKnockNotifier>;
