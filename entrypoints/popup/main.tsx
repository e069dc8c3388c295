import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../components/styles.css';
import { PopupApp } from '../../components/popup/PopupApp';
import { extensionStorage } from '../../core/extension/storage-adapter';
import { createSettings } from '../../core/extension/settings';
import { openDashboard, type DashboardApi } from '../../core/extension/dashboard';

const settings = createSettings(extensionStorage(browser.storage));
// Known before the click, so opening the panel happens within the click's user gesture.
const windowId = (await browser.windows.getCurrent()).id;
render(
  <PopupApp
    auth={await settings.auth()}
    onOpenDashboard={async () => {
      await openDashboard(browser as unknown as DashboardApi, windowId);
      window.close();
    }}
    onOpenOptions={() => void browser.runtime.openOptionsPage()}
  />,
  document.getElementById('app')!,
);
