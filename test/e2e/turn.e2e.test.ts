import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, type TestCoturn } from '../helpers/coturn';
import { waitUntil } from './browser';
import { createWorld, REP, type World } from './fixtures';
import { JoinPage } from './pages/join-page';
import { waitForLiveVideo } from './pages/video';

/** Keeps every RTCPeerConnection the page makes, so the test can ask each how it is connected. */
const RECORD_CONNECTIONS = `(() => {
  const Real = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Real {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
})()`;

declare global {
  interface Window {
    __pcs: RTCPeerConnection[];
  }
}

/** The local and remote candidate types of each connected connection's selected pair. */
function selectedPairs(page: Page): Promise<{ local: string; remote: string }[]> {
  return page.evaluate(async () => {
    const pairs: { local: string; remote: string }[] = [];
    // The session's connections (given the broker's ICE servers); not the session host's local picture
    // bridges to the panel, which have none by design.
    const session = window.__pcs.filter((c) => (c.getConfiguration().iceServers ?? []).length > 0);
    for (const pc of session.filter((c) => c.connectionState === 'connected')) {
      const stats = await pc.getStats();
      let pairId: string | undefined;
      stats.forEach((r: { type: string; selectedCandidatePairId?: string }) => {
        if (r.type === 'transport' && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId;
      });
      const pair = pairId ? stats.get(pairId) : undefined;
      if (!pair) continue;
      pairs.push({
        local: stats.get(pair.localCandidateId).candidateType,
        remote: stats.get(pair.remoteCandidateId).candidateType,
      });
    }
    return pairs;
  });
}

/** Connected connections: chat's data connection and the screen's media connection, at least. */
const connected = (page: Page, count: number) =>
  waitUntil(
    page,
    (n) =>
      window.__pcs.filter((c) => c.connectionState === 'connected' && (c.getConfiguration().iceServers ?? []).length > 0)
        .length >= n,
    count,
  );

/**
 * A real coturn and a world whose broker signs TURN credentials with `brokerSecret(turn)` and makes every
 * browser relay-only; both are stopped (and coturn's temp dir removed) after the block.
 */
function relayWorld(brokerSecret: (turn: TestCoturn) => string, panelInit?: string) {
  const running = {} as { turn: TestCoturn; world: World };
  beforeAll(async () => {
    running.turn = await startCoturn();
    const env = { TURN_URLS: running.turn.url, TURN_SECRET: brokerSecret(running.turn), ICE_TRANSPORT_POLICY: 'relay' };
    running.world = await createWorld({ env, ...(panelInit ? { panelInit } : {}) });
  });
  afterAll(async () => {
    await running.world?.close();
    await running.turn?.stop();
  });
  return running;
}

describe('customers behind NAT reach the rep through the TURN relay', () => {
  const running = relayWorld((turn) => turn.secret, RECORD_CONNECTIONS);

  it('chat and a screen share flow through the relay on both ends', async () => {
    const { world } = running;
    const { panel } = world;
    const { joinUrl } = await panel.startSession();
    const customer = await JoinPage.open(world.customerBrowser, joinUrl, { init: RECORD_CONNECTIONS });
    await customer.join('Casey Customer');
    await customer.waitForText(`You are connected with ${REP.name}`);
    await panel.sendChat('Hello over the relay', 'Casey Customer');
    await customer.waitForText('Hello over the relay');
    await customer.sendChat('Relayed reply');
    await panel.waitForText('Relayed reply');

    await customer.shareScreen();
    await panel.waitForText("Casey Customer's screen");
    expect((await waitForLiveVideo(panel.page, 10)).frames).toBeGreaterThanOrEqual(10);

    await Promise.all([connected(panel.host!, 2), connected(customer.page, 2)]);
    // The rep's calls live in the session host (the panel only shows bridged copies of the pictures).
    for (const page of [panel.host!, customer.page]) {
      const pairs = await selectedPairs(page);
      expect(pairs.length).toBeGreaterThanOrEqual(2);
      for (const pair of pairs) expect(pair).toEqual({ local: 'relay', remote: 'relay' });
    }
    // The relay was never in doubt, so nobody was told otherwise.
    expect(await panel.page.$('[data-testid="relay-unreachable"]')).toBeNull();
    expect(await customer.page.$('[data-testid="relay-unreachable"]')).toBeNull();
  });
});

describe('credentials the relay refuses', () => {
  const running = relayWorld(() => 'not-the-relay-secret');

  it('say "cannot reach the relay" to rep and customer instead of hanging', async () => {
    const { world } = running;
    const { panel } = world;
    const { joinUrl } = await panel.startSession();
    await panel.waitForText('Cannot reach the relay server (TURN)');
    const customer = await JoinPage.open(world.customerBrowser, joinUrl);
    await customer.join('Casey Customer');
    await customer.waitForText('Cannot reach the relay server, so the connection');
  });
});
