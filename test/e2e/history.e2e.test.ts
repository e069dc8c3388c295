import type { Page } from 'puppeteer-core';
import type { ChatEntry } from '../../core/chat/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, launchRepBrowser, waitUntil, type RepBrowser } from './browser';
import { createWorld, type World } from './fixtures';
import { assistByNumber, signInFromOptions } from './pages/extension';
import { JoinPage } from './pages/join-page';
import { closeSessionHost } from './pages/session-host';
import type { SidePanel } from './pages/side-panel';

const BOB = { email: 'bob@example.com', name: 'Bob Colleague', password: 'bob has a long password' };
const CAROL = { email: 'carol@example.com', name: 'Carol Colleague', password: 'carol has a long password' };
/** Older messages put into the controller's own store, so the history is long (500 with the typed ones). */
const OLDER = 476;
const ROUNDS = 12;

/** A row of the panel's chat store. */
type StoredRow = ChatEntry;

/** The chat rows in a panel's IndexedDB (what a reload shows again), oldest first. */
function storedRows(page: Page): Promise<StoredRow[]> {
  return page.evaluate(
    () =>
      new Promise<StoredRow[]>((resolve, reject) => {
        const open = indexedDB.open('remote-support');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('messages').objectStore('messages').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            db.close();
            resolve((all.result as StoredRow[]).sort((a, b) => a.sentAt - b.sentAt));
          };
        };
      }),
  );
}

/** Writes rows into a panel's IndexedDB, as Dexie keeps them (read back on the panel's next load). */
function storeRows(page: Page, rows: (StoredRow & { key: string })[]): Promise<void> {
  return page.evaluate(
    (rows) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('remote-support');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('messages', 'readwrite');
          for (const row of rows) tx.objectStore('messages').put(row);
          tx.oncomplete = () => (db.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
    rows,
  );
}

const ids = /^[A-Za-z0-9_-]+$/;

describe('a rep who joins late sees the conversation so far', () => {
  let world: World;
  let ann: JoinPage;
  let session: { number: string; joinUrl: string };
  let bobRep: RepBrowser | undefined;
  let carolRep: RepBrowser | undefined;
  let bob: SidePanel;
  /** The typed conversation, as its people said it: author, text. */
  const said: [string, string][] = [];

  beforeAll(async () => {
    world = await createWorld();
    await world.broker.addRep({ ...BOB, mode: 'single' });
    await world.broker.addRep({ ...CAROL, mode: 'single' });
    session = await world.panel.startSession();
  });
  afterAll(async () => {
    await Promise.allSettled([bobRep?.browser.close(), carolRep?.browser.close()]);
    await world?.close();
  });

  it('a rep and a customer chat; the rep’s store holds a long history', async () => {
    ann = await JoinPage.open(world.customerBrowser, session.joinUrl);
    await ann.join('Ann Customer');
    for (let i = 1; i <= ROUNDS; i++) {
      await ann.sendChat(`Ann asks question ${i}`);
      await world.panel.waitForText(`Ann asks question ${i}`);
      said.push(['Ann Customer', `Ann asks question ${i}`]);
      await world.panel.sendChat(`Rita answers ${i}`, 'Ann Customer');
      await ann.waitForText(`Rita answers ${i}`);
      said.push(['Rita Rep', `Rita answers ${i}`]);
    }
    // Earlier messages of the same conversation, written into Rita's store (where her panel keeps them).
    let rows: StoredRow[] = [];
    await waitUntil(world.panel.page, () => document.querySelectorAll('.chat-log li:not(.system)').length > 0);
    while (rows.length < ROUNDS * 2) rows = await storedRows(world.panel.page);
    const rita = rows.find((r) => r.mine)!;
    const annRow = rows.find((r) => !r.mine)!;
    expect([rita.sessionId, rita.senderId, annRow.senderId].every((id) => ids.test(id))).toBe(true);
    const start = rows[0]!.sentAt - OLDER * 100;
    const older = Array.from({ length: OLDER }, (_, i) => {
      const author = i % 2 === 0 ? annRow : rita;
      const id = `older-${String(i).padStart(4, '0')}`;
      return {
        sessionId: rita.sessionId,
        id,
        senderId: author.senderId,
        senderName: author.senderName,
        thread: annRow.senderId,
        text: `Earlier message ${i} from ${author.senderName}`,
        sentAt: start + i * 100,
        mine: author === rita,
        sentTo: [],
        pendingFor: [],
        key: `${rita.sessionId}/${author.senderId}/${id}`,
      };
    });
    await storeRows(world.panel.page, older);
    // The session host loaded the history when the session opened; made anew, it reads what is stored now.
    await closeSessionHost(world.rep);
    await world.rep.reload(world.panel.page);
    await world.panel.waitForText(`Rita answers ${ROUNDS}`);
    await waitUntil(world.panel.page, () => !document.body.textContent?.includes('Reconnecting…'));
  });

  it('a colleague who assists by number gets it from the rep: in order, with its authors, stored', async () => {
    bobRep = await launchRepBrowser();
    await signInFromOptions(bobRep, world.broker.url, BOB.email, BOB.password);
    const clicked = Date.now();
    bob = await assistByNumber(bobRep, session.number);
    await bob.waitForText('Rita Rep controls this session.');
    const live = Date.now();
    await bob.waitForText(`Rita answers ${ROUNDS}`);
    const shown = Date.now();
    let rows: StoredRow[] = [];
    while (rows.length < OLDER + ROUNDS * 2) rows = await storedRows(bob.page);
    const stored = Date.now();
    console.log(
      `history of ${rows.length} messages, after the Assist click: session shown ${live - clicked} ms, ` +
        `newest message shown ${shown - clicked} ms, all stored ${stored - clicked} ms`,
    );
    expect(rows.length).toBe(OLDER + ROUNDS * 2);
    expect(rows.slice(OLDER).map((r) => [r.senderName, r.text])).toEqual(said);
    expect(rows.every((r) => !r.mine && r.via === undefined)).toBe(true);
    // On screen: the newest lines, in order, each with its author, and the earlier ones a click away.
    const lines = await bob.chatLines();
    expect(lines.slice(-said.length).map((l) => [l.author, l.text])).toEqual(said);
    await clickByRole(bob.page, 'button', 'Show earlier messages');
    await waitUntil(bob.page, () => document.querySelectorAll('.chat-log li:not(.system)').length >= 200);

    // A reload keeps it.
    await bob.page.reload();
    await bob.waitForText(`Rita answers ${ROUNDS}`);
    expect((await bob.chatLines()).slice(-said.length).map((l) => [l.author, l.text])).toEqual(said);
  });

  it('with the first rep gone, a rep who joins gets the customer’s thread from the customer’s copy', async () => {
    await world.panel.passControl(BOB.name);
    await bob.waitForText('Rita Rep passed control to Bob Colleague');
    await clickByRole(world.panel.page, 'button', 'Leave session');
    await bob.waitForText('Rita Rep left');
    // Bob's browser goes away; he stays in control of the session, offline.
    await bobRep!.browser.close();
    bobRep = undefined;
    await ann.waitForText('Bob Colleague got disconnected');

    carolRep = await launchRepBrowser();
    await signInFromOptions(carolRep, world.broker.url, CAROL.email, CAROL.password);
    const carol = await assistByNumber(carolRep, session.number);
    await carol.waitForText(`Rita answers ${ROUNDS}`);
    await waitUntil(carol.page, () => !document.body.textContent?.includes('Getting the conversation so far'));
    const lines = await carol.chatLines();
    // Ann's page kept what was typed in her thread: that is what Carol gets, Rita's words marked as Ann's copy.
    expect(lines.map((l) => [l.author, l.text])).toEqual(said);
    for (const line of lines) {
      expect(line.meta.includes("from Ann Customer's copy"), line.text).toBe(line.author === 'Rita Rep');
    }
  });
});
