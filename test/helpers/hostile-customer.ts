import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'puppeteer-core';
import { createBrokerClient } from '../../core/broker/client';
import type { Participant, Self } from '../../core/protocol';
import { ROOT } from './broker';
import { openBrokerPage } from './broker-page';

/** PeerJS's own browser build: the hostile page runs nothing of ours. */
const PEERJS_MIN = resolve(ROOT, 'node_modules/peerjs/dist/peerjs.min.js');

/**
 * A customer who joins like anyone (a real link, a real participant id and token) and then, instead of
 * running the join page, drives PeerJS by hand in a browser page: any serialization, any message, any
 * number of them, calls with made-up streams. For tests that prove one participant cannot break another
 * (issue 10), and for later features (files, media) to reuse.
 *
 * The page is a blank page of the broker's origin with PeerJS's own build injected; nothing of the app
 * runs in it.
 */
export class HostileCustomer {
  private constructor(
    readonly page: Page,
    readonly self: Self,
    readonly sessionId: string,
    private readonly brokerUrl: string,
  ) {}

  /** Joins with `joinUrl` as `name` and opens a PeerJS peer with the participant's own id and token. */
  static async join(
    browser: Browser | BrowserContext,
    brokerUrl: string,
    joinUrl: string,
    name: string,
  ): Promise<HostileCustomer> {
    const invite = new URL(joinUrl).hash.slice(1);
    const { sessionId, self } = await createBrokerClient({ baseUrl: brokerUrl }).join({ invite, name });
    const page = await openBrokerPage(browser, brokerUrl);
    await page.addScriptTag({ path: PEERJS_MIN });
    const url = new URL(brokerUrl);
    await page.evaluate(
      (id, token, host, port) =>
        new Promise<void>((resolve, reject) => {
          const w = window as unknown as Record<string, any>;
          const peer = new w.peerjs.Peer(id, {
            host,
            port,
            path: '/peerjs/',
            key: 'peerjs',
            token,
            secure: false,
            debug: 0,
            config: { iceServers: [] },
          });
          w.__hostile = { peer, connections: [] as unknown[], errors: [] as string[] };
          peer.on('error', (e: { type: string }) => w.__hostile.errors.push(e.type));
          peer.on('open', () => resolve());
          setTimeout(() => reject(new Error('PeerServer did not open')), 15_000);
        }),
      self.peerId,
      self.peerToken,
      url.hostname,
      Number(url.port),
    );
    return new HostileCustomer(page, self, sessionId, brokerUrl);
  }

  /** The session's participants as the broker tells this customer. */
  async participants(): Promise<Participant[]> {
    const client = createBrokerClient({ baseUrl: this.brokerUrl, getToken: () => this.self.peerToken });
    return (await client.getSession(this.sessionId)).participants;
  }

  /** The peer id of the first present participant with this role. */
  async peerIdOf(role: Participant['role']): Promise<string> {
    const found = (await this.participants()).find((p) => p.role === role && p.leftAt === null);
    if (!found) throw new Error(`No ${role} in the session`);
    return found.peerId;
  }

  /**
   * Opens a data connection with any serialization; resolves with a handle once it is open, or with
   * undefined when it did not open within `waitMs` (refused somewhere on the way).
   */
  connect(peerId: string, options: { serialization?: string; waitMs?: number } = {}): Promise<number | undefined> {
    return this.page.evaluate(
      (remote, serialization, waitMs) =>
        new Promise<number | undefined>((resolve) => {
          const h = (window as unknown as Record<string, any>).__hostile;
          const connection = h.peer.connect(remote, { serialization, reliable: true });
          const handle = h.connections.push(connection) - 1;
          connection.on('open', () => resolve(handle));
          setTimeout(() => resolve(undefined), waitMs);
        }),
      peerId,
      options.serialization ?? 'json',
      options.waitMs ?? 15_000,
    );
  }

  /** Sends messages through PeerJS on an open connection, as fast as it takes them. */
  send(handle: number, messages: unknown[]): Promise<void> {
    return this.page.evaluate(
      (index, list) => {
        const connection = (window as unknown as Record<string, any>).__hostile.connections[index];
        for (const message of list) connection.send(message);
      },
      handle,
      messages,
    );
  }

  /** Sends `count` chat messages built in the page (a flood without shipping them through the test). */
  flood(handle: number, count: number, thread: string, prefix = 'flood'): Promise<void> {
    return this.page.evaluate(
      (index, n, threadId, tag) => {
        const connection = (window as unknown as Record<string, any>).__hostile.connections[index];
        const now = Date.now();
        for (let i = 0; i < n; i++) {
          connection.send({ type: 'chat', id: `${tag}-${i}-xxxxxxxx`, text: `${tag} ${i}`, sentAt: now, thread: threadId });
        }
      },
      handle,
      count,
      thread,
      prefix,
    );
  }

  /** Writes straight on the RTCDataChannel under PeerJS: bytes no serializer produced. */
  sendRaw(handle: number, data: string | number[]): Promise<void> {
    return this.page.evaluate(
      (index, payload) => {
        const connection = (window as unknown as Record<string, any>).__hostile.connections[index];
        connection.dataChannel.send(typeof payload === 'string' ? payload : new Uint8Array(payload));
      },
      handle,
      data,
    );
  }

  /**
   * Calls a peer with a made-up video stream (a canvas), as a modified page could; resolves with whether
   * the other side answered with a stream within `waitMs` ... or closed the call.
   */
  call(peerId: string, metadata: unknown = { kind: 'screen' }, waitMs = 8_000): Promise<'answered' | 'closed' | 'no answer'> {
    return this.page.evaluate(
      (remote, meta, wait) =>
        new Promise<'answered' | 'closed' | 'no answer'>((resolve) => {
          const h = (window as unknown as Record<string, any>).__hostile;
          const canvas = document.createElement('canvas');
          canvas.width = 320;
          canvas.height = 180;
          const ctx = canvas.getContext('2d')!;
          const paint = setInterval(() => {
            ctx.fillStyle = `hsl(${Date.now() % 360}, 80%, 50%)`;
            ctx.fillRect(0, 0, 320, 180);
          }, 50);
          const call = h.peer.call(remote, canvas.captureStream(10), { metadata: meta });
          h.connections.push(call);
          const done = (how: 'answered' | 'closed' | 'no answer') => {
            clearInterval(paint);
            resolve(how);
          };
          call.on('stream', () => done('answered'));
          call.on('close', () => done('closed'));
          setTimeout(() => done('no answer'), wait);
        }),
      peerId,
      metadata,
      waitMs,
    );
  }

  /** PeerJS errors this page has seen (e.g. 'peer-unavailable'). */
  errors(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as Record<string, any>).__hostile.errors as string[]);
  }

  async close(): Promise<void> {
    await this.page.evaluate(() => (window as unknown as Record<string, any>).__hostile.peer.destroy()).catch(() => undefined);
    await this.page.close().catch(() => undefined);
  }
}
