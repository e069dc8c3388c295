import type { Browser, Page } from 'puppeteer-core';
import { startBroker, type StartBrokerOptions, type TestBroker, type TestRepInput } from '../helpers/broker';
import { launchBrowser, launchRepBrowser, type RepBrowser } from './browser';
import { SidePanel } from './pages/side-panel';

export const REP = { email: 'rita@example.com', name: 'Rita Rep', password: 'correct horse battery' };

/** A real broker, a rep's browser with the extension signed in, and a customer's separate browser. */
export interface World {
  broker: TestBroker;
  /** The rep's browser with the extension (Chromium unless the test brought another). */
  rep: RepBrowser;
  repBrowser: Browser;
  customerBrowser: Browser;
  panel: SidePanel;
  close(): Promise<void>;
}

/**
 * `rep`: the signed-in rep's account settings (mode, maxCustomers). `panelInit` runs in the side panel
 * before its own scripts, on every (re)load (benchmarks time things with it); `brokerMode: 'child'` runs
 * the broker in a process of its own, as in production. `repIn` / `customerIn`: browsers the test
 * launched itself (Firefox, shared by several worlds), used instead of fresh Chromiums and left open.
 */
export async function createWorld(
  options: Omit<StartBrokerOptions, 'mode'> & {
    rep?: TestRepInput;
    panelInit?: string;
    brokerMode?: 'in-process' | 'child';
    repIn?: RepBrowser;
    customerIn?: Browser;
  } = {},
): Promise<World> {
  const { rep: account, panelInit, brokerMode, repIn, customerIn, ...brokerOptions } = options;
  const broker = await startBroker({ ...brokerOptions, mode: brokerMode ?? 'in-process' });
  const launched: Browser[] = [];
  const closeAll = async () => {
    await Promise.allSettled(launched.map((browser) => browser.close()));
    await broker.close();
  };
  try {
    await broker.addRep({ mode: 'single', ...account, ...REP });
    const [rep, customerBrowser] = await Promise.all([
      repIn ?? launchRepBrowser().then((r) => (launched.push(r.browser), r)),
      customerIn ?? launchBrowser().then((b) => (launched.push(b), b)),
    ]);
    const panel = await SidePanel.open(rep, { init: panelInit });
    await panel.signIn(broker.url, REP.email, REP.password);
    const world: World = {
      broker,
      rep,
      repBrowser: rep.browser,
      customerBrowser,
      panel,
      async close() {
        // A browser that outlives this world keeps no panel calling a broker that is gone.
        if (repIn) await world.panel.page.close().catch(() => undefined);
        await closeAll();
      },
    };
    return world;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The toolbar badge text, read from the extension's service worker. */
export async function badgeText(world: World): Promise<string> {
  const target = await world.repBrowser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(world.rep.origin),
  );
  const worker = await target.worker();
  return worker!.evaluate(() => chrome.action.getBadgeText({}));
}

/** Polls the badge until it shows `text` (the background updates it asynchronously). */
export async function waitForBadge(world: World, text: string): Promise<void> {
  while ((await badgeText(world)) !== text) await new Promise((r) => setTimeout(r, 50));
}

export async function participantNames(page: Page): Promise<string[]> {
  return page.$$eval('.participants li', (items) => items.map((li) => li.textContent ?? ''));
}
