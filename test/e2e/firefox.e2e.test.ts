import type { Page } from 'puppeteer-core';
import { postJson } from '../../bench/api';
import type { CreateSessionResponse } from '../../core/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, waitForText, waitUntil, type RepBrowser } from './browser';
import { launchFirefox } from './firefox';
import { createWorld, REP, type World } from './fixtures';
import { openPopup } from './pages/extension';
import { recordings, saveRecording } from './pages/recordings';
import { scanWebm } from '../../core/recording/webm-scan';
import { pickFiles, removeTempFiles, setFiles, transferBetween } from './pages/files';
import { JoinPage } from './pages/join-page';
import { waitForLiveVideo } from './pages/video';
import { TRACK_PEER_CONNECTIONS, waitForAudioFrom } from './pages/webrtc-stats';
import { startXvfb, type VirtualDisplay } from './xvfb';

/**
 * Closes the sidebar as a person would, with a click: Firefox lets sidebarAction.close() run only in a
 * user input handler, so a button for it goes into an extension page and gets clicked.
 */
async function closeSidebar(page: Page): Promise<void> {
  await page.evaluate(() => {
    const button = document.body.appendChild(document.createElement('button'));
    button.textContent = 'Close the sidebar';
    const api = (globalThis as unknown as { browser: { sidebarAction: { close(): Promise<void> } } }).browser;
    button.addEventListener('click', () => void api.sidebarAction.close().finally(() => button.remove()));
  });
  await clickByRole(page, 'button', 'Close the sidebar');
}

const linked = () => document.querySelectorAll('.participants .dot.connected').length === 2;
const MB = 1024 * 1024;

afterEach(removeTempFiles);

/** The Firefox tier: one Firefox ESR (on a virtual display, so it can share a screen) serves every world here. */
describe('Firefox', () => {
  let display: VirtualDisplay;
  let firefox: RepBrowser;
  beforeAll(async () => {
    display = await startXvfb();
    firefox = await launchFirefox({ display: display.display });
  });
  afterAll(async () => {
    await firefox?.browser.close();
    await display?.close();
  });

  describe('a rep in Firefox (the extension as a temporary add-on), customers in Chromium', () => {
    let world: World;
    beforeAll(async () => {
      world = await createWorld({ repIn: firefox });
    });
    afterAll(() => world?.close());

    it("the popup's Open dashboard opens the sidebar, signed in", async () => {
      const popup = await openPopup(firefox);
      await waitForText(popup, `Signed in as ${REP.name}`);
      await clickByRole(popup, 'button', 'Open dashboard');
      // The sidebar is no tab (WebDriver cannot reach it): the panel's page finds it among the extension's views.
      // `null`: no sidebar is open.
      const sidebarShows = (text: string | null) => {
        const api = (globalThis as unknown as { browser: { extension: { getViews(q: { type: 'sidebar' }): Window[] } } }).browser;
        const views = api.extension.getViews({ type: 'sidebar' });
        return text === null ? views.length === 0 : views.some((view) => view.document.body.textContent?.includes(text));
      };
      await waitUntil(world.panel.page, sidebarShows, 'Start session');
      await closeSidebar(world.panel.page);
      await waitUntil(world.panel.page, sidebarShows, null);
    });

    it('start, join by link, chat both ways, the customer’s screen live in the panel, end for everyone', async () => {
      const { panel } = world;
      const { joinUrl } = await panel.startSession();
      await clickByRole(panel.page, 'button', 'Copy link');
      await panel.waitForText('Link copied');
      const customer = await JoinPage.open(world.customerBrowser, joinUrl);
      await customer.join('Casey Customer');
      await customer.waitForText(`You are connected with ${REP.name}`);
      await waitUntil(panel.page, linked);
      await panel.sendChat('Hello from Firefox', 'Casey Customer');
      await customer.waitForText('Hello from Firefox');
      await customer.sendChat('Hello from Chromium');
      await panel.waitForText('Hello from Chromium');

      await customer.shareScreen();
      await panel.waitForText("Casey Customer's screen");
      expect((await waitForLiveVideo(panel.page, 10)).width).toBeGreaterThan(0);
      // The same screen in a tab of its own; the panel's page sees that tab among the extension's views.
      await clickByRole(panel.page, 'button', 'Open in tab');
      await waitUntil(panel.page, () =>
        (globalThis as unknown as { browser: { extension: { getViews(q: { type: 'tab' }): Window[] } } }).browser.extension
          .getViews({ type: 'tab' })
          .some(
            (view) => view.location.pathname === '/viewer.html' && (view.document.querySelector('video')?.videoWidth ?? 0) > 0,
          ),
      );
      await panel.page.bringToFront();
      await customer.stopSharing();
      await waitUntil(panel.page, () => document.querySelector('video') === null);

      await panel.endSession();
      await customer.waitForText('The session has ended');
      await panel.back();
    });

    it('a reloaded panel resumes the session with its history, and chat and screens work again', async () => {
      const { panel } = world;
      const { number, joinUrl } = await panel.startSession();
      const customer = await JoinPage.open(world.customerBrowser, joinUrl);
      await customer.join('Pat Customer');
      await customer.sendChat('Before the reload');
      await panel.waitForText('Before the reload');

      await firefox.reload(panel.page);
      expect((await panel.sessionInfo()).number).toBe(number);
      await panel.waitForText('Before the reload');
      await waitUntil(panel.page, linked);
      await panel.sendChat('Back after a reload', 'Pat Customer');
      await customer.waitForText('Back after a reload');
      await customer.shareScreen();
      expect((await waitForLiveVideo(panel.page, 5)).width).toBeGreaterThan(0);
      await panel.endSession();
      await customer.waitForText('The session has ended');
      await panel.back();
    });

    it('files both ways: the customer’s file lands intact in the add-on’s own disk (OPFS under moz-extension), the rep’s reaches the customer', async () => {
      const { panel } = world;
      const { joinUrl } = await panel.startSession();
      const customer = await JoinPage.open(world.customerBrowser, joinUrl);
      await customer.join('Pat Customer');
      await waitUntil(panel.page, linked);

      const pickAsCustomer = (paths: string[]) => pickFiles(customer.page, `Send a file to ${REP.name}`, paths);
      const up = await transferBetween(pickAsCustomer, customer.page, panel.page, 'to-firefox.bin', 8 * MB);
      expect(up.received).toContain(up.sha256);
      const down = await transferBetween(
        (paths) => setFiles(panel.page, paths),
        panel.page,
        customer.page,
        'from-firefox.bin',
        8 * MB,
      );
      expect(down.received).toContain(down.sha256);
      await panel.endSession();
      await customer.waitForText('The session has ended');
      await panel.back();
    });

    it('records with the customer told first: the recording is kept as it goes and its WebM has a picture track and a sound track', async () => {
      const { panel } = world;
      const { joinUrl } = await panel.startSession();
      const customer = await JoinPage.open(world.customerBrowser, joinUrl);
      await customer.join('Pat Customer');
      await waitUntil(panel.page, linked);
      await customer.shareScreen();
      await waitForLiveVideo(panel.page, 5);
      const before = (await recordings(panel.page)).length;
      await clickByRole(panel.page, 'button', 'Record');
      await customer.waitForText('The representative is recording this session');
      await panel.page.locator('::-p-aria([name="Stop recording"][role="button"])').wait();
      const writing = async () => (await recordings(panel.page)).find((r) => r.state === 'recording');
      while (((await writing())?.chunks ?? 0) < 2) await new Promise((r) => setTimeout(r, 200));
      await clickByRole(panel.page, 'button', 'Stop recording');
      await panel.page.locator('::-p-aria([name="Record"][role="button"])').wait();
      const all = await recordings(panel.page);
      expect(all).toHaveLength(before + 1);
      expect(all.every((r) => r.state === 'done')).toBe(true);

      await panel.page.locator('[data-testid="recordings"] summary').click();
      const saved = await saveRecording(panel.page);
      expect(saved.seconds).toBeGreaterThan(3);
      const layout = await scanWebm([new Blob([Buffer.from(saved.base64, 'base64')])]);
      expect([...layout.trackTypes.values()].sort()).toEqual([1, 2]);
      for (const [track] of layout.trackTypes) expect(layout.blocks.get(track) ?? 0).toBeGreaterThan(3);
      await panel.endSession();
      await customer.waitForText('The session has ended');
      await panel.back();
    });

    it('a knock while the panel is in the background: a notification without buttons says where to answer; Admit in the panel', async () => {
      const { panel } = world;
      const { number } = await panel.startSession();
      // Another extension page in front: the panel is not focused when the knock arrives, and this page
      // (a foreground tab, polled at full speed) watches the extension's notifications.
      const elsewhere = await firefox.openPage('options.html');
      await elsewhere.bringToFront();
      const customer = await JoinPage.open(world.customerBrowser, `${world.broker.url}/`);
      await customer.knock(number.replace(/ /g, ''), 'Dana Customer');
      await customer.waitForText('Waiting for the representative to let you in');
      // Firefox's notifications have no buttons: the message itself tells the rep where to answer.
      await elsewhere.waitForFunction(
        async () => {
          type Api = { notifications: { getAll(): Promise<Record<string, { message: string }>> } };
          const api = (globalThis as unknown as { browser: Api }).browser;
          return Object.entries(await api.notifications.getAll()).some(
            ([id, n]) =>
              id.startsWith('knock:') &&
              n.message.includes('Dana Customer') &&
              n.message.includes('Admit or Decline in the panel'),
          );
        },
        { polling: 50 },
      );
      await elsewhere.close();
      await clickByRole(panel.page, 'button', 'Admit');
      await customer.waitForText(`You are connected with ${REP.name}`);
      await waitUntil(panel.page, linked);
      await panel.endSession();
      await customer.waitForText('The session has ended');
    });
    it('an /assist link: Firefox opens no sidebar for a page, so the page says to open the dashboard; the open panel joins', async () => {
      const owner = await world.broker.addRep({ name: 'Olga Owner' });
      const token = await world.broker.login(owner.email, owner.password);
      const { session } = await postJson<CreateSessionResponse>(world.broker.url, '/api/sessions', {}, token);
      const { invite } = await postJson<{ invite: { url: string } }>(
        world.broker.url,
        `/api/sessions/${session.id}/invites`,
        { role: 'rep', send: 'none' },
        token,
      );
      const assistPage = await firefox.browser.newPage();
      await assistPage.goto(invite.url);
      await clickByRole(assistPage, 'button', 'Assist in this session');
      await waitForText(assistPage, 'Open the Remote Support dashboard');
      await world.panel.waitForText('You are assisting in this session.');
      await assistPage.close();
      await clickByRole(world.panel.page, 'button', 'Leave session');
      await world.panel.waitForText('You left the session');
    });
  });

  describe('a customer in Firefox, the rep in Chromium', () => {
    let world: World;
    beforeAll(async () => {
      world = await createWorld({ customerIn: firefox.browser, panelInit: TRACK_PEER_CONNECTIONS });
    });
    afterAll(() => world?.close());

    it('joins by link, chats both ways, shares the screen (the virtual display), and sees the end', async () => {
      const { panel } = world;
      const { joinUrl } = await panel.startSession();
      const customer = await JoinPage.open(world.customerBrowser, joinUrl);
      await customer.join('Fiona Firefox');
      await customer.waitForText(`You are connected with ${REP.name}`);
      await waitUntil(panel.page, linked);
      await customer.sendChat('Writing from Firefox');
      await panel.waitForText('Writing from Firefox');
      await panel.sendChat('Answering from Chromium', 'Fiona Firefox');
      await customer.waitForText('Answering from Chromium');

      await customer.shareScreen();
      await panel.waitForText("Fiona Firefox's screen");
      const video = await waitForLiveVideo(panel.page, 10);
      expect(video).toMatchObject({ width: 1280, height: 800 });
      await customer.stopSharing();
      await waitUntil(panel.page, () => document.querySelector('video') === null);
      await panel.endSession();
      await customer.waitForText('The session has ended');
    });

    it('talks and shows a camera: voice both ways with the rep in Chromium, the camera live in the panel', async () => {
      const { panel } = world;
      // After the session before: from its end back to the start screen.
      if (await panel.page.$('::-p-aria([name="Back"][role="button"])')) await clickByRole(panel.page, 'button', 'Back');
      const { joinUrl } = await panel.startSession();
      const customer = await JoinPage.open(world.customerBrowser, joinUrl, { init: TRACK_PEER_CONNECTIONS });
      await customer.join('Fiona Firefox');
      await waitUntil(panel.page, linked);

      await clickByRole(panel.page, 'button', 'Start voice');
      await customer.waitForText(`${REP.name} can talk with you.`);
      await clickByRole(customer.page, 'button', 'Join');
      for (const page of [panel.page, customer.page]) await page.locator('::-p-aria([name="Leave voice"][role="button"])').wait();
      // Chromium hears Firefox's microphone (bytes and energy rise at the rep's session host) …
      await waitForAudioFrom(panel.host!, customer.page);
      // … and Firefox receives the rep's (its stats give bytes; energy is Chromium's).
      await waitForAudioFrom(customer.page, panel.host!, { energy: false });

      await clickByRole(customer.page, 'button', 'Start video');
      await panel.waitForText("Fiona Firefox's camera");
      await waitForLiveVideo(panel.page, 10, 'section[aria-label="Video"] video');
      await panel.endSession();
      await customer.waitForText('The session has ended');
    });

    it('files both ways: the rep’s file lands intact in Firefox’s disk (OPFS through a worker), and Firefox’s reaches the rep', async () => {
      const { panel } = world;
      if (await panel.page.$('::-p-aria([name="Back"][role="button"])')) await clickByRole(panel.page, 'button', 'Back');
      const { joinUrl } = await panel.startSession();
      const customer = await JoinPage.open(world.customerBrowser, joinUrl);
      await customer.join('Fiona Firefox');
      await waitUntil(panel.page, linked);

      const pickAsRep = (paths: string[]) => pickFiles(panel.page, 'Send file', paths);
      const down = await transferBetween(pickAsRep, panel.page, customer.page, 'to-fiona.bin', 8 * MB);
      expect(down.received).toContain(down.sha256);
      const up = await transferBetween(
        (paths) => setFiles(customer.page, paths),
        customer.page,
        panel.page,
        'from-fiona.bin',
        8 * MB,
      );
      expect(up.received).toContain(up.sha256);
      await panel.endSession();
      await customer.waitForText('The session has ended');
    });
  });
});
