import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, fillByLabel, launchBrowser, launchRepBrowser, waitUntil, type RepBrowser } from './browser';
import { createWorld, type World } from './fixtures';
import { signInFromOptions } from './pages/extension';
import { HostileCustomer } from '../helpers/hostile-customer';
import { JoinPage } from './pages/join-page';
import { SidePanel } from './pages/side-panel';
import { waitForLiveVideo } from './pages/video';
import {
  audioIn,
  audioOutSsrcs,
  peerConnectionConfigs,
  TRACK_PEER_CONNECTIONS,
  waitForAudioFrom,
  waitForSilenceFrom,
} from './pages/webrtc-stats';

const COLLEAGUE = { email: 'bob@example.com', name: 'Bob Colleague', password: 'bob has a long password' };
/** A phone: small, touch, and no getDisplayMedia (as on Android and iOS). */
const PHONE = `delete MediaDevices.prototype.getDisplayMedia; ${TRACK_PEER_CONNECTIONS}`;
const hasButton = async (page: Page, name: string) => (await page.$(`::-p-aria([name="${name}"][role="button"])`)) !== null;
const region = (name: string) => `::-p-aria([name="${name}"][role="region"])`;
/** The video in the section named `name` (a CSS selector: the page's own querySelector reads it). */
const videoIn = (name: string) => `section[aria-label="${name}"] video`;

describe('the rep shares a screen, everyone talks, a phone shows its camera', () => {
  let world: World;
  let colleagueRep: RepBrowser;
  let phoneBrowser: Browser;
  let bob: SidePanel;
  let ann: JoinPage;
  let pia: JoinPage;
  let session: { number: string; joinUrl: string };

  beforeAll(async () => {
    world = await createWorld({ rep: { maxCustomers: 4 }, panelInit: TRACK_PEER_CONNECTIONS });
    await world.broker.addRep({ ...COLLEAGUE, mode: 'single', maxCustomers: 4 });
    [colleagueRep, phoneBrowser] = await Promise.all([launchRepBrowser(), launchBrowser()]);
    session = await world.panel.startSession();
    ann = await JoinPage.open(world.customerBrowser, session.joinUrl, { init: TRACK_PEER_CONNECTIONS });
    await ann.join('Ann Customer');

    // Bob assists by number (as the popup would), then his panel resumes the session.
    const token = await world.broker.login(COLLEAGUE.email, COLLEAGUE.password);
    const assisted = await fetch(`${world.broker.url}/api/sessions/by-number/${session.number.replace(/\D/g, '')}/assist`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(assisted.status).toBeLessThan(300);
    await signInFromOptions(colleagueRep, world.broker.url, COLLEAGUE.email, COLLEAGUE.password);
    bob = await SidePanel.open(colleagueRep, { init: TRACK_PEER_CONNECTIONS });
    await bob.waitForText('Rita Rep controls this session.');
  });
  afterAll(async () => {
    await Promise.allSettled([colleagueRep?.browser.close(), phoneBrowser?.close()]);
    await world?.close();
  });

  it('Tools → Share my screen: the customer sees it large with full screen, the assistant sees it too', async () => {
    await clickByRole(world.panel.page, 'button', 'Share my screen');
    await world.panel.waitForText('You are sharing your screen with everyone in this session.');
    const seen = await waitForLiveVideo(ann.page, 10, videoIn("Representative's screen"));
    expect(seen.width).toBeGreaterThan(0);
    await ann.page.locator(`${region("Representative's screen")} ::-p-aria([name="Full screen"][role="button"])`).wait();
    await waitForLiveVideo(bob.page, 10, videoIn("Rita Rep's screen"));
    // The participant lists say who shares.
    await bob.waitForText('sharing screen');
  });

  it('Start voice: the customer is asked, the assistant joins, audio flows every way', async () => {
    await clickByRole(world.panel.page, 'button', 'Start voice');
    await ann.page.locator(region('Join voice?')).wait();
    await ann.waitForText('Rita Rep can talk with you.');
    await clickByRole(ann.page, 'button', 'Join');
    await clickByRole(bob.page, 'button', 'Join voice');
    for (const page of [world.panel.page, ann.page, bob.page]) {
      await page.locator('::-p-aria([name="Leave voice"][role="button"])').wait();
    }
    // Each side hears both others.
    await waitForAudioFrom(ann.page, world.panel.host!);
    await waitForAudioFrom(ann.page, bob.host!);
    await waitForAudioFrom(world.panel.host!, ann.page);
    await waitForAudioFrom(world.panel.host!, bob.host!);
    await waitForAudioFrom(bob.host!, world.panel.host!);
    await waitForAudioFrom(bob.host!, ann.page);
    expect((await audioIn(ann.page)).some((a) => a.energy > 0)).toBe(true);
    // Never PeerJS's public STUN: every connection was made with the broker's ICE servers only.
    for (const page of [world.panel.host!, ann.page, bob.host!]) {
      const configs = await peerConnectionConfigs(page);
      expect(configs.length).toBeGreaterThan(0);
      for (const config of configs) expect(JSON.parse(config).iceServers).toEqual([]); // the test broker's: none
    }
  });

  it('each person has a speaking indicator, and the volume control reaches every voice', async () => {
    // The fake microphone beeps: Rita shows as speaking on Ann's page while she beeps.
    await waitUntil(ann.page, () =>
      [...document.querySelectorAll('section[aria-label="Voice"] li')].some(
        (li) => li.textContent?.includes('Rita Rep') && li.textContent.includes('speaking'),
      ),
    );
    const slider = ann.page.locator('::-p-aria([name="Volume"])');
    await slider.click();
    await ann.page.keyboard.press('Home'); // by keyboard, to silence
    await waitUntil(ann.page, () => {
      const voices = [...document.querySelectorAll('audio')];
      return voices.length === 2 && voices.every((a) => a.volume === 0);
    });
    await ann.page.keyboard.press('End');
    await waitUntil(ann.page, () => [...document.querySelectorAll('audio')].every((a) => a.volume === 1));
  });

  it('Mute stops Rita’s audio at the others and Unmute brings it back; the controller mutes Ann', async () => {
    await clickByRole(world.panel.page, 'button', 'Mute');
    await waitForSilenceFrom(ann.page, world.panel.host!);
    await bob.page.locator(`::-p-aria([name="Voice"][role="region"])`).wait();
    await bob.waitForText('muted');
    await clickByRole(world.panel.page, 'button', 'Unmute');
    await waitForAudioFrom(ann.page, world.panel.host!);

    await clickByRole(world.panel.page, 'button', 'Mute Ann Customer');
    await ann.waitForText('Rita Rep muted your microphone.');
    await ann.page.locator('::-p-aria([name="Unmute"][role="button"])').wait();
    await waitForSilenceFrom(bob.host!, ann.page);
    // An assistant has no such button.
    expect(await hasButton(bob.page, 'Mute Ann Customer')).toBe(false);
    await clickByRole(ann.page, 'button', 'Unmute');
    await waitForAudioFrom(bob.host!, ann.page);
  });

  it('closing the side panel cuts nothing: Rita’s voice keeps reaching Ann, and the reopened panel shows it on at once', async () => {
    const calls = await audioOutSsrcs(world.panel.host!);
    await world.panel.page.close();
    // The panel is gone; Rita's microphone and calls live in the session host, so Ann still hears her.
    await waitForAudioFrom(ann.page, world.panel.host!);
    world.panel = await SidePanel.open(world.rep, { init: TRACK_PEER_CONNECTIONS });
    await world.panel.page.locator('::-p-aria([name="Leave voice"][role="button"])').wait();
    await waitForAudioFrom(ann.page, world.panel.host!);
    // The same calls as before: nothing was dialed again.
    expect(new Set(await audioOutSsrcs(world.panel.host!))).toEqual(new Set(calls));
  });

  it('a phone has no Share screen but Show with camera; choosing its customer stops the rep’s share', async () => {
    const page = await phoneBrowser.newPage();
    await page.setViewport({ width: 390, height: 844, hasTouch: true, isMobile: true });
    await page.evaluateOnNewDocument(PHONE);
    await page.goto(session.joinUrl);
    pia = new JoinPage(page);
    await fillByLabel(page, 'Your name', 'Pia Phone');
    await clickByRole(page, 'button', 'Join');
    await page.locator('::-p-aria([name="Show with camera"][role="button"])').wait();
    expect(await hasButton(page, 'Share screen')).toBe(false);
    await pia.waitForText('Rita Rep is helping another customer right now. You can show your camera when they turn to you.');

    await clickByRole(world.panel.page, 'button', 'Help this customer: Pia Phone');
    await ann.waitForText('Screen sharing stopped: the representative is now helping another customer.');
    await waitUntil(ann.page, () => document.querySelector('video') === null);
    await world.panel.page.locator('::-p-aria([name="Share my screen"][role="button"])').wait();
    // Voice goes on through the switch.
    await waitForAudioFrom(ann.page, world.panel.host!);

    await waitUntil(page, () => !document.querySelector<HTMLButtonElement>('button.primary')?.disabled);
    await clickByRole(page, 'button', 'Show with camera');
    await waitForLiveVideo(world.panel.page, 10, videoIn('Video'));
    await world.panel.waitForText("Pia Phone's camera");
    // Too small in the panel: the same camera in a tab of its own.
    const viewerTarget = world.repBrowser.waitForTarget((t) => t.url().includes('/viewer.html?'));
    await clickByRole(world.panel.page, 'button', "Open Pia Phone's camera in a tab");
    const viewer = (await (await viewerTarget).asPage())!;
    expect((await waitForLiveVideo(viewer, 5)).width).toBeGreaterThan(0);
    // The tab is a view of the session host, not of the panel: with the panel closed the camera goes on.
    await world.panel.page.close();
    await waitForLiveVideo(viewer, 10);
    world.panel = await SidePanel.open(world.rep, { init: TRACK_PEER_CONNECTIONS });
    await world.panel.waitForText("Pia Phone's camera");
    await viewer.close();
    await world.panel.page.bringToFront();
    await clickByRole(page, 'button', 'Use back camera');
    await page.locator('::-p-aria([name="Use front camera"][role="button"])').wait();
    await waitForLiveVideo(bob.page, 10, videoIn('Video'));
  });

  it('passing control stops the camera everywhere and voice keeps flowing', async () => {
    await clickByRole(world.panel.page, 'button', 'Transfer session');
    await clickByRole(world.panel.page, 'menuitem', 'Pass control');
    await clickByRole(world.panel.page, 'button', `Pass control to ${COLLEAGUE.name}`);
    await world.panel.waitForText('Video stopped because control passed to Bob Colleague.');
    for (const page of [world.panel.page, bob.page, pia.page])
      await waitUntil(page, () => document.querySelector('video') === null);
    await waitForAudioFrom(ann.page, world.panel.host!);
    await waitForAudioFrom(world.panel.host!, bob.host!);
    await world.panel.page.locator('::-p-aria([name="Leave voice"][role="button"])').wait();
  });

  it('a hostile customer cannot mute Ann, pose as a rep sharing, show a camera out of turn, or stop her voice', async () => {
    const hal = await HostileCustomer.join(phoneBrowser, world.broker.url, session.joinUrl, 'Hal Hostile');
    const annPeer = (await hal.participants()).find((p) => p.name === 'Ann Customer')!.peerId;
    const link = await hal.connect(annPeer);
    expect(link).toBeDefined();
    await hal.send(link!, [
      ...Array.from({ length: 50 }, () => ({ type: 'voice-mute' })), // forged: Hal is not the controller
      { type: 'voice', joined: 'yes', muted: 0 },
      { type: 'voice-mute', pad: 'x'.repeat(50_000) },
      { type: 'rep-share', sharing: true },
      { type: 'camera', sharing: true },
    ]);
    for (let i = 0; i < 5; i++)
      await hal.send(
        link!,
        Array.from({ length: 400 }, () => ({ type: 'voice', joined: true, muted: false })),
      );
    // The broker drops a rep screen from a customer and a camera from one who is not being helped.
    expect(await Promise.all([hal.call(annPeer, { kind: 'rep-screen' }), hal.call(annPeer, { kind: 'camera' })])).toEqual([
      'no answer',
      'no answer',
    ]);
    await ann.page.locator('::-p-aria([name="Mute"][role="button"])').wait();
    expect(await ann.page.evaluate(() => document.body.textContent?.includes('muted your microphone'))).toBe(false);
    expect(await ann.page.evaluate(() => document.querySelectorAll('video').length)).toBe(0);
    await waitForAudioFrom(bob.host!, ann.page);
    await hal.close();
  });
});
