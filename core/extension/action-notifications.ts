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

/** One notification: its text, two answers, and the text to use where the browser refuses buttons. */
export interface ActionNotification {
  title: string;
  message: string;
  /** e.g. [Admit, Decline]; the first is the yes. */
  buttons: readonly [string, string];
  /** Said instead where there are no buttons (Firefox): click it and answer in the panel. */
  messageWithoutButtons: string;
}

export interface NotificationActions {
  /** A button was clicked: 0 the first, 1 the second. */
  answer(key: string, buttonIndex: number): void;
  /** The notification itself was clicked. */
  reveal(): void;
}

/**
 * Desktop notifications that ask something with two buttons (Admit/Decline a knock, Accept/Decline a
 * session offer), one per key, under a prefix so several kinds share the browser's one listener list.
 * Firefox refuses `buttons` and `requireInteraction` outright (a type error, so no notification at all):
 * then a plain one says to click it and answer in the panel.
 */
export function createActionNotifier(
  api: NotificationsApi,
  options: { iconUrl: string; prefix: string },
  actions: NotificationActions,
) {
  const { prefix } = options;
  const shown = new Set<string>();
  /** Unknown until the first notification; false once the browser refused buttons. */
  let buttons: boolean | undefined;
  api.onButtonClicked?.addListener((id, index) => {
    if (!id.startsWith(prefix)) return;
    actions.answer(id.slice(prefix.length), index);
    void api.clear(id);
  });
  api.onClicked?.addListener((id) => {
    if (id.startsWith(prefix)) actions.reveal();
  });

  // The browser may throw at once (schema check) or reject: both mean "not these options".
  const create = (id: string, notification: NotificationOptions) =>
    new Promise<string>((resolve) => resolve(api.create(id, notification)));

  async function notify(key: string, n: ActionNotification): Promise<void> {
    const id = prefix + key;
    const plain = { type: 'basic' as const, iconUrl: options.iconUrl, title: n.title };
    if (buttons !== false) {
      try {
        await create(id, {
          ...plain,
          message: n.message,
          requireInteraction: true,
          buttons: n.buttons.map((title) => ({ title })),
        });
        buttons = true;
        return;
      } catch (error) {
        if (buttons) throw error; // buttons worked before: this is another failure
        buttons = false;
      }
    }
    await create(id, { ...plain, message: n.messageWithoutButtons });
  }

  return {
    show(key: string, notification: ActionNotification): void {
      shown.add(key);
      notify(key, notification).catch(() => undefined); // a notification is a courtesy: the panel shows it too
    },
    /** Takes down notifications whose question is over (answered in the panel, taken by someone else…). */
    keepOnly(keys: ReadonlySet<string>): void {
      for (const key of shown) {
        if (keys.has(key)) continue;
        shown.delete(key);
        void api.clear(prefix + key).catch(() => false);
      }
    },
  };
}

export type ActionNotifier = ReturnType<typeof createActionNotifier>;
