import { effect } from '@preact/signals-core';
import { render } from 'preact';
import '../components/styles.css';
import { AssistApp } from '../components/join/AssistApp';
import { JoinApp } from '../components/join/JoinApp';
import { createAssistPageBridge } from '../core/extension/assist-bridge';
import { getLocale, loadPreferredLocale } from '../core/i18n';
import { browserMedia } from '../core/media/browser-media';
import { whenIdle } from '../core/idle';
import { createPeerJsTransport, preloadPeerJs, transportIdentity } from '../core/mesh/peerjs-transport';
import { createAssistModel } from '../core/session/assist-model';
import { createJoinModel, preloadSession } from '../core/session/join-model';
import { createLocalChatStore } from '../core/storage/local-chat-store';

// The support site, served by the broker: same origin, so the broker is wherever this page came from.
// /assist#token is a colleague's invitation; /join#token a customer's; / (or no token) joins by number.
await loadPreferredLocale();
document.documentElement.lang = getLocale();
const brokerUrl = location.origin;
const invite = location.hash.slice(1) || undefined;
const root = document.getElementById('app')!;
if (location.pathname.replace(/\/+$/, '').endsWith('/assist')) {
  render(<AssistApp model={createAssistModel({ brokerUrl, invite, bridge: createAssistPageBridge(window) })} />, root);
} else {
  const model = createJoinModel({
    brokerUrl,
    invite,
    storage: localStorage,
    chatStore: createLocalChatStore(localStorage, {
      whenLeaving: (flush) => {
        addEventListener('pagehide', flush);
        document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && flush());
      },
    }),
    createTransport: (self) => createPeerJsTransport({ brokerUrl, ...transportIdentity(self) }),
    preloadTransport: preloadPeerJs,
    media: browserMedia(),
  });
  render(<JoinApp model={model} />, root);
  // Fetch PeerJS in the background once the form is up (not while the link is still being checked, so the
  // form's own bytes come first) and the page is idle, so Join never waits for its download.
  const stopWatching = effect(() => {
    if (model.phase.value.name === 'loading') return;
    whenIdle(() => (preloadPeerJs(), preloadSession()));
    queueMicrotask(() => stopWatching());
  });
}
