import { render } from 'preact';
import '../components/styles.css';
import { JoinApp } from '../components/join/JoinApp';
import { getLocale } from '../core/i18n';
import { createPeerJsTransport, preloadPeerJs } from '../core/mesh/peerjs-transport';
import { createJoinModel } from '../core/session/join-model';
import { createLocalChatStore } from '../core/storage/local-chat-store';

// The customer's page, served by the broker: same origin, so the broker is wherever this page came from.
document.documentElement.lang = getLocale();
const brokerUrl = location.origin;
const model = createJoinModel({
  brokerUrl,
  invite: location.hash.slice(1) || undefined,
  storage: localStorage,
  chatStore: createLocalChatStore(localStorage),
  createTransport: (self) =>
    createPeerJsTransport({ brokerUrl, peerId: self.peerId, peerToken: self.peerToken, iceServers: self.iceServers }),
  preloadTransport: preloadPeerJs,
  getDisplayMedia: () => navigator.mediaDevices.getDisplayMedia({ video: true, audio: false }),
});
render(<JoinApp model={model} />, document.getElementById('app')!);
