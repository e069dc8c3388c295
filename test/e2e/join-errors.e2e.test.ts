import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startBroker, type TestBroker } from '../helpers/broker';
import { launchBrowser, waitForText } from './browser';
import { JoinPage } from './pages/join-page';

/** Opens a PeerServer socket as a PeerJS client would; resolves with the HTTP status or the first message type. */
function peerSocket(base: string, id: string, token: string): Promise<string> {
  const url = `${base.replace(/^http/, 'ws')}/peerjs/peerjs?key=peerjs&id=${id}&token=${encodeURIComponent(token)}&version=1.5.5`;
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
    ws.once('message', (data) => {
      resolve((JSON.parse(data.toString()) as { type: string }).type);
      ws.close();
    });
    ws.once('error', () => undefined);
  });
}

describe('links and peers that must not get in', () => {
  let broker: TestBroker;
  let browser: Browser;
  let clock = Date.now();
  let repToken: string;

  const api = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(broker.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return res.json() as Promise<any>;
  };

  beforeAll(async () => {
    broker = await startBroker({ now: () => clock });
    const rep = await broker.addRep({ name: 'Rita Rep' });
    repToken = await broker.login(rep.email, rep.password);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await broker?.close();
  });

  it('greets the customer with the rep’s name on a good link', async () => {
    const { session } = await api('/api/sessions', {}, repToken);
    const page = await JoinPage.open(browser, session.joinUrl);
    await page.waitForText('Rita Rep invites you to a support session.');
    await page.page.close();
  });

  it('speaks Russian to a browser that prefers it', async () => {
    const { session } = await api('/api/sessions', {}, repToken);
    const page = await browser.newPage();
    const cdp = await page.createCDPSession();
    await cdp.send('Emulation.setUserAgentOverride', { userAgent: await browser.userAgent(), acceptLanguage: 'ru-RU,ru' });
    await page.goto(session.joinUrl);
    await waitForText(page, 'Rita Rep приглашает вас на сеанс поддержки.');
    await page.locator('::-p-aria([name="Подключиться"][role="button"])').wait();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ru');
    await page.close();
  });

  it('explains an unknown link at once, without asking for a name', async () => {
    const page = await JoinPage.open(browser, `${broker.url}/join#${'x'.repeat(32)}`);
    await page.waitForText('This invitation link is not valid');
    expect(await page.page.$('#name')).toBeNull();
    const mangled = await JoinPage.open(browser, `${broker.url}/join#not a token`);
    await mangled.waitForText('This invitation link is not valid');
    // No link at all: the support site's join-by-number form.
    const bare = await JoinPage.open(browser, `${broker.url}/`);
    await bare.waitForText('Enter the session number your representative gave you');
  });

  it('explains an expired link', async () => {
    const { session } = await api('/api/sessions', {}, repToken);
    // An invitation sent on its own (the session's own link lives as long as the session).
    const { invite } = await api(`/api/sessions/${session.id}/invites`, { role: 'customer', send: 'none' }, repToken);
    clock += 25 * 3_600_000; // invites live 24 hours
    const page = await JoinPage.open(browser, invite.url);
    await page.waitForText('This invitation is no longer valid');
    await page.waitForText('Ask your representative for a new link.');
  });

  it('the PeerServer refuses a wrong token and someone else’s id, and admits the right pair', async () => {
    clock = Date.now();
    const { session } = await api('/api/sessions', {}, repToken);
    const a = await api('/api/join', { invite: session.joinUrl.split('#')[1], name: 'Ann' });
    const b = await api('/api/join', { invite: session.joinUrl.split('#')[1], name: 'Bob' });
    expect(await peerSocket(broker.url, a.self.peerId, 'wrong-token')).toBe('HTTP 401');
    expect(await peerSocket(broker.url, a.self.peerId, b.self.peerToken)).toBe('HTTP 401');
    expect(await peerSocket(broker.url, 'pMadeUpIdThatNobodyWasGiven1', a.self.peerToken)).toBe('HTTP 401');
    expect(await peerSocket(broker.url, a.self.peerId, a.self.peerToken)).toBe('OPEN');
  });
});
