import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickByRole, waitUntil } from './browser';
import { createWorld, type World } from './fixtures';
import { makeFile, opfsHashes, pickFiles, transferRow, waitForBytes, waitForTransfer } from './pages/files';
import { JoinPage } from './pages/join-page';

const MB = 1024 * 1024;
const linked = () => document.querySelectorAll('.participants .dot.connected').length === 2;

describe('files between a rep and a customer, peer to peer, checked and resumable', () => {
  let world: World;
  let customer: JoinPage;
  let joinUrl: string;

  beforeAll(async () => {
    world = await createWorld();
    ({ joinUrl } = await world.panel.startSession());
    customer = await JoinPage.open(world.customerBrowser, joinUrl);
    await customer.join('Pat Customer');
    await waitUntil(world.panel.page, linked);
  });
  afterAll(() => world?.close());

  it('a 50 MB file goes from the rep to the customer, who accepts it; both ends have the same SHA-256', async () => {
    const file = makeFile('rep-to-customer.bin', 50 * MB);
    await pickFiles(world.panel.page, 'Send file', [file.path]);
    await clickByRole(customer.page, 'button', 'Accept rep-to-customer.bin');
    await waitForTransfer(customer.page, 'rep-to-customer.bin', 'done');
    await waitForTransfer(world.panel.page, 'rep-to-customer.bin', 'done');
    expect(await opfsHashes(customer.page, file.size)).toContain(file.sha256);
    expect((await transferRow(world.panel.page, 'rep-to-customer.bin'))?.status).toBe('Sent and checked');
  });

  it('a 50 MB file goes from the customer to the rep; the rep side (extension storage) has the same SHA-256', async () => {
    const file = makeFile('customer-to-rep.bin', 50 * MB);
    await pickFiles(customer.page, 'Send a file to Rita Rep', [file.path]);
    await clickByRole(world.panel.page, 'button', 'Accept customer-to-rep.bin');
    await waitForTransfer(world.panel.page, 'customer-to-rep.bin', 'done');
    await waitForTransfer(customer.page, 'customer-to-rep.bin', 'done');
    expect(await opfsHashes(world.panel.page, file.size)).toContain(file.sha256);
  });

  it('the customer closes their page mid-way and opens the link again: it resumes where it was, nothing sent twice', async () => {
    const file = makeFile('resumed.bin', 50 * MB);
    await pickFiles(world.panel.page, 'Send file', [file.path]);
    await clickByRole(customer.page, 'button', 'Accept resumed.bin');
    await waitForBytes(customer.page, 'resumed.bin', 15 * MB);
    await customer.page.close();
    await waitForTransfer(world.panel.page, 'resumed.bin', 'paused');
    customer = await JoinPage.open(world.customerBrowser, joinUrl);
    await waitForTransfer(customer.page, 'resumed.bin', 'done');
    await waitForTransfer(world.panel.page, 'resumed.bin', 'done');
    expect(await opfsHashes(customer.page, file.size)).toContain(file.sha256);
    const sent = (await transferRow(world.panel.page, 'resumed.bin'))!;
    // It went on from what the customer's disk had: in all the file went once, plus at most what was in
    // flight at the cut (a window of 2 MiB, and the sidecar's last quarter second).
    expect(sent.resumed).toBeGreaterThanOrEqual(10 * MB);
    expect(sent.wire).toBeLessThan(file.size + 4 * MB);
  });
});
