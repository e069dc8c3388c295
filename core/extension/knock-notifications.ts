import { t } from '../i18n';
import { groupSessionNumber, type Knock } from '../protocol';

/** The slice of `browser.notifications` used here (structural: no browser import in core). */
export interface NotificationsApi {
  create(
    id: string,
    options: {
      type: 'basic';
      iconUrl: string;
      title: string;
      message: string;
      requireInteraction?: boolean;
      buttons?: { title: string }[];
    },
  ): Promise<string>;
  clear(id: string): Promise<boolean>;
  onButtonClicked?: { addListener(listener: (id: string, buttonIndex: number) => void): void };
}

export interface KnockActions {
  admit(waitId: string): void;
  decline(waitId: string): void;
}

const PREFIX = 'knock:';

/**
 * A desktop notification for a customer knocking while the rep looks elsewhere, with Admit and Decline
 * where the browser has notification buttons (Chrome; Firefox shows the text only).
 */
export function createKnockNotifier(
  api: NotificationsApi,
  options: { iconUrl: string; buttons: boolean },
  actions: KnockActions,
) {
  const shown = new Set<string>();
  api.onButtonClicked?.addListener((id, index) => {
    if (!id.startsWith(PREFIX)) return;
    const waitId = id.slice(PREFIX.length);
    if (index === 0) actions.admit(waitId);
    else actions.decline(waitId);
    void api.clear(id);
  });

  return {
    show(knock: Knock, sessionNumber: string): void {
      shown.add(knock.waitId);
      void api
        .create(PREFIX + knock.waitId, {
          type: 'basic',
          iconUrl: options.iconUrl,
          title: t('knockNotificationTitle'),
          message: t('knockNotificationMessage', { name: knock.name, number: groupSessionNumber(sessionNumber) }),
          requireInteraction: true,
          ...(options.buttons ? { buttons: [{ title: t('admit') }, { title: t('decline') }] } : {}),
        })
        .catch(() => undefined);
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
