import { createHostClient, type HostClient } from '../host/host-client';
import { HOST_CHANNEL } from '../host/wire';

/** The parts of Chrome's extension API that make the session host's offscreen document. */
export interface OffscreenApi {
  runtime: {
    getURL(path: string): string;
    getContexts(filter: { contextTypes: string[]; documentUrls?: string[] }): Promise<unknown[]>;
  };
  offscreen: {
    createDocument(options: { url: string; reasons: string[]; justification: string }): Promise<void>;
    closeDocument(): Promise<void>;
  };
}

/**
 * The offscreen document: WebRTC for the calls, user and display media for voice, cameras and the rep's
 * screen. Not AUDIO_PLAYBACK, though it plays voice: that reason lets Chrome close a document that has
 * played nothing for 30 s, which would end a session without voice.
 */
export const SESSION_HOST_DOCUMENT = {
  url: 'session-host.html',
  reasons: ['WEB_RTC', 'USER_MEDIA', 'DISPLAY_MEDIA'],
  justification: 'Voice, video, screen sharing and chat of support sessions go on while the side panel is closed.',
};

let making: Promise<void> | undefined;

/**
 * Makes the offscreen document the rep's sessions live in, unless it is there. Chrome allows one per
 * extension: another (issue 13's probe) gives way; two panels asking at once make one.
 */
export function ensureSessionHostDocument(api: OffscreenApi): Promise<void> {
  making ??= (async () => {
    const url = api.runtime.getURL(`/${SESSION_HOST_DOCUMENT.url}`);
    const ours = () => api.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'], documentUrls: [url] });
    if ((await ours()).length > 0) return;
    if ((await api.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'] })).length > 0) await api.offscreen.closeDocument();
    try {
      await api.offscreen.createDocument(SESSION_HOST_DOCUMENT);
    } catch (error) {
      // Another panel made it a moment ago.
      if ((await ours()).length === 0) throw error;
    }
  })().finally(() => (making = undefined));
  return making;
}

/**
 * The side panel's way to its sessions on Chrome: through the session host, made when first needed.
 * Undefined where there is no offscreen API (Firefox's sidebar keeps its sessions in itself).
 */
export function connectSessionHost(scope: { chrome?: Partial<OffscreenApi> }): HostClient | undefined {
  const api = scope.chrome;
  if (!api?.offscreen || !api.runtime) return undefined;
  // A host that stops answering took its sessions with it: the panel starts again, and with it a new host.
  return createHostClient(new BroadcastChannel(HOST_CHANNEL), () => ensureSessionHostDocument(api as OffscreenApi), {
    onLost: () => globalThis.location?.reload(),
  });
}
