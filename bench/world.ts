import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import type { CreateSessionResponse, JoinResponse, Self } from '../core/protocol';
import { observe } from '../test/e2e/browser';
import { createWorld, type World } from '../test/e2e/fixtures';
import { JoinPage } from '../test/e2e/pages/join-page';
import { startBareServer, type BarePeer, type BareServer } from './bare/server';
import { INSTRUMENT } from './marks';
import { postJson } from './api';

/**
 * What the browser benchmarks share: the e2e world (broker, the rep's Chromium with the extension and
 * the panel signed in, the customer's Chromium), with timing marks in every page, plus the bare-PeerJS
 * baseline pages and a second rep whose sessions give the baseline real participant ids and tokens.
 */
export interface BenchWorld extends World {
  bare: BareServer;
  /** A live session made through the API, for the baseline pages: the rep's and a customer's place. */
  apiSession(): Promise<{ rep: Self; customer: Self; joinUrl: string; end(): Promise<void> }>;
  /** The bare REST round trip behind Start session: POST /api/sessions from `page` (then ended), in ms. */
  timeCreateSession(page: Page): Promise<number>;
  /** The customer's page as a first-time visitor: a fresh browser context, marks installed. */
  openCustomer(url: string): Promise<{ join: JoinPage; context: BrowserContext }>;
  /** A bare-PeerJS page as `self`, dialing `dial` if given; resolves once its Peer is open. */
  openBare(
    browser: Browser | BrowserContext,
    self: Self,
    dial?: string,
    /** Runs on the new page before it navigates (e.g. to throttle its network). */
    prepare?: (page: Page) => Promise<unknown>,
  ): Promise<Page>;
}

export async function createBenchWorld(): Promise<BenchWorld> {
  // The broker in a process of its own, as in production: in this one it would share an event loop with
  // the automation of two browsers.
  const world = await createWorld({ panelInit: INSTRUMENT, brokerMode: 'child' });
  const bare = await startBareServer().catch(async (error: unknown) => {
    await world.close();
    throw error;
  });
  let token: string;
  try {
    const rep = await world.broker.addRep({ name: 'Baseline Rep' });
    token = await world.broker.login(rep.email, rep.password);
  } catch (error) {
    await Promise.all([world.close(), bare.close()]);
    throw error;
  }
  const post = <T>(path: string, body: unknown, bearer?: string) => postJson<T>(world.broker.url, path, body, bearer);
  const part = (self: Self, dial?: string): BarePeer => ({
    host: '127.0.0.1',
    port: world.broker.port,
    id: self.peerId,
    token: self.peerToken,
    ...(dial ? { dial } : {}),
  });

  return {
    ...world,
    bare,
    async apiSession() {
      const created = await post<CreateSessionResponse>('/api/sessions', {}, token);
      const invite = created.session.joinUrl!.split('#')[1];
      const joined = await post<JoinResponse>('/api/join', { invite, name: 'Baseline Customer' });
      return {
        rep: created.self,
        customer: joined.self,
        joinUrl: created.session.joinUrl!,
        end: async () => void (await post(`/api/sessions/${created.session.id}/end`, {}, token)),
      };
    },
    async timeCreateSession(page) {
      const url = JSON.stringify(world.broker.url + '/api/sessions');
      const headers = JSON.stringify({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
      const { ms, id } = (await page.evaluate(`(async () => {
        const t0 = performance.now();
        const response = await fetch(${url}, { method: 'POST', headers: ${headers}, body: '{}' });
        const { session } = await response.json();
        return { ms: performance.now() - t0, id: session.id };
      })()`)) as { ms: number; id: string };
      await post(`/api/sessions/${id}/end`, {}, token);
      return ms;
    },
    async openCustomer(url) {
      const context = await world.customerBrowser.createBrowserContext();
      return { join: await JoinPage.open(context, url, { init: INSTRUMENT }), context };
    },
    async openBare(browser, self, dial, prepare) {
      const page = observe(await browser.newPage(), 'bare');
      await page.evaluateOnNewDocument(INSTRUMENT);
      await prepare?.(page);
      await page.goto(bare.url(part(self, dial)));
      await page.waitForFunction('"peer-open" in window.__bench.appear', { polling: 50 });
      return page;
    },
    async close() {
      await world.close();
      await bare.close();
    },
  };
}
