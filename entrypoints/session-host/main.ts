import { createSessionHost } from '../../core/host/session-host';
import { playVoice } from '../../core/host/voice-player';
import { HOST_CHANNEL } from '../../core/host/wire';
import { loadPreferredLocale } from '../../core/i18n';
import { repMedia } from '../../core/media/browser-media';
import { createPeerJsTransport, transportIdentity } from '../../core/mesh/peerjs-transport';
import { SupportDb } from '../../core/storage/db';
import { extensionStores } from '../../core/storage/extension-stores';

// The rep's sessions live here (Chrome: an offscreen document the side panel makes), so closing or
// reloading the panel cuts no call, share or chat; the panel is a view (docs/architecture.md, "Session host").
const db = new SupportDb();
createSessionHost({
  channel: new BroadcastChannel(HOST_CHANNEL),
  ...extensionStores(db, navigator.storage),
  createTransport: (brokerUrl, self) => createPeerJsTransport({ brokerUrl, ...transportIdentity(self) }),
  media: repMedia(),
  playVoice: (runtime) => playVoice(document, runtime),
});
await loadPreferredLocale();
