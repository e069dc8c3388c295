import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { receiveAssist } from '../core/extension/assist-handoff';
import { badgeText } from '../core/extension/badge';
import { openDashboard, type DashboardApi } from '../core/extension/dashboard';
import { createSettings } from '../core/extension/settings';
import { extensionStorage } from '../core/extension/storage-adapter';
import type { NotificationsApi } from '../core/extension/action-notifications';
import { watchOffers } from '../core/extension/offer-watch';
import { loadPreferredLocale } from '../core/i18n';

// Keeps the toolbar badge on the number of live sessions, opens the dashboard from the keyboard shortcut,
// takes colleagues' invitations from the /assist page, and keeps WebACD agents reachable (offers as
// notifications) while the panel is closed.
export default defineBackground(() => {
  const settings = createSettings(extensionStorage(browser.storage));
  const showBadge = async () => {
    await (browser.action ?? browser.browserAction).setBadgeText({ text: badgeText(await settings.liveSessions()) });
  };
  void showBadge();
  settings.onChanged((keys) => keys.includes(settings.keys.liveSessions) && void showBadge());

  browser.commands.onCommand.addListener((command, tab) => {
    if (command === 'open-dashboard') void openDashboard(browser as unknown as DashboardApi, tab?.windowId);
  });
  browser.runtime.onMessage.addListener((message, sender) =>
    receiveAssist(message, sender, { api: browser as unknown as DashboardApi, settings }),
  );
  // Started with the browser, so an agent is reachable before they open the panel.
  browser.runtime.onStartup.addListener(() => undefined);
  const iconUrl = browser.runtime.getURL('/icon/128.png');
  void loadPreferredLocale().then(() =>
    watchOffers({ settings, notifications: browser.notifications as unknown as NotificationsApi, iconUrl }),
  );
});
