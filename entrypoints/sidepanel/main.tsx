import { render } from 'preact';
import { browser } from 'wxt/browser';
import '../../components/styles.css';
import { SidePanelApp } from '../../components/panel/SidePanelApp';
import { revealThisPage, type RevealApi } from '../../core/extension/dashboard';
import { createKnockNotifier, type NotificationsApi } from '../../core/extension/knock-notifications';
import { allPictures, publishScreens, viewerPath } from '../../core/extension/screen-handoff';
import { extensionStorage } from '../../core/extension/storage-adapter';
import { connectSessionHost } from '../../core/extension/session-host-document';
import { createSettings, DEFAULT_BROKER_URL } from '../../core/extension/settings';
import { getLocale, loadPreferredLocale } from '../../core/i18n';
import { repMedia } from '../../core/media/browser-media';
import { createPeerJsTransport, transportIdentity } from '../../core/mesh/peerjs-transport';
import { createRepModel } from '../../core/session/rep-model';
import { SupportDb } from '../../core/storage/db';
import { extensionStores } from '../../core/storage/extension-stores';

// The rep's dashboard, a view of the sessions: on Chrome they run in the session host (docs/architecture.md).
await loadPreferredLocale();
document.documentElement.lang = getLocale();
const db = new SupportDb();
const settings = createSettings(extensionStorage(browser.storage));
const host = connectSessionHost(globalThis as Parameters<typeof connectSessionHost>[0]);
const model = createRepModel({
  ...(host ? { host } : {}),
  settings,
  db,
  ...extensionStores(db, navigator.storage),
  createTransport: (brokerUrl, self) => createPeerJsTransport({ brokerUrl, ...transportIdentity(self) }),
  media: repMedia(),
});
publishScreens(window, () => allPictures(model.runtime.value));
const openScreenInTab = (participantId: string, title: string) =>
  void browser.tabs.create({ url: browser.runtime.getURL(viewerPath(participantId, title)) });
const knockOwner = (waitId: string) => model.sessions.value.find((r) => r.knocks.value.some((k) => k.waitId === waitId));
const knockNotifier = createKnockNotifier(
  browser.notifications as unknown as NotificationsApi,
  { iconUrl: browser.runtime.getURL('/icon/128.png') },
  {
    admit: (id) => void knockOwner(id)?.admit(id),
    decline: (id) => void knockOwner(id)?.decline(id),
    reveal: () => void revealThisPage(browser as unknown as RevealApi).catch(() => undefined),
  },
);
const brokerUrl = await settings.brokerUrl().catch(() => DEFAULT_BROKER_URL);
render(
  <SidePanelApp model={model} defaultBrokerUrl={brokerUrl} onOpenScreenInTab={openScreenInTab} knockNotifier={knockNotifier} />,
  document.getElementById('app')!,
);
