import type { Page, WebWorker } from 'puppeteer-core';
import { SESSION_HOST_DOCUMENT } from '../../../core/extension/session-host-document';
import { observe, type RepBrowser } from '../browser';

/** The extension's service worker, once the extension's APIs are bound to it (a moment after it starts). */
export async function extensionWorker(rep: RepBrowser): Promise<WebWorker> {
  const target = await rep.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(rep.origin));
  const worker = (await target.worker())!;
  while (!(await worker.evaluate(() => typeof chrome !== 'undefined' && chrome.offscreen !== undefined))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return worker;
}

/**
 * The rep's session host (Chrome's offscreen document) as a page: where the rep's peer connections,
 * microphone and voice live. Made now if it is not there (as the panel would), so `init` (e.g. the
 * peer-connection tracker) runs before any session opens in it; it runs once per document.
 */
export async function sessionHostPage(rep: RepBrowser, init?: string): Promise<Page> {
  const url = `${rep.origin}/${SESSION_HOST_DOCUMENT.url}`;
  const worker = await extensionWorker(rep);
  await worker.evaluate(
    async (options, address) => {
      const found = await chrome.runtime.getContexts({
        contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType],
        documentUrls: [address],
      });
      if (found.length === 0) await chrome.offscreen.createDocument(options as chrome.offscreen.CreateParameters);
    },
    SESSION_HOST_DOCUMENT,
    url,
  );
  const page = observe((await (await rep.browser.waitForTarget((t) => t.url() === url)).asPage())!, 'host');
  if (init) await page.evaluate(`if (!window.__hostInit) { window.__hostInit = true; ${init} }`);
  return page;
}

/** Closes the session host (as Chrome would on an extension update): every session at it ends here. */
export async function closeSessionHost(rep: RepBrowser): Promise<void> {
  const worker = await extensionWorker(rep);
  await worker.evaluate(() => chrome.offscreen.closeDocument());
}
