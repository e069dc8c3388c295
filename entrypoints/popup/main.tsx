import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../components/styles.css';
import { PopupApp } from '../../components/popup/PopupApp';
import { createBrokerClient } from '../../core/broker/client';
import { extensionStorage } from '../../core/extension/storage-adapter';
import { createSettings, DEFAULT_BROKER_URL } from '../../core/extension/settings';
import { openDashboard, type DashboardApi } from '../../core/extension/dashboard';
import { loadPreferredLocale } from '../../core/i18n';

const settings = createSettings(extensionStorage(browser.storage));
// Known before the click, so opening the panel happens within the click's user gesture.
const windowId = (await browser.windows.getCurrent()).id;
const [, auth, currentSession, withMailProgram] = await Promise.all([
  loadPreferredLocale(),
  settings.auth(),
  settings.currentSession(),
  settings.inviteWithMailProgram(),
]);
const broker = createBrokerClient({ baseUrl: auth?.brokerUrl ?? DEFAULT_BROKER_URL, getToken: () => auth?.token });
const openPanel = () => openDashboard(browser as unknown as DashboardApi, windowId);
render(
  <PopupApp
    auth={auth}
    currentSession={currentSession}
    capabilities={broker.capabilities}
    withMailProgram={withMailProgram}
    onWithMailProgram={(on) => void settings.setInviteWithMailProgram(on)}
    invite={(request) => broker.createInvite(currentSession?.id ?? '', request)}
    onOpenDashboard={() => void openPanel().then(() => window.close())}
    onAssist={(number) => {
      // The panel opens within the click; it joins as soon as it sees the pending number.
      const opened = openPanel();
      void Promise.all([opened, settings.setPendingAssist({ kind: 'number', number })]).then(() => window.close());
    }}
    onOpenOptions={() => void browser.runtime.openOptionsPage()}
  />,
  document.getElementById('app')!,
);
