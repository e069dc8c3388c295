import type { Page } from 'puppeteer-core';

/**
 * Timestamps taken inside a page, so a measurement is not blurred by the automation's polling. Installed
 * before the page's own scripts (evaluateOnNewDocument), the same in our pages and in the bare-PeerJS
 * baseline pages. Times are epoch milliseconds, anchored to the system clock once per page (±1 ms) and
 * stepped by performance.now(), so they compare across the two browsers on this machine.
 *
 * - `clicks`: every button click (capture phase), with the button's name.
 * - `channels`: every RTCDataChannel that opens (the RTCPeerConnection class is wrapped to see them).
 * - `frames`: the first frame each <video> presents (requestVideoFrameCallback).
 * - `audio`: when each connection receiving audio first has audio bytes in (getStats' inbound-rtp,
 *   read every 5 ms from the moment its track arrives).
 * - `appear[key]`: the first moment one of a few fixed conditions held (a plain table, not eval: extension
 *   pages forbid it).
 * - `texts[token]` / `acked[token]`: when a chat line with "bench-<token>" appeared, and when (on the
 *   sender's side) it stopped saying it was being sent.
 * - `binary[label]`: binary (non-string) bytes each data channel sent and received, with the first send and
 *   the first and last arrival (the files benchmark's throughput, the same for our channels and raw ones).
 *
 * A string, not a function: tsx's esbuild would inject helpers that do not exist in the page.
 */
export const INSTRUMENT = String.raw`(() => {
  if (window.__bench) return;
  // Anchored to the system clock (Date.now), which both browsers share; performance.timeOrigin is not
  // (it was seen 10 ms apart between two Chromiums). performance.now() gives the sub-millisecond steps.
  const offset = Date.now() - performance.now();
  const now = () => offset + performance.now();
  const marks = { origin: offset, clicks: [], channels: [], sockets: [], frames: [], audio: [], appear: {}, texts: {}, acked: {}, binary: {} };
  window.__bench = marks;
  window.__benchNow = now;
  document.addEventListener('click', (e) => {
    const button = e.target instanceof Element ? e.target.closest('button') : null;
    if (button) marks.clicks.push({ name: (button.textContent || '').trim(), at: now() });
  }, true);

  const Native = window.RTCPeerConnection;
  const binaryOf = (dc) => (marks.binary[dc.label] ??= { sent: 0, received: 0, firstSent: 0, firstReceived: 0, lastReceived: 0 });
  const watchChannel = (dc) => {
    dc.addEventListener('open', () => marks.channels.push({ label: dc.label, at: now() }));
    dc.addEventListener('message', (e) => {
      if (typeof e.data === 'string') return;
      const entry = binaryOf(dc);
      const at = now();
      entry.received += e.data.byteLength ?? e.data.size;
      entry.firstReceived ||= at;
      entry.lastReceived = at;
    });
  };
  // Channels made before this ran (the session host's) count their sends too: the prototype is shared.
  if (window.RTCDataChannel) {
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (data) {
      if (typeof data !== 'string') {
        const entry = binaryOf(this);
        entry.sent += data.byteLength ?? data.size;
        entry.firstSent ||= now();
      }
      return send.call(this, data);
    };
  }
  const watchAudio = (pc) => {
    const poll = async () => {
      if (pc.connectionState === 'closed') return;
      let heard = false;
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio' && r.bytesReceived > 0) heard = true;
      });
      if (heard) marks.audio.push({ at: now() });
      else setTimeout(poll, 5);
    };
    void poll();
  };
  if (Native) {
    window.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('datachannel', (e) => watchChannel(e.channel));
        this.addEventListener('track', (e) => e.track.kind === 'audio' && watchAudio(this));
      }
      createDataChannel(...args) {
        const dc = super.createDataChannel(...args);
        watchChannel(dc);
        return dc;
      }
    };
  }

  // WebSockets too (PeerServer, events), for reading a join's waterfall when a figure needs explaining.
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      const entry = { path: new URL(this.url).pathname, created: now(), opened: 0 };
      marks.sockets.push(entry);
      this.addEventListener('open', () => (entry.opened = now()), { once: true });
    }
  };

  const button = (name) => [...document.querySelectorAll('button')].find((b) => !b.disabled && (b.textContent || '').trim() === name);
  const conditions = {
    'session-number': () => !!document.querySelector('[data-testid="session-number"]'),
    'name-field': () => !!document.querySelector('#name'),
    'start-button': () => !!button('Start session'),
    'open-dashboard': () => !!button('Open dashboard'),
    'share-button': () => !!button('Share screen'),
    'voice-on': () => !!button('Leave voice'),
    linked: () => document.querySelectorAll('.participants .dot.connected').length >= 2,
    // Someone in the participant list is shown as gone (offline, or left once the grace ran out).
    'someone-offline': () => !!document.querySelector('.participants .dot.offline, .participants .dot.left'),
  };
  const videos = new WeakSet();
  const waiters = [];
  const pending = /sending/;
  const scanChat = () => {
    const items = document.querySelectorAll('.chat-log li');
    for (let i = Math.max(0, items.length - 3); i < items.length; i++) {
      const li = items[i];
      const token = /bench-([\w-]+)/.exec(li.textContent || '')?.[1];
      if (!token) continue;
      marks.texts[token] ??= now();
      if (li.classList.contains('mine') && !pending.test(li.textContent || '')) marks.acked[token] ??= now();
    }
  };
  const check = () => {
    for (const [key, holds] of Object.entries(conditions)) if (!(key in marks.appear) && holds()) marks.appear[key] = now();
    for (const video of document.querySelectorAll('video')) {
      if (videos.has(video) || !video.requestVideoFrameCallback) continue;
      videos.add(video);
      video.requestVideoFrameCallback((t) => marks.frames.push({ at: offset + t }));
    }
    scanChat();
    for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i].done()) waiters.splice(i, 1)[0].resolve();
  };
  /** Resolves once the sender's chat line "bench-<token>" is acknowledged. */
  window.__benchAcked = (token) => new Promise((resolve) => {
    waiters.push({ done: () => token in marks.acked, resolve });
    check();
  });
  /** Forget the given marks, to time them again in the same page. */
  window.__benchReset = () => {
    marks.clicks.length = 0;
    marks.channels.length = 0;
    marks.sockets.length = 0;
    marks.frames.length = 0;
    marks.audio.length = 0;
    marks.appear = {};
    marks.binary = {};
  };
  const start = () => {
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    check();
  };
  if (document.documentElement) start();
  else document.addEventListener('readystatechange', start, { once: true });
})();`;

export interface BinaryMark {
  sent: number;
  received: number;
  firstSent: number;
  firstReceived: number;
  lastReceived: number;
}

export interface Marks {
  clicks: { name: string; at: number }[];
  channels: { label: string; at: number }[];
  sockets: { path: string; created: number; opened: number }[];
  frames: { at: number }[];
  /** When each connection receiving audio first had audio bytes in. */
  audio: { at: number }[];
  appear: Record<string, number>;
  texts: Record<string, number>;
  acked: Record<string, number>;
  /** Binary bytes per data channel label: sent (with the first send) and received (first and last arrival). */
  binary: Record<string, BinaryMark>;
  /** The page's navigation start (its performance.now() zero), epoch ms. */
  origin: number;
}

export function readMarks(page: Page): Promise<Marks> {
  return page.evaluate('window.__bench') as Promise<Marks>;
}

export async function resetMarks(page: Page): Promise<void> {
  await page.evaluate('window.__benchReset()');
}

/** Polls (50 ms) until `test` holds for the page's marks; returns them. Only the wait polls, not the timing. */
export async function waitForMarks(page: Page, test: (marks: Marks) => boolean): Promise<Marks> {
  for (;;) {
    const marks = await readMarks(page);
    if (test(marks)) return marks;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** When the button named `name` was last clicked. */
export function clickedAt(marks: Marks, name: string): number {
  const click = marks.clicks.findLast((c) => c.name === name);
  if (!click) throw new Error(`No click on "${name}" was seen`);
  return click.at;
}

/** When the first PeerJS data channel opened (PeerJS labels them dc_…). */
export const firstPeerChannel = (marks: Marks) => marks.channels.find((c) => c.label.startsWith('dc_'))?.at;
