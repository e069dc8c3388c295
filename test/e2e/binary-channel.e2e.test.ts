import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrokerClient } from '../../core/broker/client';
import type { Self } from '../../core/protocol';
import { startBroker, type TestBroker } from '../helpers/broker';
import { launchBrowser, waitUntil } from './browser';
import { bundleMeshPage, meshPage } from './pages/mesh-bundle';

describe('a binary channel between two real browsers, through the broker and PeerJS', () => {
  let broker: TestBroker;
  let browsers: Browser[];
  let pages: Page[];
  let ann: Self;
  let bob: Self;

  beforeAll(async () => {
    broker = await startBroker({ mode: 'in-process' });
    const rep = await broker.addRep({ name: 'Rita Rep', maxCustomers: 3 });
    const token = await broker.login(rep.email, rep.password);
    const client = createBrokerClient({ baseUrl: broker.url, getToken: () => token });
    const { session } = await client.createSession();
    const invite = new URL(session.joinUrl!).hash.slice(1);
    ann = (await client.join({ invite, name: 'Ann' })).self;
    bob = (await client.join({ invite, name: 'Bob' })).self;
    const [code, ...launched] = await Promise.all([bundleMeshPage(), launchBrowser(), launchBrowser()]);
    browsers = launched;
    pages = [
      await meshPage(browsers[0]!, broker.url, code, ann, [ann, bob]),
      await meshPage(browsers[1]!, broker.url, code, bob, [ann, bob]),
    ];
    await waitUntil(pages[0]!, (id) => (window as any).node.opened.has(id), bob.participantId);
  });
  afterAll(async () => {
    await Promise.allSettled((browsers ?? []).map((b) => b.close()));
    await broker?.close();
  });

  it('carries 8 MB intact with backpressure while the JSON link keeps carrying messages', async () => {
    const [a, b] = pages as [Page, Page];
    const result = await a.evaluate(async (to) => {
      const node = (window as any).node;
      const link = node.mesh.openChannel(to, 'file:proof-00000001');
      await new Promise<void>((resolve) => link.onOpen(resolve));
      const all = new Uint8Array(8 * 1024 * 1024);
      for (let i = 0; i < all.length; i++) all[i] = (i * 7 + (i >> 13)) & 0xff;
      let waits = 0;
      let peak = 0;
      const started = performance.now();
      for (let offset = 0; offset < all.length; offset += 64 * 1024) {
        if (link.bufferedAmount > 1024 * 1024) waits++;
        await node.whenWritable(link);
        link.send(all.slice(offset, offset + 64 * 1024).buffer);
        peak = Math.max(peak, link.bufferedAmount);
        if (offset % (1024 * 1024) === 0) {
          node.mesh.send(to, { type: 'chat', id: `msg${offset}aaaa`, text: `at ${offset}`, sentAt: Date.now(), thread: 'all' });
        }
      }
      const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', all)));
      return { waits, peak, sendMs: performance.now() - started, digest };
    }, bob.participantId);

    await waitUntil(b, () => ((window as any).node.channels[0]?.bytes ?? 0) >= 8 * 1024 * 1024);
    const received = await b.evaluate(async () => {
      const node = (window as any).node;
      const all = new Uint8Array(8 * 1024 * 1024);
      let offset = 0;
      for (const chunk of node.channels[0].chunks as ArrayBuffer[]) {
        all.set(new Uint8Array(chunk), offset);
        offset += chunk.byteLength;
      }
      return {
        digest: Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', all))),
        label: node.channels[0].link.label,
        chats: node.received.filter((m: { type: string }) => m.type === 'chat').length,
      };
    });
    expect(received.label).toBe('file:proof-00000001');
    expect(received.digest).toEqual(result.digest);
    expect(received.chats).toBe(8); // the JSON link carried every message meanwhile
    expect(result.waits).toBeGreaterThan(0); // the sender waited for the queue instead of filling memory
    expect(result.peak).toBeLessThan(2 * 1024 * 1024);
    console.log(`binary channel: 8 MB in ${Math.round(result.sendMs)} ms (${(8000 / result.sendMs).toFixed(1)} MB/s sending)`);
  });
});
