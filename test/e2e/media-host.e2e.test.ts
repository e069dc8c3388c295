import puppeteer, { type Browser, type WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../core/extension/media-probe';
import { CHROME_PATH, EXTENSION_DIR } from './browser';

/**
 * Issue 13, point 4, checked before building on it: can an MV3 offscreen document hold the microphone
 * and WebRTC for the rep, whatever the side panel does? Chromium without --use-fake-ui-for-media-stream
 * (so permissions are real: nothing is granted until someone grants it), with fake devices.
 */
describe('the long-lived media context (spike): an offscreen document', () => {
  let browser: Browser;
  let worker: WebWorker;
  let origin: string;

  const probe = () =>
    worker.evaluate(async () => {
      const open = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] });
      if (open.length === 0) {
        await chrome.offscreen.createDocument({
          url: 'media-probe.html',
          reasons: ['USER_MEDIA' as chrome.offscreen.Reason, 'WEB_RTC' as chrome.offscreen.Reason],
          justification: 'The session’s voice and video go on while the side panel is closed.',
        });
      }
      return chrome.runtime.sendMessage({ type: 'media-probe' });
    }) as Promise<ProbeResult>;

  beforeAll(async () => {
    browser = await puppeteer.launch({
      executablePath: CHROME_PATH,
      headless: true,
      pipe: true,
      enableExtensions: [EXTENSION_DIR],
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--use-fake-device-for-media-stream'],
    });
    const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'));
    origin = `chrome-extension://${new URL(target.url()).host}`;
    worker = (await target.worker())!;
  });
  afterAll(() => browser?.close());

  it('holds WebRTC, but cannot ask for the microphone: it is refused at once until the extension has it', async () => {
    expect(await probe()).toEqual({ microphone: 'NotAllowedError', webrtc: true, audioBytes: 0 });
  });

  it('once the microphone is granted to the extension (from one of its pages in a tab), it takes it and sends audio', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/options.html`);
    const state = () =>
      page.evaluate(async () => (await navigator.permissions.query({ name: 'microphone' as PermissionName })).state);
    expect(await state()).toBe('prompt');
    // What the person's Allow in that tab does; the grant belongs to the extension's origin, every page of it.
    await browser.defaultBrowserContext().overridePermissions(origin, ['microphone']);
    expect(await state()).toBe('granted');
    const result = await probe();
    expect(result.microphone).toBe('ok');
    expect(result.webrtc).toBe(true);
    expect(result.audioBytes).toBeGreaterThan(0);
    await page.close();
  });

  it('outlives the extension’s pages: with every tab of it closed, it is still there and still works', async () => {
    const panel = await browser.newPage();
    await panel.goto(`${origin}/sidepanel.html`);
    await panel.close();
    const count = await worker.evaluate(
      async () =>
        (await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] })).length,
    );
    expect(count).toBe(1);
    expect((await probe()).audioBytes).toBeGreaterThan(0);
  });
});
