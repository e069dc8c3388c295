import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './browser';
import { createWorld, participantNames, REP, type World } from './fixtures';
import { JoinPage } from './pages/join-page';
import { SidePanel } from './pages/side-panel';
import { waitForLiveVideo } from './pages/video';

const linked = () => document.querySelectorAll('.participants .dot.connected').length === 2;

describe('nothing is lost when tabs and pages misbehave', () => {
  let world: World;
  let customer: JoinPage;
  let sessionNumber: string;

  beforeAll(async () => {
    world = await createWorld();
    const { number, joinUrl } = await world.panel.startSession();
    sessionNumber = number;
    customer = await JoinPage.open(world.customerBrowser, joinUrl);
    await customer.join('Pat Customer');
    await waitUntil(world.panel.page, linked);
  });
  afterAll(() => world?.close());

  it('the session lives in the extension, not a tab: navigating and closing the original tab changes nothing', async () => {
    const tab = await world.repBrowser.newPage();
    await tab.goto(world.broker.url + '/');
    await tab.goto('data:text/html,<title>Another site</title><h1>Another site</h1>');
    await tab.close();
    await world.panel.sendChat('Still here after the tab closed', 'Pat Customer');
    await customer.waitForText('Still here after the tab closed');
    await customer.sendChat('Me too');
    await world.panel.waitForText('Me too');
  });

  it('a reloaded side panel resumes the same session with its history, and chat works again', async () => {
    await world.panel.page.reload();
    const panel = new SidePanel(world.panel.page);
    expect((await panel.sessionInfo()).number).toBe(sessionNumber);
    await panel.waitForText('Still here after the tab closed');
    await panel.waitForText('Me too');
    await waitUntil(panel.page, linked);
    await panel.sendChat('Back after a reload', 'Pat Customer');
    await customer.waitForText('Back after a reload');
    await customer.sendChat('Welcome back');
    await panel.waitForText('Welcome back');
  });

  it('a screen being shared comes back after a panel reload', async () => {
    await customer.shareScreen();
    await waitForLiveVideo(world.panel.page, 5);
    await world.panel.page.reload();
    await world.panel.waitForText("Pat Customer's screen");
    const video = await waitForLiveVideo(world.panel.page, 5);
    expect(video.width).toBeGreaterThan(0);
    await customer.stopSharing();
    await waitUntil(world.panel.page, () => document.querySelector('video') === null);
  });

  it('closing the side panel cuts nothing: the customer stays connected, and what they wrote meanwhile is there on reopen', async () => {
    // Anything that ever says the rep dropped is noted, however briefly it shows.
    await customer.page.evaluate(() => {
      const w = window as unknown as { __sawDisconnect: boolean };
      w.__sawDisconnect = false;
      new MutationObserver(() => {
        if (document.body.textContent?.includes('got disconnected')) w.__sawDisconnect = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await world.panel.page.close();
    // The session lives in the session host: the customer's link to the rep never drops.
    await customer.sendChat('Written while the panel was closed');
    world.panel = await SidePanel.open(world.rep);
    expect((await world.panel.sessionInfo()).number).toBe(sessionNumber);
    await world.panel.waitForText('Written while the panel was closed');
    await waitUntil(world.panel.page, linked);
    await world.panel.sendChat('Reopened, nothing redialed', 'Pat Customer');
    await customer.waitForText('Reopened, nothing redialed');
    expect(await customer.page.evaluate(() => (window as unknown as { __sawDisconnect: boolean }).__sawDisconnect)).toBe(false);
  });

  it('a sign-in an admin revokes signs the panel out; signed in again, the session resumes without the customer doing anything', async () => {
    const rep = (await world.broker.store.findRepByEmail(REP.email))!;
    await world.broker.store.revokeRepTokensOfRep(rep.id, Date.now()); // what `npm run admin -- revoke-tokens` does
    await world.panel.waitForText('Your sign-in has ended');
    await customer.waitForText('Rita Rep got disconnected.');
    await world.panel.signIn(world.broker.url, REP.email, REP.password);
    expect((await world.panel.sessionInfo()).number).toBe(sessionNumber);
    await waitUntil(world.panel.page, linked);
    await world.panel.sendChat('Signed in again', 'Pat Customer');
    await customer.waitForText('Signed in again');
    await waitUntil(customer.page, () => !document.body.textContent?.includes('got disconnected'));
  });

  it('a customer who refreshes rejoins as the same participant without typing their name', async () => {
    await customer.page.reload();
    await customer.page.locator('::-p-aria([name="Share screen"][role="button"])').wait();
    expect(await customer.page.$('#name')).toBeNull();
    await customer.waitForText('Welcome back'); // their chat history survived the refresh
    await waitUntil(world.panel.page, linked);
    await customer.sendChat('Refreshed and still here');
    await world.panel.waitForText('Refreshed and still here');
    await world.panel.sendChat('I see you', 'Pat Customer');
    await customer.waitForText('I see you');
    const customers = (await participantNames(world.panel.page)).filter((n) => n.includes('Pat Customer'));
    expect(customers).toHaveLength(1);
  });

  it('a broker restart loses nothing: chat goes on peer-to-peer meanwhile, and the session carries on after', async () => {
    await world.broker.stop();
    await world.panel.waitForText('Reconnecting…');
    await world.panel.sendChat('The broker is down, we are not', 'Pat Customer');
    await customer.waitForText('The broker is down, we are not');
    await world.broker.start();
    await waitUntil(world.panel.page, () => !document.body.textContent?.includes('Reconnecting…'));
    await world.panel.endSession();
    await customer.waitForText('The session has ended');
  });
});
