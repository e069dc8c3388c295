import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { badgeText } from '../core/extension/badge';
import { openDashboard, type DashboardApi } from '../core/extension/dashboard';
import { createSettings } from '../core/extension/settings';
import { extensionStorage } from '../core/extension/storage-adapter';

// Keeps the toolbar badge on the number of live sessions, and opens the dashboard from the keyboard shortcut.
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
});
