import { browser } from 'wxt/browser';
import { isProbeRequest, probeMedia } from '../../core/extension/media-probe';

// Issue 13's spike: can a long-lived extension context (Chrome: this page as an offscreen document) hold
// the microphone and WebRTC? Answers a probe request with what it found (docs/architecture.md has results).
browser.runtime.onMessage.addListener((message: unknown) => (isProbeRequest(message) ? probeMedia(navigator) : undefined));
