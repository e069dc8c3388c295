import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, fillByLabel, waitForText, waitUntil } from './browser';
import { createWorld, participantNames, REP, waitForBadge, type World } from './fixtures';
import { openPopup } from './pages/extension';
import { JoinPage } from './pages/join-page';
import { waitForLiveVideo } from './pages/video';

describe('a rep helps a customer end to end', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world?.close());

  it('popup opens the dashboard', async () => {
    const popup = await openPopup(world.rep);
    await waitForText(popup, `Signed in as ${REP.name}`);
    const before = new Set(world.repBrowser.targets());
    const opened = world.repBrowser.waitForTarget((t) => t.url().endsWith('/sidepanel.html') && !before.has(t));
    await clickByRole(popup, 'button', 'Open dashboard');
    // The real side panel: it shows the same signed-in dashboard.
    const sidePanel = await (await opened).asPage();
    await sidePanel.locator('::-p-aria([name="Start session"][role="button"])').wait();
    await sidePanel.close();
  });

  it('start, join by link, chat both ways, customer screen live in the panel, end for everyone', async () => {
    const { panel } = world;
    const { number, joinUrl } = await panel.startSession();
    expect(number).toMatch(/^[1-9]\d{2} \d{3} \d{3}$/);
    expect(joinUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/join#[A-Za-z0-9_-]{22,}$/);
    await panel.waitForText('Waiting for the customer to join');
    await world.repBrowser.defaultBrowserContext().overridePermissions(world.rep.origin, ['clipboard-read']);
    // Copy link copies the link, nothing else; Copy with instructions, the text for a messenger.
    await clickByRole(panel.page, 'button', 'Copy link');
    await panel.waitForText('Link copied');
    expect(await panel.page.evaluate(() => navigator.clipboard.readText())).toBe(joinUrl);
    await clickByRole(panel.page, 'button', 'Copy with instructions');
    await panel.waitForText('Invitation text copied');
    const copied = await panel.page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain(joinUrl);
    expect(copied).toContain(number);
    await waitForBadge(world, '1');

    const customer = await JoinPage.open(world.customerBrowser, joinUrl);
    await customer.join('Casey Customer');
    // The rep greets at once, maybe before the news of the customer's arrival reached the panel.
    await panel.sendChat('Hello, I am Rita. How can I help?', 'Casey Customer');
    await customer.waitForText(`You are connected with ${REP.name}`);
    await panel.waitForText('Casey Customer');
    // Connected over WebRTC: the customer's dot turns green (the rep's own is always).
    await waitUntil(panel.page, () => document.querySelectorAll('.participants .dot.connected').length === 2);
    await customer.waitForText('Hello, I am Rita. How can I help?');
    await customer.waitForText(REP.name);
    await customer.sendChat('My printer is broken');
    await panel.waitForText('My printer is broken');
    expect(await panel.page.$eval('.chat-log', (el) => el.textContent)).toContain('Casey Customer');

    await customer.shareScreen();
    await customer.page.locator('::-p-aria([name="Stop sharing"][role="button"])').wait();
    await panel.waitForText("Casey Customer's screen");
    const video = await waitForLiveVideo(panel.page, 10);
    expect(video.width).toBeGreaterThan(0);
    expect(video.frames).toBeGreaterThanOrEqual(10);
    await panel.page.locator('::-p-aria([name="Full screen"][role="button"])').wait();

    // Too small in the panel: the same live screen in a tab of its own.
    const viewerTarget = world.repBrowser.waitForTarget((t) => t.url().includes('/viewer.html?'));
    await clickByRole(panel.page, 'button', 'Open in tab');
    const viewer = await (await viewerTarget).asPage();
    await waitForText(viewer, "Casey Customer's screen");
    expect((await waitForLiveVideo(viewer, 10)).width).toBeGreaterThan(0);

    await customer.stopSharing();
    await waitUntil(panel.page, () => document.querySelector('video') === null);
    await waitForText(viewer, 'The screen is no longer shared');
    await viewer.close();

    await panel.endSession();
    await customer.waitForText('The session has ended');
    await panel.waitForText('The session has ended');
    await waitForBadge(world, '');

    const late = await JoinPage.open(world.customerBrowser, joinUrl);
    await late.waitForText('The session has ended');
    await panel.back();
    expect(await participantNames(panel.page)).toEqual([]);
  });
});

describe('signing in and out from the options page', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(() => world?.close());

  it('the side panel follows a sign-out and a sign-in made in the options page', async () => {
    const options = await world.rep.openPage('options.html');
    await waitForText(options, `Signed in as ${REP.name}`);
    await clickByRole(options, 'button', 'Sign out');
    await world.panel.page.bringToFront();
    await world.panel.page.locator('::-p-aria([name="Sign in"][role="button"])').wait();

    await fillByLabel(options, 'Email', REP.email);
    await fillByLabel(options, 'Password', 'wrong password');
    await clickByRole(options, 'button', 'Sign in');
    await waitForText(options, 'Email or password is incorrect');
    await fillByLabel(options, 'Password', REP.password);
    await clickByRole(options, 'button', 'Sign in');
    await waitForText(options, `Signed in as ${REP.name}`);
    await world.panel.page.bringToFront();
    await world.panel.page.locator('::-p-aria([name="Start session"][role="button"])').wait();
  });
});
