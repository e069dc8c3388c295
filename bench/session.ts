import type { BrowserContext } from 'puppeteer-core';
import { clickByRole } from '../test/e2e/browser';
import type { JoinPage } from '../test/e2e/pages/join-page';
import { clickedAt, firstPeerChannel, resetMarks, waitForMarks } from './marks';
import type { BenchWorld } from './world';

export interface Joined {
  join: JoinPage;
  context: BrowserContext;
  /** Start session click → session number shown, in the panel (ms). */
  startMs: number;
  /** Invite link opened → chat data connection open on both sides, less the time the automation took to type a name (ms). */
  joinMs: number;
  /** Ends the session from the panel and closes the customer's page; the panel is back at Start session. */
  end(): Promise<void>;
}

/**
 * The rep clicks Start session in the panel; a first-time customer opens the link, types a name, clicks
 * Join. Timed inside the pages: the join is (name field shown − navigation start) + (both data channels
 * open − Join click), so the automation's typing does not count and the customer's reading does not either.
 */
export async function startAndJoin(world: BenchWorld, name: string): Promise<Joined> {
  const { panel } = world;
  await resetMarks(panel.page);
  const { joinUrl } = await panel.startSession();
  const started = await waitForMarks(panel.page, (m) => 'session-number' in m.appear);
  const startMs = started.appear['session-number']! - clickedAt(started, 'Start session');
  await resetMarks(panel.page);
  // The rep's data channels open in the session host (Chrome), where the rep's connections live.
  const repConnections = panel.host ?? panel.page;
  await resetMarks(repConnections);

  const { join, context } = await world.openCustomer(joinUrl);
  await join.join(name);
  const customer = await waitForMarks(join.page, (m) => firstPeerChannel(m) !== undefined);
  const rep = await waitForMarks(repConnections, (m) => firstPeerChannel(m) !== undefined);
  const opened = Math.max(firstPeerChannel(customer)!, firstPeerChannel(rep)!);
  const joinMs = customer.appear['name-field']! - customer.origin + (opened - clickedAt(customer, 'Join'));
  return {
    join,
    context,
    startMs,
    joinMs,
    async end() {
      const { panel } = world; // the panel may have been closed and opened again meanwhile
      await panel.endSession();
      await panel.waitForText('The session has ended');
      await context.close();
      await clickByRole(panel.page, 'button', 'Back');
      await panel.page.locator('::-p-aria([name="Start session"][role="button"])').wait();
    },
  };
}

/** The baseline of a join: a bare-PeerJS rep page online, then a first-time bare customer page dials it. */
export async function bareJoin(world: BenchWorld) {
  const session = await world.apiSession();
  const repPage = await world.openBare(world.repBrowser, session.rep);
  await resetMarks(repPage);
  const context = await world.customerBrowser.createBrowserContext();
  const customerPage = await world.openBare(context, session.customer, session.rep.peerId);
  const customer = await waitForMarks(customerPage, (m) => firstPeerChannel(m) !== undefined);
  const rep = await waitForMarks(repPage, (m) => firstPeerChannel(m) !== undefined);
  const joinMs = Math.max(firstPeerChannel(customer)!, firstPeerChannel(rep)!) - customer.origin;
  return {
    repPage,
    customerPage,
    joinMs,
    async end() {
      await Promise.all([repPage.close(), context.close()]);
      await session.end();
    },
  };
}
