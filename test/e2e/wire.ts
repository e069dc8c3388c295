import type { Page } from 'puppeteer-core';

/**
 * Installed before a page's own scripts: records every message that arrives on any RTCDataChannel of the
 * page, as text, so a test can prove what reached a browser over the wire — not just what it rendered.
 */
export const WIRE_RECORDER = `(() => {
  const received = (window.__wire = []);
  const decoder = new TextDecoder();
  const watched = new WeakSet();
  const add = RTCDataChannel.prototype.addEventListener;
  RTCDataChannel.prototype.addEventListener = function (type, listener, options) {
    if (type === 'message' && !watched.has(this)) {
      watched.add(this);
      add.call(this, 'message', (e) => received.push(typeof e.data === 'string' ? e.data : decoder.decode(e.data)));
    }
    return add.call(this, type, listener, options);
  };
})();`;

/** Everything the page's data channels received so far, as text. */
export function wireText(page: Page): Promise<string> {
  return page.evaluate(() => ((window as unknown as { __wire: string[] }).__wire ?? []).join('\n'));
}
