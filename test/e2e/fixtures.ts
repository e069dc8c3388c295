import type { Browser, Page } from 'puppeteer-core';
import { startBroker, type StartBrokerOptions, type TestBroker, type TestRepInput } from '../helpers/broker';
import { launchBrowser, launchRepBrowser } from './browser';
import { SidePanel } from './pages/side-panel';

export const REP = { email: 'rita@example.com', name: 'Rita Rep', password: 'correct horse battery' };

/** A real broker, a rep's Chromium with the extension signed in, and a customer's separate Chromium. */
export interface World {
  broker: TestBroker;
  repBrowser: Browser;
  extensionId: string;
  customerBrowser: Browser;
  panel: SidePanel;
  close(): Promise<void>;
}

/**
 * `rep`: the signed-in rep's account settings (mode, maxCustomers). `panelInit` runs in the side panel
 * before its own scripts, on every (re)load (benchmarks time things with it); `brokerMode: 'child'` runs
 * the broker in a process of its own, as in production.
 */
export async function createWorld(
  options: Omit<StartBrokerOptions, 'mode'> & {
    rep?: TestRepInput;
    panelInit?: string;
    brokerMode?: 'in-process' | 'child';
  } = {},
): Promise<World> {
  const { rep, panelInit, brokerMode, ...brokerOptions } = options;
  const broker = await startBroker({ ...brokerOptions, mode: brokerMode ?? 'in-process' });
  try {
    await broker.addRep({ mode: 'single', ...rep, ...REP });
    const [{ browser: repBrowser, extensionId }, customerBrowser] = await Promise.all([launchRepBrowser(), launchBrowser()]);
    const panel = await SidePanel.open(repBrowser, extensionId, { init: panelInit });
    await panel.signIn(broker.url, REP.email, REP.password);
    return {
      broker,
      repBrowser,
      extensionId,
      customerBrowser,
      panel,
      async close() {
        await Promise.allSettled([repBrowser.close(), customerBrowser.close()]);
        await broker.close();
      },
    };
  } catch (error) {
    await broker.close();
    throw error;
  }
}

/** The toolbar badge text, read from the extension's service worker. */
export async function badgeText(world: World): Promise<string> {
  const target = await world.repBrowser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().includes(world.extensionId),
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
