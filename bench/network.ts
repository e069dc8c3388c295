import type { Page } from 'puppeteer-core';

/** Issue 15's slow mobile link: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip (Chrome's "Slow 4G"-like). */
export const SLOW_MOBILE = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};

export interface Wire {
  /**
   * Bytes received so far (headers and bodies as encoded on the wire), for the requests that finished;
   * `except` leaves out requests whose URL matches (e.g. what the page fetches in the background).
   */
  bytes(except?: RegExp): number;
}

/**
 * Counts what the page actually receives, as Chromium's network stack saw it (CDP encodedDataLength:
 * compressed bodies plus headers), optionally under a throttled link. Call before the page navigates.
 */
export async function watchWire(page: Page, conditions?: typeof SLOW_MOBILE): Promise<Wire> {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (conditions) await cdp.send('Network.emulateNetworkConditions', conditions);
  const urls = new Map<string, string>();
  const finished: { url: string; bytes: number }[] = [];
  cdp.on('Network.requestWillBeSent', (event) => void urls.set(event.requestId, event.request.url));
  cdp.on('Network.loadingFinished', (event) =>
    finished.push({ url: urls.get(event.requestId) ?? '', bytes: event.encodedDataLength }),
  );
  return {
    bytes: (except) => finished.reduce((sum, r) => (except?.test(r.url) ? sum : sum + r.bytes), 0),
  };
}
