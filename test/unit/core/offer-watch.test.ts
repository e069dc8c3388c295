import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationsApi } from '../../../core/extension/action-notifications';
import { watchOffers } from '../../../core/extension/offer-watch';
import { createSettings } from '../../../core/extension/settings';
import { createBrokerClient } from '../../../core/broker/client';
import { startBroker, type TestBroker } from '../../helpers/broker';
import { memoryExtensionStorage } from '../../helpers/storage';
import { call, joinByLink, startSessionAs } from '../broker/support';

// The background's WebACD watch against a real broker: offers become notifications with Accept/Decline.
let broker: TestBroker;
beforeEach(async () => (broker = await startBroker()));
afterEach(() => broker.close());

/** browser.notifications as a recorder, with its two events to fire. */
function notifications(options: { refuseButtons?: boolean } = {}) {
  const shown = new Map<string, { title: string; message: string; buttons?: { title: string }[] }>();
  const buttonListeners: ((id: string, index: number) => void)[] = [];
  const api: NotificationsApi = {
    async create(id, n) {
      if (options.refuseButtons && n.buttons) throw new TypeError('Type error for parameter options');
      shown.set(id, n);
      return id;
    },
    async clear(id) {
      return shown.delete(id);
    },
    onButtonClicked: { addListener: (l) => void buttonListeners.push(l) },
    onClicked: { addListener: () => undefined },
  };
  return { api, shown, click: (id: string, index: number) => buttonListeners.forEach((l) => l(id, index)) };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
};

async function agentWatching(name: string, refuseButtons = false) {
  const rep = await broker.addRep({ name, isAgent: true });
  const login = await call(broker.url, 'POST', '/api/login', { body: { email: rep.email, password: rep.password } });
  const settings = createSettings(memoryExtensionStorage());
  await settings.setAuth({ brokerUrl: broker.url, token: login.body.token, rep: login.body.rep });
  const n = notifications({ refuseButtons });
  const watch = watchOffers({ settings, notifications: n.api, iconUrl: 'icon.png', WebSocket: WebSocket as never });
  // Online once its socket is up: the broker lists the agent as available.
  const client = createBrokerClient({ baseUrl: broker.url, getToken: () => login.body.token });
  for (;;) {
    const { agents } = await client.listAgents();
    if (agents.find((a) => a.id === rep.id)?.status === 'available') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { rep, settings, n, watch };
}

async function transferredSession(toRepId: string, message: string) {
  const tess = await broker.addRep({ name: 'Tess', isAgent: true });
  const token = await broker.login(tess.email, tess.password);
  const { session } = await startSessionAs(broker.url, token);
  await joinByLink(broker.url, session.joinUrl!, 'Ann');
  const res = await call(broker.url, 'POST', `/api/sessions/${session.id}/transfer`, {
    token,
    body: { agentIds: [toRepId], message },
  });
  return { session, token, transferId: res.body.transfer.id as string };
}

describe('offers while the panel is closed', () => {
  it('keep the agent online and notify with Accept/Decline; Accept takes the session for the panel', async () => {
    const { rep, settings, n, watch } = await agentWatching('Bob');
    const { session, transferId } = await transferredSession(rep.id, 'Over to you');
    await until(() => n.shown.has(`offer:${transferId}`));
    expect(n.shown.get(`offer:${transferId}`)).toMatchObject({
      title: 'Session offered to you',
      message: expect.stringContaining('Over to you'),
      buttons: [{ title: 'Accept' }, { title: 'Decline' }],
    });
    n.click(`offer:${transferId}`, 0);
    await until(() => n.shown.has(`taken:${transferId}`));
    expect(await settings.takenSession()).toBe(session.id);
    expect(n.shown.get(`taken:${transferId}`)?.title).toContain('is yours');
    expect(n.shown.has(`offer:${transferId}`)).toBe(false);
    const controller = (await broker.store.listParticipants(session.id)).find(
      (p) => p.role === 'controller' && p.leftAt === null,
    );
    expect(controller?.repId).toBe(rep.id);
    watch.stop();
  });

  it('takes a notification down when the offer goes away, and says "open the dashboard" where buttons are refused', async () => {
    const { rep, n, watch } = await agentWatching('Cleo', true);
    const { token, transferId } = await transferredSession(rep.id, '');
    await until(() => n.shown.has(`offer:${transferId}`));
    expect(n.shown.get(`offer:${transferId}`)?.message).toContain('Open the dashboard to accept or decline.');
    // The transferring rep calls it back: the notification goes.
    expect((await call(broker.url, 'POST', `/api/transfers/${transferId}/cancel`, { token, body: {} })).status).toBe(200);
    await until(() => !n.shown.has(`offer:${transferId}`));
    watch.stop();
  });
});
