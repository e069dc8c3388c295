import { describe, expect, it, vi } from 'vitest';
import { answerAssistPage, createAssistPageBridge, type AssistReply } from '../../../core/extension/assist-bridge';
import { receiveAssist } from '../../../core/extension/assist-handoff';
import { createSettings } from '../../../core/extension/settings';
import { memoryExtensionStorage } from '../../helpers/storage';

/**
 * A page window as the bridge sees it: window messages to itself (as `postMessage(…, origin)` delivers
 * them) and clicks, trusted (a person) or not (the page's own script).
 */
function pageWindow(origin: string) {
  const listeners = { message: new Set<(event: unknown) => void>(), click: new Set<(event: unknown) => void>() };
  type Type = keyof typeof listeners;
  const win = {
    location: { origin },
    postMessage(data: unknown) {
      setTimeout(() => listeners.message.forEach((l) => l({ data, source: win, origin })), 0);
    },
    addEventListener: (type: Type, listener: (event: unknown) => void) => void listeners[type].add(listener),
    removeEventListener: (type: Type, listener: (event: unknown) => void) => void listeners[type].delete(listener),
    click: (isTrusted: boolean) => listeners.click.forEach((l) => l({ isTrusted })),
  };
  return win;
}

const INVITE = 'a'.repeat(32);

describe('/assist hand-off', () => {
  function setUp(pageOrigin: string, ownOrigin = 'http://127.0.0.1:9000') {
    const win = pageWindow(pageOrigin);
    const handOver = vi.fn(async (): Promise<AssistReply> => ({ ok: true, signedIn: true }));
    let clock = 1_000_000;
    answerAssistPage(win as never, { handOver, isOwnBroker: async (origin) => origin === ownOrigin, now: () => clock });
    const page = createAssistPageBridge(win as never);
    return { win, handOver, page, later: (ms: number) => (clock += ms) };
  }

  it('answers its own broker’s page, and tells another broker’s page that it is set up elsewhere', async () => {
    expect(await setUp('http://127.0.0.1:9000').page.detect()).toBe('present');
    expect(await setUp('http://127.0.0.1:5173').page.detect()).toBe('other-broker');
  });

  it('hands an invitation over only right after a real click on the page', async () => {
    const { win, handOver, page, later } = setUp('http://127.0.0.1:9000');
    expect(await page.handOver(INVITE)).toMatchObject({ ok: false, refusal: 'no-click' });
    win.click(false); // the page's own script "clicking"
    expect(await page.handOver(INVITE)).toMatchObject({ ok: false, refusal: 'no-click' });
    win.click(true);
    later(6_000); // too long ago
    expect(await page.handOver(INVITE)).toMatchObject({ ok: false, refusal: 'no-click' });
    expect(handOver).not.toHaveBeenCalled();
    win.click(true);
    expect(await page.handOver(INVITE)).toEqual({ ok: true, signedIn: true });
    expect(handOver).toHaveBeenCalledWith(INVITE);
  });

  it('never hands over from another origin, clicked or not', async () => {
    const { win, handOver, page } = setUp('http://localhost:3000');
    win.click(true);
    expect(await page.handOver(INVITE)).toMatchObject({ ok: false, refusal: 'other-broker' });
    expect(handOver).not.toHaveBeenCalled();
  });

  it('the background checks the sending page’s origin again before keeping the invitation', async () => {
    const settings = createSettings(memoryExtensionStorage());
    await settings.setBrokerUrl('http://127.0.0.1:9000');
    const api = { sidePanel: { open: vi.fn(async () => undefined) }, windows: { getCurrent: async () => ({ id: 1 }) } };
    const message = { type: 'assist', invite: INVITE };
    const elsewhere = await receiveAssist(
      message,
      { tab: { windowId: 1 }, url: 'http://127.0.0.1:8080/assist' },
      { api, settings },
    );
    expect(elsewhere).toMatchObject({ ok: false, refusal: 'other-broker' });
    expect(await settings.pendingAssist()).toBeUndefined();
    const own = await receiveAssist(message, { tab: { windowId: 1 }, url: 'http://127.0.0.1:9000/assist' }, { api, settings });
    expect(own).toEqual({ ok: true, signedIn: false, dashboardOpened: true });
    expect(await settings.pendingAssist()).toEqual({ kind: 'invite', invite: INVITE });
  });

  it('keeps the invitation when the browser will not open the dashboard for a page (Firefox), and says so', async () => {
    const settings = createSettings(memoryExtensionStorage());
    await settings.setBrokerUrl('http://127.0.0.1:9000');
    const refused = async () => Promise.reject(new Error('sidebarAction.open may only be called from a user input handler'));
    const api = { sidebarAction: { open: refused }, windows: { getCurrent: async () => ({ id: 1 }) } };
    const reply = await receiveAssist(
      { type: 'assist', invite: INVITE },
      { url: 'http://127.0.0.1:9000/assist' },
      { api, settings },
    );
    expect(reply).toEqual({ ok: true, signedIn: false, dashboardOpened: false });
    expect(await settings.pendingAssist()).toEqual({ kind: 'invite', invite: INVITE });
  });
});
