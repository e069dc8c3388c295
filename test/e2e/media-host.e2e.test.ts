import puppeteer, { type Browser, type WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../core/extension/media-probe';
import { startBroker, type TestBroker } from '../helpers/broker';
import { clickByRole, CHROME_PATH, EXTENSION_DIR, type RepBrowser } from './browser';
import { REP } from './fixtures';
import { extensionWorker } from './pages/session-host';
import { SidePanel } from './pages/side-panel';

/**
 * Issue 13, point 4, checked before building on it: can an MV3 offscreen document hold the microphone
 * and WebRTC for the rep, whatever the side panel does? Chromium without --use-fake-ui-for-media-stream
 * (so permissions are real: nothing is granted until someone grants it), with fake devices.
 */
/** Chromium with the extension and fake devices, but real permission handling (nothing granted until granted). */
async function launchWithRealPermissions() {
  const browser = await puppeteer.launch({
    executablePath: CHROME_PATH,
    headless: true,
    pipe: true,
    enableExtensions: [EXTENSION_DIR],
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--use-fake-device-for-media-stream'],
  });
  const target = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://'));
  const origin = `chrome-extension://${new URL(target.url()).host}`;
  const rep: RepBrowser = {
    browser,
    origin,
    async openPage(file) {
      const page = await browser.newPage();
      await page.goto(`${origin}/${file}`);
      return page;
    },
    reload: async (page) => void (await page.reload()),
  };
  return { browser, origin, rep, worker: await extensionWorker(rep) };
}

describe('the long-lived media context (spike): an offscreen document', () => {
  let browser: Browser;
  let worker: WebWorker;
  let origin: string;

  /** Asks the offscreen document (made if missing; made anew when `fresh`) what it can do. */
  const probe = (fresh = false) =>
    worker.evaluate(async (anew: boolean) => {
      const contexts = () => chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] });
      if (anew && (await contexts()).length > 0) await chrome.offscreen.closeDocument();
      if ((await contexts()).length === 0) {
        await chrome.offscreen.createDocument({
          url: 'media-probe.html',
          reasons: ['USER_MEDIA' as chrome.offscreen.Reason, 'WEB_RTC' as chrome.offscreen.Reason],
          justification: 'The session’s voice and video go on while the side panel is closed.',
        });
      }
      return chrome.runtime.sendMessage({ type: 'media-probe' });
    }, fresh) as Promise<ProbeResult>;

  beforeAll(async () => {
    ({ browser, origin, worker } = await launchWithRealPermissions());
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
    // A document made after the grant has it (one made before may keep its refusal: the host is made anew).
    const result = await probe(true);
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

describe('voice without the microphone granted: listen only, and a tab that asks once', () => {
  let broker: TestBroker;
  let launched: Awaited<ReturnType<typeof launchWithRealPermissions>>;
  let panel: SidePanel;

  beforeAll(async () => {
    broker = await startBroker({ mode: 'in-process' });
    await broker.addRep({ mode: 'single', ...REP });
    launched = await launchWithRealPermissions();
    // Refused, as the real side panel is refused (it cannot prompt; the panel here is a tab, whose prompt
    // headless Chromium would leave unanswered).
    await launched.browser.defaultBrowserContext().overridePermissions(launched.origin, []);
    panel = await SidePanel.open(launched.rep);
    await panel.signIn(broker.url, REP.email, REP.password);
    await panel.startSession();
  });
  afterAll(async () => {
    await launched?.browser.close();
    await broker?.close();
  });

  it('Start voice listens only and says why; Allow the microphone opens the tab; after the grant the rep talks', async () => {
    await clickByRole(panel.page, 'button', 'Start voice');
    await panel.waitForText('Chrome does not ask for the microphone inside the side panel, so you can only listen.');
    const opened = launched.browser.waitForTarget((t) => t.url().endsWith('/permissions.html'));
    await clickByRole(panel.page, 'link', 'Allow the microphone');
    const tab = (await (await opened).asPage())!;
    // Still refused (as if the person said Block): the page says what to do.
    await clickByRole(tab, 'button', 'Allow microphone and camera');
    await tab.locator('::-p-text(The browser blocked the microphone.)').wait();
    // What the person's Allow does.
    await launched.browser.defaultBrowserContext().overridePermissions(launched.origin, ['microphone', 'camera']);
    await clickByRole(tab, 'button', 'Allow microphone and camera');
    await tab.locator('::-p-text(Done. Close this tab, then join voice in the side panel.)').wait();
    await tab.close();

    await clickByRole(panel.page, 'button', 'Leave voice');
    await clickByRole(panel.page, 'button', 'Start voice');
    await panel.page.locator('::-p-aria([name="Mute"][role="button"])').wait();
    expect(await panel.page.evaluate(() => document.body.textContent?.includes('you can only listen'))).toBe(false);
  });
});
